//! Shaping and line breaking: a paragraph of Unicode text becomes lines of positioned
//! glyph runs.
//!
//! Each word is split into runs of one face and one bidi level, and each run is shaped
//! with rustybuzz (Arabic joining forms, lam-alef ligatures, kerning, mark placement).
//! Lines are filled greedily in logical order, then each line's runs are put in visual
//! order with the Unicode bidi algorithm's rule L2, so a right-to-left name inside an
//! English sentence reads correctly and a paragraph that starts in Arabic is set
//! right-to-left.

use std::collections::{BTreeMap, HashMap};

use rustybuzz::{BufferClusterLevel, Direction, UnicodeBuffer};
use unicode_bidi::{BidiClass, BidiInfo};

use crate::fonts::{is_arabic, FaceId, Fonts};

/// One shaped glyph, in font units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Glyph {
    pub(crate) gid: u16,
    pub(crate) advance: i32,
    pub(crate) dx: i32,
    pub(crate) dy: i32,
}

/// Glyphs of one face at one size, in visual (left-to-right) order.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Run {
    pub(crate) face: FaceId,
    pub(crate) size: f32,
    pub(crate) glyphs: Vec<Glyph>,
    /// Total advance, in points.
    pub(crate) width: f32,
}

/// A laid-out line: runs placed at `x` offsets from the line's left edge.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Line {
    pub(crate) runs: Vec<(f32, Run)>,
    pub(crate) width: f32,
    /// The paragraph's base direction is right-to-left (it starts with Arabic).
    pub(crate) rtl: bool,
}

/// How text is set: weight and size in points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Font {
    pub(crate) bold: bool,
    pub(crate) size: f32,
}

/// Shapes text, and remembers which characters each glyph stands for so the PDF can map
/// glyphs back to text (`/ToUnicode`): copy, search and `pdftotext` depend on it.
pub(crate) struct Shaper {
    fonts: &'static Fonts,
    /// Per face: glyph id → the text it was shaped from (first seen wins).
    to_unicode: [BTreeMap<u16, String>; 4],
    /// Words recur ("the", "artery", dates): each distinct piece is shaped once per
    /// document. One map per face and direction; shaping does not depend on the
    /// size, so the size is not in the key.
    shaped: [HashMap<String, (Vec<Glyph>, i32)>; 8],
    spare: Option<UnicodeBuffer>,
}

/// A piece of a line before visual reordering.
enum Item {
    Run(Run),
    Space(f32),
}

struct Word {
    /// (bidi level, run) in logical order.
    runs: Vec<(u8, Run)>,
    width: f32,
}

impl Shaper {
    pub(crate) fn new() -> Shaper {
        Shaper {
            fonts: Fonts::get(),
            to_unicode: Default::default(),
            shaped: Default::default(),
            spare: None,
        }
    }

    pub(crate) fn to_unicode(&self, face: FaceId) -> &BTreeMap<u16, String> {
        &self.to_unicode[face.index()]
    }

    /// Width of a space in the Latin face, in points: spaces are never shaped, they only
    /// separate words.
    fn space_width(&self, font: Font) -> f32 {
        let face = self.fonts.face(FaceId::latin(font.bold));
        let gid = face.face.glyph_index(' ').map(|g| g.0).unwrap_or(0);
        face.advance(gid) as f32 * font.size / face.units_per_em
    }

    /// Which face draws `c`: Arabic script from the Arabic face, everything the Latin face
    /// has from it, anything else from whichever face has it (or the Latin face's
    /// missing-glyph box when neither has it). Marks and joiners stay with the character
    /// before them, so a base and its marks are shaped together.
    fn face_for(&self, c: char, bold: bool, previous: Option<FaceId>) -> FaceId {
        if c.is_ascii_graphic() {
            return FaceId::latin(bold);
        }
        if let Some(previous) = previous {
            if matches!(unicode_bidi::bidi_class(c), BidiClass::NSM | BidiClass::BN) {
                return previous;
            }
        }
        let latin = FaceId::latin(bold);
        let arabic = FaceId::arabic(bold);
        if is_arabic(c) {
            arabic
        } else if self.fonts.face(latin).has_glyph(c) || !self.fonts.face(arabic).has_glyph(c) {
            latin
        } else {
            arabic
        }
    }

    /// Shapes `text` (one face, one direction) into a run in visual order.
    pub(crate) fn shape(&mut self, text: &str, face_id: FaceId, rtl: bool, size: f32) -> Run {
        let units_per_em = self.fonts.face(face_id).units_per_em;
        let slot = face_id.index() * 2 + usize::from(rtl);
        let (glyphs, total) = match self.shaped[slot].get(text) {
            Some((glyphs, total)) => (glyphs.clone(), *total),
            None => {
                let (glyphs, total) = self.shape_uncached(text, face_id, rtl);
                self.shaped[slot].insert(text.to_owned(), (glyphs.clone(), total));
                (glyphs, total)
            }
        };
        Run {
            face: face_id,
            size,
            glyphs,
            width: total as f32 * size / units_per_em,
        }
    }

    fn shape_uncached(&mut self, text: &str, face_id: FaceId, rtl: bool) -> (Vec<Glyph>, i32) {
        let face = self.fonts.face(face_id);
        let mut buffer = self.spare.take().unwrap_or_default();
        buffer.push_str(text);
        buffer.set_direction(if rtl {
            Direction::RightToLeft
        } else {
            Direction::LeftToRight
        });
        buffer.set_script(face.script());
        // One cluster per character (marks keep their own), so each glyph maps back to
        // the characters it came from and not to its neighbours'.
        buffer.set_cluster_level(BufferClusterLevel::Characters);
        let shaped = rustybuzz::shape_with_plan(&face.face, face.plan(rtl), buffer);

        let infos = shaped.glyph_infos();
        let positions = shaped.glyph_positions();
        let mut glyphs = Vec::with_capacity(infos.len());
        let mut total = 0i32;
        for (info, pos) in infos.iter().zip(positions) {
            total += pos.x_advance;
            glyphs.push(Glyph {
                gid: info.glyph_id as u16,
                advance: pos.x_advance,
                dx: pos.x_offset,
                dy: pos.y_offset,
            });
        }
        let mut starts: Vec<usize> = infos.iter().map(|i| i.cluster as usize).collect();
        starts.sort_unstable();
        starts.dedup();
        // A cluster's glyphs are adjacent in the output, in either direction.
        let mut first = 0;
        while first < infos.len() {
            let start = infos[first].cluster as usize;
            let mut last = first + 1;
            while last < infos.len() && infos[last].cluster as usize == start {
                last += 1;
            }
            let end = match starts.binary_search(&start) {
                Ok(i) => starts.get(i + 1).copied().unwrap_or(text.len()),
                Err(_) => text.len(),
            };
            let source = text.get(start..end).unwrap_or_default();
            self.remember(face_id, rtl, source, &glyphs[first..last]);
            first = last;
        }
        self.spare = Some(shaped.clear());
        (glyphs, total)
    }

    /// Records which text each glyph of one cluster stands for (first seen wins: a glyph
    /// is the same character wherever it appears). A glyph that is a character's own
    /// glyph takes that character; the first other spacing glyph takes the remaining
    /// letters (a ligature takes all of its letters), the first other mark glyph the
    /// remaining marks.
    ///
    /// Arabic vowel marks are reordered by the shaper (shadda before fatha), which can
    /// leave a mark's character inside a letter's cluster while its glyph sits elsewhere;
    /// an Arabic letter therefore never takes marks, or a meem written once with a fatha
    /// would read "مَ" everywhere. A Latin letter does take marks it was composed with
    /// (e + ◌́ shaped as é).
    fn remember(&mut self, face_id: FaceId, rtl: bool, source: &str, glyphs: &[Glyph]) {
        // Extractors read a right-to-left run in visual order and reverse it character by
        // character, a ligature's characters included: store those (lam-alef in "السلام")
        // reversed, so they come out in order.
        let order = |chars: Vec<char>| -> String {
            if rtl {
                chars.into_iter().rev().collect()
            } else {
                chars.into_iter().collect()
            }
        };
        let face = &self.fonts.face(face_id).face;
        let map = &mut self.to_unicode[face_id.index()];
        let mut pool: Vec<char> = source.chars().collect();
        let mut unmatched = Vec::new();
        for glyph in glyphs {
            let own = pool
                .iter()
                .position(|c| face.glyph_index(*c).map(|g| g.0) == Some(glyph.gid));
            match own {
                Some(i) => {
                    let c = pool.remove(i);
                    map.entry(glyph.gid).or_insert_with(|| c.to_string());
                }
                None => unmatched.push(glyph),
            }
        }
        let spacing = unmatched.iter().find(|g| g.advance != 0);
        let mark = unmatched.iter().find(|g| g.advance == 0);
        let is_mark = |c: &char| unicode_bidi::bidi_class(*c) == BidiClass::NSM;
        let letters_take_marks =
            mark.is_none() && !matches!(face_id, FaceId::Arabic | FaceId::ArabicBold);
        let letters: Vec<char> = pool
            .iter()
            .copied()
            .filter(|c| letters_take_marks || !is_mark(c))
            .collect();
        let marks: Vec<char> = pool.iter().copied().filter(is_mark).collect();
        for (glyph, chars) in [(spacing, letters), (mark, marks)] {
            if let (Some(glyph), false) = (glyph, chars.is_empty()) {
                map.entry(glyph.gid).or_insert_with(|| order(chars));
            }
        }
    }

    /// Lays out one paragraph (no line breaks inside) into lines at most `max_width`
    /// points wide. An empty paragraph has no lines.
    pub(crate) fn paragraph(&mut self, text: &str, font: Font, max_width: f32) -> Vec<Line> {
        let text = text.trim_end();
        if text.trim_start().is_empty() {
            return Vec::new();
        }
        // Plain ASCII has no right-to-left text: skip the bidi analysis.
        let (levels, base_level) = if text.is_ascii() {
            (None, 0u8)
        } else {
            let bidi = BidiInfo::new(text, None);
            let base = bidi
                .paragraphs
                .first()
                .map(|p| p.level.number())
                .unwrap_or(0);
            (
                Some(bidi.levels.iter().map(|l| l.number()).collect::<Vec<u8>>()),
                base,
            )
        };
        let level_at = |i: usize| levels.as_ref().map_or(0, |l| l[i]);
        let space = self.space_width(font);

        // Words in logical order, with the level of the space run before each.
        let mut words: Vec<(u8, Word)> = Vec::new();
        let mut pos = 0;
        for piece in text.split(' ') {
            let start = pos;
            pos += piece.len() + 1;
            if piece.is_empty() {
                continue;
            }
            let space_level = if start == 0 {
                base_level
            } else {
                level_at(start - 1)
            };
            let word = self.word(text, start..start + piece.len(), &level_at, font);
            if word.width > max_width {
                for part in
                    self.split_word(text, start..start + piece.len(), &level_at, font, max_width)
                {
                    words.push((space_level, part));
                }
            } else {
                words.push((space_level, word));
            }
        }

        // Greedy filling; a word that follows a break sheds its space.
        let mut lines = Vec::new();
        let mut current: Vec<(u8, Item)> = Vec::new();
        let mut width = 0.0f32;
        for (space_level, word) in words {
            let gap = if current.is_empty() { 0.0 } else { space };
            if !current.is_empty() && width + gap + word.width > max_width {
                lines.push(finish_line(std::mem::take(&mut current), base_level));
                width = 0.0;
            }
            if !current.is_empty() {
                current.push((space_level, Item::Space(space)));
                width += space;
            }
            width += word.width;
            current.extend(
                word.runs
                    .into_iter()
                    .map(|(level, run)| (level, Item::Run(run))),
            );
        }
        if !current.is_empty() {
            lines.push(finish_line(current, base_level));
        }
        lines
    }

    /// Shapes one word as runs of one face and one bidi level each.
    fn word(
        &mut self,
        text: &str,
        range: std::ops::Range<usize>,
        level_at: &dyn Fn(usize) -> u8,
        font: Font,
    ) -> Word {
        let mut runs = Vec::new();
        let mut width = 0.0;
        let mut run_start = range.start;
        let mut key: Option<(u8, FaceId)> = None;
        for (offset, c) in text[range.clone()].char_indices() {
            let i = range.start + offset;
            let face = self.face_for(c, font.bold, key.map(|k| k.1));
            let this = (level_at(i), face);
            if let Some(previous) = key {
                if previous != this {
                    let run = self.shape(
                        &text[run_start..i],
                        previous.1,
                        previous.0 % 2 == 1,
                        font.size,
                    );
                    width += run.width;
                    runs.push((previous.0, run));
                    run_start = i;
                }
            }
            key = Some(this);
        }
        if let Some((level, face)) = key {
            let run = self.shape(&text[run_start..range.end], face, level % 2 == 1, font.size);
            width += run.width;
            runs.push((level, run));
        }
        Word { runs, width }
    }

    /// A word wider than the line (a long URL, an identifier) is cut between characters
    /// so it never runs past the margin: each piece is the longest prefix that fits (at
    /// least one character), found by bisection so a pasted blob costs a few shapings
    /// per line, not one per character.
    fn split_word(
        &mut self,
        text: &str,
        range: std::ops::Range<usize>,
        level_at: &dyn Fn(usize) -> u8,
        font: Font,
        max_width: f32,
    ) -> Vec<Word> {
        // No line holds more characters than this at any size we print.
        const MOST_CHARS_PER_LINE: usize = 400;
        let mut parts = Vec::new();
        let mut start = range.start;
        while start < range.end {
            let ends: Vec<usize> = text[start..range.end]
                .char_indices()
                .map(|(offset, c)| start + offset + c.len_utf8())
                .take(MOST_CHARS_PER_LINE)
                .collect();
            // Invariant: the prefix up to ends[fits] fits (or is the one-character
            // minimum); the prefix up to ends[too_long] does not (or is past the end).
            let mut fits = 0;
            let mut too_long = ends.len();
            while too_long - fits > 1 {
                let middle = (fits + too_long) / 2;
                if self.word(text, start..ends[middle], level_at, font).width <= max_width {
                    fits = middle;
                } else {
                    too_long = middle;
                }
            }
            let end = ends[fits];
            parts.push(self.word(text, start..end, level_at, font));
            start = end;
        }
        parts
    }
}

/// Puts a line's items in visual order (bidi rule L2: reverse every maximal sequence at
/// or above each odd-or-higher level, from the highest level down) and places them.
fn finish_line(mut items: Vec<(u8, Item)>, base_level: u8) -> Line {
    let max = items.iter().map(|(l, _)| *l).max().unwrap_or(0);
    let lowest_odd = items
        .iter()
        .map(|(l, _)| *l)
        .filter(|l| l % 2 == 1)
        .min()
        .unwrap_or(max + 1);
    let mut level = max;
    while level >= lowest_odd && level > 0 {
        let mut i = 0;
        while i < items.len() {
            if items[i].0 >= level {
                let start = i;
                while i < items.len() && items[i].0 >= level {
                    i += 1;
                }
                items[start..i].reverse();
            } else {
                i += 1;
            }
        }
        level -= 1;
    }
    let mut x = 0.0;
    let mut runs = Vec::with_capacity(items.len());
    for (_, item) in items {
        match item {
            Item::Space(w) => x += w,
            Item::Run(run) => {
                let w = run.width;
                runs.push((x, run));
                x += w;
            }
        }
    }
    Line {
        runs,
        width: x,
        rtl: base_level % 2 == 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn font() -> Font {
        Font {
            bold: false,
            size: 10.0,
        }
    }

    #[test]
    fn lines_never_exceed_the_width() {
        let mut shaper = Shaper::new();
        let text = "The patient presented with exertional chest pain radiating to the left arm \
                    and an abnormal treadmill test; https://example.org/a/very/long/identifier/that/cannot/be/broken/at/spaces";
        let blob: String = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=".repeat(80);
        let lines = shaper.paragraph(&blob, font(), 300.0);
        assert!(lines.len() > 8, "a 2,880-character word is cut into lines");
        assert!(
            lines.iter().all(|l| l.width <= 300.01),
            "every piece fits the line"
        );
        for width in [60.0, 120.0, 300.0] {
            let lines = shaper.paragraph(text, font(), width);
            assert!(
                lines.len() > 1,
                "the text is wider than {width} pt, so it must wrap"
            );
            for line in &lines {
                assert!(
                    line.width <= width + 0.01,
                    "a line must fit in {width} pt: {}",
                    line.width
                );
            }
        }
    }

    #[test]
    fn arabic_is_shaped_with_joining_forms_and_set_right_to_left() {
        let mut shaper = Shaper::new();
        let lines = shaper.paragraph("محمد عبد الله", font(), 400.0);
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert!(
            line.rtl,
            "a paragraph that starts in Arabic is right-to-left"
        );
        assert!(line.runs.iter().all(|(_, r)| r.face == FaceId::Arabic));
        // Visual order: the first word (محمد) is rightmost.
        let first_word = shaper.shape("محمد", FaceId::Arabic, true, 10.0);
        let (x, rightmost) = line.runs.last().expect("three words");
        assert_eq!(
            rightmost.glyphs, first_word.glyphs,
            "the first logical word is drawn last, at the right"
        );
        assert!(*x > 0.0);
        // Joining: the initial meem is not the isolated meem glyph.
        let isolated = shaper.shape("م", FaceId::Arabic, true, 10.0);
        let initial = first_word.glyphs.last().expect("glyphs").gid;
        assert_ne!(
            initial, isolated.glyphs[0].gid,
            "meem at the start of a word takes its initial form"
        );
    }

    #[test]
    fn vowel_marks_are_placed_and_never_stick_to_a_letter_elsewhere() {
        let mut shaper = Shaper::new();
        let vocalised = shaper.shape("مُحَمَّد", FaceId::Arabic, true, 10.0);
        assert!(
            vocalised.glyphs.iter().any(|g| g.advance == 0 && g.dy != 0),
            "the marks are separate glyphs, raised onto their letters"
        );
        let plain = shaper.shape("المخاطر", FaceId::Arabic, true, 10.0);
        for glyph in &plain.glyphs {
            let text = &shaper.to_unicode(FaceId::Arabic)[&glyph.gid];
            assert!(
                !text.chars().any(|c| ('\u{064B}'..='\u{065F}').contains(&c)),
                "a letter of an unvocalised word must not extract with a vowel mark: {text:?}"
            );
        }
    }

    #[test]
    fn a_lam_alef_ligature_maps_back_to_both_letters() {
        let mut shaper = Shaper::new();
        let run = shaper.shape("السلام", FaceId::Arabic, true, 10.0);
        let texts: Vec<&str> = run
            .glyphs
            .iter()
            .map(|g| shaper.to_unicode(FaceId::Arabic)[&g.gid].as_str())
            .collect();
        assert_eq!(
            run.glyphs.len(),
            5,
            "six letters, lam-alef joined into one glyph: {texts:?}"
        );
        // Stored reversed, as extractors reverse right-to-left text character by character.
        assert!(
            texts.contains(&"ال"),
            "the ligature stands for lam and alef: {texts:?}"
        );
    }
}
