//! The embedded faces and their shaping plans, loaded once per process.
//!
//! The fonts are compiled into the binary (`fonts/`, OFL) so a report looks the same on
//! every machine and never depends on what the system happens to have installed.

use std::sync::OnceLock;

use rustybuzz::{script, Direction, Face as HbFace, Script, ShapePlan};

const NOTO_SANS: &[u8] = include_bytes!("../fonts/NotoSans-Regular.ttf");
const NOTO_SANS_BOLD: &[u8] = include_bytes!("../fonts/NotoSans-Bold.ttf");
const NOTO_SANS_ARABIC: &[u8] = include_bytes!("../fonts/NotoSansArabic-Regular.ttf");
const NOTO_SANS_ARABIC_BOLD: &[u8] = include_bytes!("../fonts/NotoSansArabic-Bold.ttf");

/// One of the four embedded faces. Latin (and Greek, Cyrillic, punctuation, digits) come
/// from Noto Sans; Arabic script from Noto Sans Arabic, which has the joining forms and
/// the lam-alef ligatures that Noto Sans lacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum FaceId {
    Sans,
    SansBold,
    Arabic,
    ArabicBold,
}

impl FaceId {
    pub(crate) const ALL: [FaceId; 4] = [
        FaceId::Sans,
        FaceId::SansBold,
        FaceId::Arabic,
        FaceId::ArabicBold,
    ];

    pub(crate) fn index(self) -> usize {
        match self {
            FaceId::Sans => 0,
            FaceId::SansBold => 1,
            FaceId::Arabic => 2,
            FaceId::ArabicBold => 3,
        }
    }

    pub(crate) fn latin(bold: bool) -> FaceId {
        if bold {
            FaceId::SansBold
        } else {
            FaceId::Sans
        }
    }

    pub(crate) fn arabic(bold: bool) -> FaceId {
        if bold {
            FaceId::ArabicBold
        } else {
            FaceId::Arabic
        }
    }

    pub(crate) fn bytes(self) -> &'static [u8] {
        match self {
            FaceId::Sans => NOTO_SANS,
            FaceId::SansBold => NOTO_SANS_BOLD,
            FaceId::Arabic => NOTO_SANS_ARABIC,
            FaceId::ArabicBold => NOTO_SANS_ARABIC_BOLD,
        }
    }

    /// The PostScript name the PDF's font dictionary carries (after the subset tag).
    pub(crate) fn postscript_name(self) -> &'static str {
        match self {
            FaceId::Sans => "NotoSans-Regular",
            FaceId::SansBold => "NotoSans-Bold",
            FaceId::Arabic => "NotoSansArabic-Regular",
            FaceId::ArabicBold => "NotoSansArabic-Bold",
        }
    }

    /// The script a run in this face is shaped as. Runs are split by face before shaping,
    /// so an Arabic-face run is Arabic and everything else is shaped as Latin.
    fn script(self) -> Script {
        match self {
            FaceId::Sans | FaceId::SansBold => script::LATIN,
            FaceId::Arabic | FaceId::ArabicBold => script::ARABIC,
        }
    }
}

pub(crate) struct LoadedFace {
    pub(crate) id: FaceId,
    pub(crate) face: HbFace<'static>,
    pub(crate) units_per_em: f32,
    /// Plans are slow to build and reusable: one per direction, made on first use.
    plans: [OnceLock<ShapePlan>; 2],
}

impl LoadedFace {
    fn load(id: FaceId) -> LoadedFace {
        // The bytes are compiled in and known good; a failure here is a broken build.
        let face = HbFace::from_slice(id.bytes(), 0).expect("embedded font parses");
        let units_per_em = face.units_per_em() as f32;
        LoadedFace {
            id,
            face,
            units_per_em,
            plans: [OnceLock::new(), OnceLock::new()],
        }
    }

    pub(crate) fn script(&self) -> Script {
        self.id.script()
    }

    pub(crate) fn plan(&self, rtl: bool) -> &ShapePlan {
        let direction = if rtl {
            Direction::RightToLeft
        } else {
            Direction::LeftToRight
        };
        self.plans[usize::from(rtl)].get_or_init(|| {
            ShapePlan::new(&self.face, direction, Some(self.id.script()), None, &[])
        })
    }

    pub(crate) fn has_glyph(&self, c: char) -> bool {
        self.face.glyph_index(c).is_some()
    }

    /// Advance of a glyph in font units, as `hmtx` has it (what the PDF's `/W` reports).
    pub(crate) fn advance(&self, gid: u16) -> i32 {
        i32::from(
            self.face
                .glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(gid))
                .unwrap_or(0),
        )
    }
}

pub(crate) struct Fonts {
    faces: [LoadedFace; 4],
}

impl Fonts {
    /// The process-wide faces: parsing is cheap but shaping plans are not, and both are
    /// pure functions of the embedded bytes, so sharing them cannot change any output.
    pub(crate) fn get() -> &'static Fonts {
        static FONTS: OnceLock<Fonts> = OnceLock::new();
        FONTS.get_or_init(|| Fonts {
            faces: FaceId::ALL.map(LoadedFace::load),
        })
    }

    pub(crate) fn face(&self, id: FaceId) -> &LoadedFace {
        &self.faces[id.index()]
    }
}

/// Arabic-script blocks: letters, marks, and the presentation forms.
pub(crate) fn is_arabic(c: char) -> bool {
    matches!(
        c,
        '\u{0600}'..='\u{06FF}'
            | '\u{0750}'..='\u{077F}'
            | '\u{0870}'..='\u{08FF}'
            | '\u{FB50}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFF}'
    )
}
