//! Finding a CJK font on this machine, picking the Simplified Chinese face of a collection,
//! and measuring text with it (to centre, right-align and wrap lines).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use skrifa::instance::{LocationRef, Size};
use skrifa::raw::FileRef;
use skrifa::string::StringId;
use skrifa::{FontRef, MetadataProvider};

use crate::error::PrintError;

/// Where CJK fonts live on the systems gridbook runs on, best first: Debian's
/// fonts-noto-cjk (serif, then sans), other Linux layouts, macOS, Windows.
const CANDIDATES: [&str; 10] = [
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/System/Library/Fonts/Supplemental/Songti.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:\\Windows\\Fonts\\simsun.ttc",
    "C:\\Windows\\Fonts\\msyh.ttc",
];

/// Characters every printout needs: a font without them is not a Chinese font.
const PROBE: &str = "居家隔离期满证明镇号";

/// A loaded CJK font: its bytes, the face used, and that face for the PDF writer.
#[derive(Clone)]
pub struct CjkFont {
    data: Arc<Vec<u8>>,
    index: u32,
    path: PathBuf,
    pdf: krilla::text::Font,
}

impl std::fmt::Debug for CjkFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CjkFont({}#{})", self.path.display(), self.index)
    }
}

impl CjkFont {
    /// The first usable font of `GRIDBOOK_CJK_FONT` (a path) or the usual places.
    pub fn find() -> Result<CjkFont, PrintError> {
        let mut searched: Vec<PathBuf> = Vec::new();
        if let Some(p) = std::env::var_os("GRIDBOOK_CJK_FONT") {
            searched.push(PathBuf::from(p));
        }
        searched.extend(CANDIDATES.iter().map(PathBuf::from));
        for path in &searched {
            if path.is_file() {
                if let Ok(font) = CjkFont::load(path) {
                    return Ok(font);
                }
            }
        }
        Err(PrintError::NoCjkFont { searched })
    }

    /// Loads `path` (a .ttf, .otf or a collection), choosing the Simplified Chinese face of a
    /// collection (family name ending in `SC`, else the first face covering the probe).
    pub fn load(path: &Path) -> Result<CjkFont, PrintError> {
        let bad = |why: &str| PrintError::BadFont {
            path: path.to_path_buf(),
            why: why.to_owned(),
        };
        let data = Arc::new(std::fs::read(path)?);
        let count = match FileRef::new(&data).map_err(|e| bad(&e.to_string()))? {
            FileRef::Font(_) => 1,
            FileRef::Collection(c) => c.len(),
        };
        let covers = |f: &FontRef<'_>| PROBE.chars().all(|c| f.charmap().map(c).is_some());
        let family = |f: &FontRef<'_>| {
            f.localized_strings(StringId::FAMILY_NAME)
                .english_or_first()
                .map(|s| s.chars().collect::<String>())
                .unwrap_or_default()
        };
        let mut chosen = None;
        for i in 0..count {
            let Ok(f) = FontRef::from_index(&data, i) else {
                continue;
            };
            if !covers(&f) {
                continue;
            }
            if family(&f).trim_end().ends_with("SC") {
                chosen = Some(i);
                break;
            }
            chosen = chosen.or(Some(i));
        }
        let index = chosen.ok_or_else(|| bad("no face with Chinese characters"))?;
        let pdf = krilla::text::Font::new(data.clone().into(), index)
            .ok_or_else(|| bad("the PDF writer cannot read it"))?;
        Ok(CjkFont {
            data,
            index,
            path: path.to_path_buf(),
            pdf,
        })
    }

    /// The file the font came from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn pdf(&self) -> krilla::text::Font {
        self.pdf.clone()
    }

    /// Width of `text` at `size` points (characters the font lacks count as one em).
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        let Ok(f) = FontRef::from_index(&self.data, self.index) else {
            return text.chars().count() as f32 * size;
        };
        let cmap = f.charmap();
        let metrics = f.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .map(|c| {
                cmap.map(c)
                    .and_then(|g| metrics.advance_width(g))
                    .unwrap_or(size)
            })
            .sum()
    }
}
