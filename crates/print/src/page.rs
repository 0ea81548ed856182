//! An A4 page as the printouts use it: text placed left, centred or right, paragraphs
//! wrapped to the margins (never starting a line with closing punctuation), and rules.

use krilla::geom::{PathBuilder, Point};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::TextDirection;
use krilla::Document;

use crate::error::PrintError;
use crate::font::CjkFont;

/// A4 in points.
pub(crate) const WIDTH: f32 = 595.28;
/// A4 in points.
pub(crate) const HEIGHT: f32 = 841.89;
/// Left and right margin.
pub(crate) const MARGIN: f32 = 72.0;

/// Where a line goes across the page.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Align {
    Center,
    Right,
}

/// One drawing instruction.
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        width: f32,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
    },
}

/// A page being laid out, top to bottom; `y` is the next baseline.
pub(crate) struct Page<'a> {
    font: &'a CjkFont,
    ops: Vec<Op>,
    pub(crate) y: f32,
}

/// Characters a line must not start with (they stay at the end of the line before).
const NO_LINE_START: &str = "，。、；：？！）」』》〉”’%";

impl<'a> Page<'a> {
    pub(crate) fn new(font: &'a CjkFont) -> Page<'a> {
        Page {
            font,
            ops: Vec::new(),
            y: 0.0,
        }
    }

    /// Width of `text` at `size`.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        self.font.width(text, size)
    }

    /// One line at the current baseline.
    pub(crate) fn text(&mut self, text: &str, size: f32, align: Align) {
        let w = self.width(text, size);
        let x = match align {
            Align::Center => (WIDTH - w) / 2.0,
            Align::Right => WIDTH - MARGIN - w,
        };
        self.text_at(x, text, size);
    }

    /// One line starting at `x` on the current baseline.
    pub(crate) fn text_at(&mut self, x: f32, text: &str, size: f32) {
        self.ops.push(Op::Text {
            x,
            y: self.y,
            size,
            text: text.to_owned(),
        });
    }

    /// A paragraph from `x` (first line indented by `indent`) to the right margin, one
    /// baseline every `leading` points; the current baseline ends after its last line.
    pub(crate) fn paragraph(&mut self, x: f32, indent: f32, text: &str, size: f32, leading: f32) {
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        let mut room = WIDTH - MARGIN - x - indent;
        for unit in units(text) {
            let candidate = format!("{line}{unit}");
            let fits = self.width(&candidate, size) <= room;
            let starts_badly = unit
                .chars()
                .next()
                .is_some_and(|c| NO_LINE_START.contains(c));
            if fits || line.is_empty() || starts_badly {
                line = candidate;
            } else {
                lines.push(std::mem::take(&mut line));
                room = WIDTH - MARGIN - x;
                line.push_str(unit);
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        for (i, l) in lines.iter().enumerate() {
            let start = if i == 0 { x + indent } else { x };
            self.text_at(start, l, size);
            if i + 1 < lines.len() {
                self.y += leading;
            }
        }
    }

    /// A rectangle outline.
    pub(crate) fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
        self.ops.push(Op::Rect { x, y, w, h, width });
    }

    /// A thin horizontal rule across the text width at `y`.
    pub(crate) fn rule(&mut self, y: f32) {
        self.ops.push(Op::Line {
            x1: MARGIN,
            y1: y,
            x2: WIDTH - MARGIN,
            y2: y,
        });
    }

    /// The page as a one-page PDF with the font embedded as a subset.
    pub(crate) fn finish(self, title: &str) -> Result<Vec<u8>, PrintError> {
        let mut doc = Document::new();
        doc.set_metadata(
            krilla::metadata::Metadata::new()
                .title(title.to_owned())
                .creator("gridbook".to_owned()),
        );
        let settings = PageSettings::from_wh(WIDTH, HEIGHT)
            .ok_or_else(|| PrintError::Pdf("page size".into()))?;
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        let font = self.font.pdf();
        for op in &self.ops {
            match op {
                Op::Text { x, y, size, text } => {
                    surface.set_fill(Some(Fill::default()));
                    surface.set_stroke(None);
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        font.clone(),
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Rect { x, y, w, h, width } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x, *y);
                    pb.line_to(x + w, *y);
                    pb.line_to(x + w, y + h);
                    pb.line_to(*x, y + h);
                    pb.close();
                    if let Some(path) = pb.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            width: *width,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
                Op::Line { x1, y1, x2, y2 } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x1, *y1);
                    pb.line_to(*x2, *y2);
                    if let Some(path) = pb.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            width: 0.6,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
        doc.finish().map_err(|e| PrintError::Pdf(format!("{e:?}")))
    }
}

/// The pieces a line may not be broken inside: a run of Latin letters, digits and the signs
/// inside numbers, dates and masked ID numbers (2026, 110101********3931, D10B668A) stays
/// whole; every other character is a piece of its own.
fn units(text: &str) -> Vec<&str> {
    let joins = |c: char| c.is_ascii_alphanumeric() || matches!(c, '*' | '.' | '-' | '/' | ':');
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_run = false;
    for (i, c) in text.char_indices() {
        if joins(c) {
            if !in_run {
                if i > start {
                    out.push(&text[start..i]);
                }
                start = i;
                in_run = true;
            }
        } else {
            if i > start {
                out.push(&text[start..i]);
            }
            start = i;
            in_run = false;
            out.push(&text[i..i + c.len_utf8()]);
            start += c.len_utf8();
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::units;

    #[test]
    fn numbers_and_masked_ids_stay_whole() {
        assert_eq!(
            units("自2026年3月2日，110101********3931。"),
            [
                "自",
                "2026",
                "年",
                "3",
                "月",
                "2",
                "日",
                "，",
                "110101********3931",
                "。"
            ]
        );
        assert_eq!(units("第D10B668A号"), ["第", "D10B668A", "号"]);
        assert_eq!(units(""), Vec::<&str>::new());
        assert_eq!(units("ab"), ["ab"]);
    }
}
