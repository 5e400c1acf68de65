//! Writing the composed pages with printpdf: fonts subset to the glyphs drawn, glyphs
//! placed exactly where the shaper put them, metadata and the trailer ID derived from the
//! input, never from a clock or a random number.

use std::collections::BTreeSet;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{subset, CmapTarget, SubsetProfile};
use chrono::{DateTime, Utc};
use printpdf::{
    Codepoint, Color, FontId, Line as PdfLine, LinePoint, Mm, Op, PaintMode, ParsedFont,
    PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfParseErrorSeverity, PdfSaveOptions, Point, Pt,
    Rect, TextItem, TextMatrix,
};
use sha2::{Digest, Sha256};

use crate::compose::{Draw, Page, Rgb, PAGE_HEIGHT};
use crate::fonts::FaceId;
use crate::text::{Run, Shaper};
use crate::ReportError;

/// What the document says about itself (the Info dictionary). No patient data: file
/// managers and mail clients show these fields.
pub(crate) struct Meta {
    pub(crate) title: String,
    pub(crate) author: String,
    pub(crate) subject: String,
    pub(crate) identifier: String,
    pub(crate) created: DateTime<Utc>,
    /// Names the document across versions ("the report of case SO-2026-00042"): the
    /// first half of the trailer `/ID`, which stays when the report is rebuilt.
    pub(crate) document_key: String,
    /// Hash of the whole input: the second half of the `/ID`, so identical input gives
    /// identical bytes and any change gives a new ID.
    pub(crate) fingerprint: [u8; 32],
}

/// A face subset to the glyphs the document draws.
struct Subset {
    font_id: FontId,
    /// Original glyph id → glyph id in the subset (0 for glyphs not kept).
    gids: Vec<u16>,
    /// `/W` widths (thousandths of an em, as printpdf writes them) by subset glyph id.
    widths: Vec<f32>,
}

pub(crate) fn write(
    pages: Vec<Page>,
    shaper: &Shaper,
    meta: &Meta,
) -> Result<Vec<u8>, ReportError> {
    let mut doc = PdfDocument::new(&meta.title);

    // Which glyphs each face draws.
    let mut used: [BTreeSet<u16>; 4] = Default::default();
    for page in &pages {
        for draw in &page.draws {
            if let Draw::Text { run, .. } = draw {
                used[run.face.index()].extend(run.glyphs.iter().map(|g| g.gid));
            }
        }
    }

    let mut subsets: [Option<Subset>; 4] = Default::default();
    for face in FaceId::ALL {
        let glyphs = &used[face.index()];
        if glyphs.is_empty() {
            continue;
        }
        let (subset, font) = subset_face(face, glyphs)?;
        doc.resources
            .fonts
            .map
            .insert(subset.font_id.clone(), PdfFont::new(font));
        subsets[face.index()] = Some(subset);
    }

    let mut pdf_pages = Vec::with_capacity(pages.len());
    for page in pages {
        pdf_pages.push(PdfPage::new(
            Mm(210.0),
            Mm(297.0),
            page_ops(page, &subsets, shaper),
        ));
    }
    doc.pages = pdf_pages;

    let created = printpdf::OffsetDateTime::from_unix_timestamp(meta.created.timestamp())
        .map_err(|e| ReportError::Pdf(format!("creation date: {e}")))?;
    let info = &mut doc.metadata.info;
    info.document_title = meta.title.clone();
    info.author = meta.author.clone();
    info.subject = meta.subject.clone();
    info.identifier = meta.identifier.clone();
    info.creator = "Second Opinion".into();
    info.producer = "Second Opinion report (printpdf)".into();
    info.creation_date = created;
    info.modification_date = created;
    info.metadata_date = created;

    let options = PdfSaveOptions {
        optimize: true,
        // Already subset above, where the glyph ids are ours to renumber.
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lopdf = doc.to_lopdf_document(&options, &mut warnings);
    if let Some(error) = warnings
        .iter()
        .find(|w| w.severity == PdfParseErrorSeverity::Error)
    {
        return Err(ReportError::Pdf(error.msg.clone()));
    }
    // printpdf draws the trailer ID from a process-wide counter; replace it with one
    // derived from the input (ISO 32000-1 14.4: first the document, then this version).
    let permanent = Sha256::digest(meta.document_key.as_bytes());
    let hex =
        |bytes: &[u8]| lopdf::Object::String(bytes.to_vec(), lopdf::StringFormat::Hexadecimal);
    let id = vec![hex(&permanent[..16]), hex(&meta.fingerprint[..16])];
    lopdf.trailer.set("ID", lopdf::Object::Array(id));
    // printpdf always writes a `/GTS_PDFXVersion`, which makes readers announce PDF/X;
    // this document does not claim that conformance.
    if let Ok(info) = lopdf
        .trailer
        .get(b"Info")
        .and_then(lopdf::Object::as_reference)
    {
        if let Ok(dict) = lopdf
            .get_object_mut(info)
            .and_then(lopdf::Object::as_dict_mut)
        {
            dict.remove(b"GTS_PDFXVersion");
        }
    }
    compress(&mut lopdf)?;
    let mut bytes = Vec::with_capacity(64 * 1024);
    lopdf
        .save_to(&mut bytes)
        .map_err(|e| ReportError::Pdf(e.to_string()))?;
    Ok(bytes)
}

/// Deflates every stream. lopdf's own `compress` uses the best (slowest) level, which
/// took over a third of a report's time. flate2 runs on zlib-rs (the workspace enables it);
/// level 2 is its fast strategy: the sample report takes ~8.7 ms instead of ~11 ms at level
/// 3 (miniz), for a file ~10 % larger (52 KB instead of 48 KB).
fn compress(doc: &mut lopdf::Document) -> Result<(), ReportError> {
    use std::io::Write as _;
    for object in doc.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object {
            if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
                continue;
            }
            let mut encoder = flate2::write::ZlibEncoder::new(
                Vec::with_capacity(stream.content.len() / 3),
                flate2::Compression::new(2),
            );
            encoder
                .write_all(&stream.content)
                .and_then(|()| encoder.flush())
                .map_err(|e| ReportError::Pdf(format!("compressing a stream: {e}")))?;
            let compressed = encoder
                .finish()
                .map_err(|e| ReportError::Pdf(format!("compressing a stream: {e}")))?;
            if compressed.len() < stream.content.len() {
                stream.dict.set("Filter", "FlateDecode");
                stream.set_content(compressed);
            }
        }
    }
    Ok(())
}

/// Subsets one face to `glyphs` (plus `.notdef`, which must stay glyph 0).
fn subset_face(face: FaceId, glyphs: &BTreeSet<u16>) -> Result<(Subset, ParsedFont), ReportError> {
    let font_error = |reason: String| ReportError::Font {
        face: face.postscript_name(),
        reason,
    };
    let ids: Vec<u16> = std::iter::once(0)
        .chain(glyphs.iter().copied().filter(|g| *g != 0))
        .collect();
    let file = ReadScope::new(face.bytes())
        .read::<FontData<'_>>()
        .map_err(|e| font_error(e.to_string()))?;
    let provider = file
        .table_provider(0)
        .map_err(|e| font_error(e.to_string()))?;
    let bytes = subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
        .map_err(|e| font_error(e.to_string()))?;
    // allsorts numbers the kept glyphs in the order they were asked for.
    let mut gids = vec![0u16; usize::from(ids.last().copied().unwrap_or(0)) + 1];
    for (new, &old) in ids.iter().enumerate() {
        gids[usize::from(old)] = new as u16;
    }

    let mut warnings = Vec::new();
    let mut font = ParsedFont::from_bytes(&bytes, 0, &mut warnings)
        .ok_or_else(|| font_error(format!("the subset does not parse: {warnings:?}")))?;
    // The subset tag (six capitals, ISO 32000-1 9.6.4) names this particular subset.
    let digest = Sha256::digest(
        ids.iter()
            .flat_map(|g| g.to_be_bytes())
            .collect::<Vec<u8>>(),
    );
    let tag: String = digest[..6]
        .iter()
        .map(|b| char::from(b'A' + b % 26))
        .collect();
    font.font_name = Some(format!("{tag}+{}", face.postscript_name()));

    // The widths printpdf will write into `/W`, computed exactly as it does, so the
    // adjustments below land each glyph where the shaper put it.
    let units_per_em = f32::from(font.pdf_font_metrics.units_per_em);
    let widths = (0..ids.len() as u16)
        .map(|gid| {
            let raw = font.get_glyph_width(gid).unwrap_or(0);
            (raw as f32 * 1000.0 / units_per_em) as i64 as f32
        })
        .collect();
    let font_id = FontId(format!("F{}", face.index() + 1));
    Ok((
        Subset {
            font_id,
            gids,
            widths,
        },
        font,
    ))
}

fn color(rgb: Rgb) -> Color {
    Color::Rgb(printpdf::Rgb::new(rgb[0], rgb[1], rgb[2], None))
}

/// The page's content: shapes first (they may not sit inside a text object), then one
/// text object with every run.
fn page_ops(page: Page, subsets: &[Option<Subset>; 4], shaper: &Shaper) -> Vec<Op> {
    let mut ops = Vec::new();
    let mut texts = Vec::new();
    for draw in page.draws {
        match draw {
            Draw::Fill {
                x,
                y,
                width,
                height,
                color: c,
            } => {
                ops.push(Op::SetFillColor { col: color(c) });
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: Pt(x),
                        y: Pt(PAGE_HEIGHT - y - height),
                        width: Pt(width),
                        height: Pt(height),
                        mode: Some(PaintMode::Fill),
                        winding_order: None,
                    },
                });
            }
            Draw::Rule {
                x1,
                x2,
                y,
                thickness,
                color: c,
            } => {
                let point = |x: f32| LinePoint {
                    p: Point {
                        x: Pt(x),
                        y: Pt(PAGE_HEIGHT - y),
                    },
                    bezier: false,
                };
                ops.push(Op::SetOutlineColor { col: color(c) });
                ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
                ops.push(Op::DrawLine {
                    line: PdfLine {
                        points: vec![point(x1), point(x2)],
                        is_closed: false,
                    },
                });
            }
            Draw::Text {
                x,
                baseline,
                run,
                color,
            } => texts.push((x, PAGE_HEIGHT - baseline, run, color)),
        }
    }
    if texts.is_empty() {
        return ops;
    }
    ops.push(Op::StartTextSection);
    let mut writer = TextWriter {
        ops,
        font: None,
        color: None,
        pending: Vec::new(),
        start: 0.0,
        pen: 0.0,
        y: 0.0,
    };
    for (x, y, run, c) in texts {
        if let Some(subset) = &subsets[run.face.index()] {
            writer.run(x, y, &run, c, subset, shaper);
        }
    }
    writer.flush();
    let mut ops = writer.ops;
    ops.push(Op::EndTextSection);
    ops
}

/// Writes runs as `Tm` + `TJ`: after each glyph the pen has moved by its `/W` width, and
/// the number that follows it corrects that to the shaped advance (kerning, joining).
/// The runs of one line that share a font and colour go into one `TJ`, the space between
/// them as one more adjustment; a glyph the shaper displaced (a mark) is shown on its own
/// at its exact position.
struct TextWriter {
    ops: Vec<Op>,
    font: Option<(FaceId, f32)>,
    color: Option<Rgb>,
    pending: Vec<Codepoint>,
    /// Where the pending glyphs start, where the pen is after them, their baseline.
    start: f32,
    pen: f32,
    y: f32,
}

impl TextWriter {
    fn flush(&mut self) {
        if !self.pending.is_empty() {
            self.ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(self.start), Pt(self.y)),
            });
            self.ops.push(Op::ShowText {
                items: vec![TextItem::GlyphIds(std::mem::take(&mut self.pending))],
            });
        }
    }

    fn run(&mut self, x: f32, y: f32, run: &Run, c: Rgb, subset: &Subset, shaper: &Shaper) {
        let font = (run.face, run.size);
        let continues = self.font == Some(font)
            && self.color == Some(c)
            && self.y == y
            && x >= self.pen
            && !self.pending.is_empty();
        if continues {
            let gap = (x - self.pen) * 1000.0 / run.size;
            if let Some(last) = self.pending.last_mut() {
                last.offset = ((last.offset - gap) * 100.0).round() / 100.0;
            }
            self.pen = x;
        } else {
            self.flush();
            if self.font != Some(font) {
                self.ops.push(Op::SetFont {
                    font: PdfFontHandle::External(subset.font_id.clone()),
                    size: Pt(run.size),
                });
                self.font = Some(font);
            }
            if self.color != Some(c) {
                self.ops.push(Op::SetFillColor { col: color(c) });
                self.color = Some(c);
            }
            self.start = x;
            self.pen = x;
            self.y = y;
        }

        let to_unicode = shaper.to_unicode(run.face);
        let units_per_em = units_per_em(run.face);
        let scale = run.size / units_per_em;
        for glyph in &run.glyphs {
            let gid = subset
                .gids
                .get(usize::from(glyph.gid))
                .copied()
                .unwrap_or(0);
            let cid = Some(to_unicode.get(&glyph.gid).cloned().unwrap_or_default());
            if glyph.dx != 0 || glyph.dy != 0 {
                self.flush();
                self.ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(
                        Pt(self.pen + glyph.dx as f32 * scale),
                        Pt(y + glyph.dy as f32 * scale),
                    ),
                });
                self.ops.push(Op::ShowText {
                    items: vec![TextItem::GlyphIds(vec![Codepoint {
                        gid,
                        offset: 0.0,
                        cid,
                    }])],
                });
                self.pen += glyph.advance as f32 * scale;
                self.start = self.pen;
                continue;
            }
            let width = subset.widths.get(usize::from(gid)).copied().unwrap_or(0.0);
            let advance = glyph.advance as f32 * 1000.0 / units_per_em;
            self.pending.push(Codepoint {
                gid,
                // Hundredths of a thousandth of an em: far below a device pixel.
                offset: ((width - advance) * 100.0).round() / 100.0,
                cid,
            });
            self.pen += glyph.advance as f32 * scale;
        }
    }
}

fn units_per_em(face: FaceId) -> f32 {
    crate::fonts::Fonts::get().face(face).units_per_em
}
