//! Page flow: blocks (headings, paragraphs, label–value rows, tables) are placed top to
//! bottom on A4 pages, breaking to a new page whenever the next line would cross the
//! bottom margin. Nothing is written here; pages are lists of things to draw, so the
//! writer can add "Page n of m" once the number of pages is known.

use crate::text::{Font, Line, Run, Shaper};

/// A4 in points.
pub(crate) const PAGE_WIDTH: f32 = 210.0 * 72.0 / 25.4;
pub(crate) const PAGE_HEIGHT: f32 = 297.0 * 72.0 / 25.4;
pub(crate) const MARGIN_X: f32 = 56.0;
pub(crate) const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN_X;
/// Where the body starts and must end, from the top of the page; the header and footer
/// live outside this band.
pub(crate) const BODY_TOP: f32 = 84.0;
pub(crate) const BODY_BOTTOM: f32 = PAGE_HEIGHT - 64.0;

/// Body text size, and the size of small print.
pub(crate) const BODY: Font = Font {
    bold: false,
    size: 10.0,
};
pub(crate) const BODY_BOLD: Font = Font {
    bold: true,
    size: 10.0,
};
pub(crate) const SMALL: Font = Font {
    bold: false,
    size: 8.5,
};

pub(crate) type Rgb = [f32; 3];
pub(crate) const INK: Rgb = [0.10, 0.10, 0.12];
pub(crate) const MUTED: Rgb = [0.38, 0.40, 0.45];
pub(crate) const ACCENT: Rgb = [0.06, 0.27, 0.45];
pub(crate) const RULE: Rgb = [0.75, 0.78, 0.82];
pub(crate) const SHADE: Rgb = [0.93, 0.95, 0.97];

/// Something to draw; `y` is measured from the top of the page.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Draw {
    Text {
        x: f32,
        baseline: f32,
        run: Run,
        color: Rgb,
    },
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        thickness: f32,
        color: Rgb,
    },
    Fill {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        color: Rgb,
    },
}

#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Page {
    pub(crate) draws: Vec<Draw>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
    /// Left, or right for a paragraph that starts in a right-to-left script.
    Natural,
}

/// A table column: title, width in points, alignment.
pub(crate) struct Column<'a> {
    pub(crate) title: &'a str,
    pub(crate) width: f32,
    pub(crate) align: Align,
}

/// What a heading keeps with it by default: four lines of body text.
pub(crate) const KEEP_LINES: f32 = 4.0 * BODY.size * 1.42;

/// Room for a table's header and first three single-line rows, to keep with its heading.
pub(crate) const KEEP_TABLE: f32 = 4.0 * (SMALL.size * 1.42 + 8.0);

/// The most lines a table cell may take; the domain limits names to 255 characters, so
/// this only guards the page against a row taller than the page itself.
const MAX_CELL_LINES: usize = 12;

pub(crate) fn line_height(font: Font) -> f32 {
    font.size * 1.42
}

/// Baseline below the top of a line box.
fn ascent(font: Font) -> f32 {
    font.size * 1.08
}

pub(crate) struct Composer {
    pub(crate) shaper: Shaper,
    pages: Vec<Page>,
    /// Top of the next line box, from the top of the page.
    y: f32,
}

impl Composer {
    pub(crate) fn new() -> Composer {
        Composer {
            shaper: Shaper::new(),
            pages: vec![Page::default()],
            y: BODY_TOP,
        }
    }

    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("there is always a page")
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = BODY_TOP;
    }

    /// Breaks the page unless `height` more points fit above the bottom margin. At the top
    /// of a page it never breaks: the block simply starts there.
    fn need(&mut self, height: f32) {
        if self.y + height > BODY_BOTTOM && self.y > BODY_TOP {
            self.new_page();
        }
    }

    /// Vertical space; swallowed at the top of a page.
    pub(crate) fn gap(&mut self, height: f32) {
        if self.y > BODY_TOP {
            self.y = (self.y + height).min(BODY_BOTTOM);
        }
    }

    /// Draws one laid-out line at the current position and moves down.
    fn put_line(&mut self, line: Line, x: f32, width: f32, font: Font, color: Rgb, align: Align) {
        self.need(line_height(font));
        let baseline = self.y + ascent(font);
        self.draw_line_at(line, x, width, baseline, color, align);
        self.y += line_height(font);
    }

    fn draw_line_at(
        &mut self,
        line: Line,
        x: f32,
        width: f32,
        baseline: f32,
        color: Rgb,
        align: Align,
    ) {
        let right = match align {
            Align::Left => false,
            Align::Right => true,
            Align::Natural => line.rtl,
        };
        let left = if right { x + width - line.width } else { x };
        let page = self.page();
        for (offset, run) in line.runs {
            page.draws.push(Draw::Text {
                x: left + offset,
                baseline,
                run,
                color,
            });
        }
    }

    /// Lays out text that may hold several paragraphs (separated by newlines).
    fn lines(&mut self, text: &str, font: Font, width: f32) -> Vec<Option<Line>> {
        let mut out = Vec::new();
        for paragraph in text.replace('\r', "").replace('\t', " ").split('\n') {
            let lines = self.shaper.paragraph(paragraph, font, width);
            if lines.is_empty() {
                out.push(None);
            }
            out.extend(lines.into_iter().map(Some));
        }
        // Blank lines at the ends carry nothing.
        while matches!(out.last(), Some(None)) {
            out.pop();
        }
        while matches!(out.first(), Some(None)) {
            out.remove(0);
        }
        out
    }

    /// A paragraph block that flows across pages line by line. Blank lines in the text
    /// become half-line gaps.
    pub(crate) fn paragraph(&mut self, text: &str, font: Font, color: Rgb, indent: f32) {
        let width = CONTENT_WIDTH - indent;
        for line in self.lines(text, font, width) {
            match line {
                Some(line) => {
                    self.put_line(line, MARGIN_X + indent, width, font, color, Align::Natural)
                }
                None => self.gap(line_height(font) * 0.5),
            }
        }
    }

    /// A section heading, kept with `keep` points of what follows it, so it never ends
    /// a page alone. `KEEP_LINES` suits text; a table asks for its first rows.
    pub(crate) fn heading(&mut self, text: &str, size: f32, keep: f32) {
        let font = Font { bold: true, size };
        self.gap(size * 0.9);
        self.need(line_height(font) + 7.0 + keep);
        for line in self.lines(text, font, CONTENT_WIDTH).into_iter().flatten() {
            self.put_line(line, MARGIN_X, CONTENT_WIDTH, font, ACCENT, Align::Left);
        }
        let y = self.y + 1.0;
        self.page().draws.push(Draw::Rule {
            x1: MARGIN_X,
            x2: MARGIN_X + CONTENT_WIDTH,
            y,
            thickness: 0.6,
            color: RULE,
        });
        self.y += 6.0;
    }

    /// A short block (an opinion's author, a part's name, a total), kept with `keep`
    /// points of what follows it.
    pub(crate) fn block(&mut self, text: &str, font: Font, color: Rgb, align: Align, keep: f32) {
        self.need(line_height(font) + keep);
        for line in self.lines(text, font, CONTENT_WIDTH).into_iter().flatten() {
            self.put_line(line, MARGIN_X, CONTENT_WIDTH, font, color, align);
        }
    }

    /// Label–value rows: the label in a narrow column, the value wrapped beside it. A
    /// value of a few lines stays together; a long one flows on to the next page.
    pub(crate) fn fields(&mut self, rows: &[(&str, String)]) {
        const LABEL_WIDTH: f32 = 138.0;
        let value_x = MARGIN_X + LABEL_WIDTH;
        let value_width = CONTENT_WIDTH - LABEL_WIDTH;
        let lh = line_height(BODY);
        for (label, value) in rows {
            let label_lines: Vec<Line> = self
                .lines(label, BODY, LABEL_WIDTH - 8.0)
                .into_iter()
                .flatten()
                .collect();
            let value_lines: Vec<Line> = self
                .lines(value, BODY, value_width)
                .into_iter()
                .flatten()
                .collect();
            let rows_needed = label_lines.len().max(value_lines.len()).max(1);
            self.need(lh * rows_needed.min(4) as f32);
            let mut labels = label_lines.into_iter();
            let mut values = value_lines.into_iter();
            for _ in 0..rows_needed {
                self.need(lh);
                let baseline = self.y + ascent(BODY);
                if let Some(line) = labels.next() {
                    self.draw_line_at(
                        line,
                        MARGIN_X,
                        LABEL_WIDTH - 8.0,
                        baseline,
                        MUTED,
                        Align::Left,
                    );
                }
                if let Some(line) = values.next() {
                    self.draw_line_at(line, value_x, value_width, baseline, INK, Align::Left);
                }
                self.y += lh;
            }
            self.y += 2.0;
        }
    }

    /// A simple table: a shaded header row (repeated on each page the table reaches),
    /// then rows separated by thin rules. A row is never split across pages.
    pub(crate) fn table(&mut self, columns: &[Column<'_>], rows: &[Vec<String>]) {
        const PAD: f32 = 4.0;
        let lh = line_height(SMALL);
        let header_height = lh + 2.0 * PAD;
        let mut laid: Vec<Vec<Vec<Line>>> = Vec::with_capacity(rows.len());
        for row in rows {
            let mut cells = Vec::with_capacity(columns.len());
            for (column, cell) in columns.iter().zip(row) {
                let mut lines: Vec<Line> = self
                    .lines(cell, SMALL, column.width - 2.0 * PAD)
                    .into_iter()
                    .flatten()
                    .collect();
                lines.truncate(MAX_CELL_LINES);
                cells.push(lines);
            }
            laid.push(cells);
        }
        // Start on a new page rather than leave the header and a row or two behind.
        let opening: f32 = laid
            .iter()
            .take(3)
            .map(|cells| row_height(cells, lh, PAD))
            .sum();
        self.need(header_height + opening);
        self.table_header(columns, lh, PAD);
        for cells in laid {
            let height = row_height(&cells, lh, PAD);
            if self.y + height > BODY_BOTTOM {
                self.new_page();
                self.table_header(columns, lh, PAD);
            }
            let top = self.y;
            let mut x = MARGIN_X;
            for (column, lines) in columns.iter().zip(cells) {
                let mut baseline = top + PAD + ascent(SMALL);
                for line in lines {
                    self.draw_line_at(
                        line,
                        x + PAD,
                        column.width - 2.0 * PAD,
                        baseline,
                        INK,
                        column.align,
                    );
                    baseline += lh;
                }
                x += column.width;
            }
            self.y = top + height;
            let y = self.y;
            self.page().draws.push(Draw::Rule {
                x1: MARGIN_X,
                x2: MARGIN_X + CONTENT_WIDTH,
                y,
                thickness: 0.4,
                color: RULE,
            });
        }
    }

    fn table_header(&mut self, columns: &[Column<'_>], lh: f32, pad: f32) {
        let font = Font {
            bold: true,
            size: SMALL.size,
        };
        let top = self.y;
        self.page().draws.push(Draw::Fill {
            x: MARGIN_X,
            y: top,
            width: CONTENT_WIDTH,
            height: lh + 2.0 * pad,
            color: SHADE,
        });
        let mut x = MARGIN_X;
        for column in columns {
            let width = column.width - 2.0 * pad;
            if let Some(Some(line)) = self.lines(column.title, font, width).into_iter().next() {
                self.draw_line_at(
                    line,
                    x + pad,
                    width,
                    top + pad + ascent(font),
                    MUTED,
                    column.align,
                );
            }
            x += column.width;
        }
        self.y = top + lh + 2.0 * pad;
    }

    /// Draws a single line of text at a fixed place (headers and footers), outside the
    /// flow. Text that does not fit is cut to the first line.
    fn place(
        &mut self,
        page: usize,
        text: &str,
        font: Font,
        color: Rgb,
        (x, width, baseline): (f32, f32, f32),
        align: Align,
    ) {
        let Some(Some(line)) = self.lines(text, font, width).into_iter().next() else {
            return;
        };
        let right = match align {
            Align::Left => false,
            Align::Right => true,
            Align::Natural => line.rtl,
        };
        let left = if right { x + width - line.width } else { x };
        for (offset, run) in line.runs {
            self.pages[page].draws.push(Draw::Text {
                x: left + offset,
                baseline,
                run,
                color,
            });
        }
    }

    fn rule_on(&mut self, page: usize, y: f32, thickness: f32, color: Rgb) {
        self.pages[page].draws.push(Draw::Rule {
            x1: MARGIN_X,
            x2: MARGIN_X + CONTENT_WIDTH,
            y,
            thickness,
            color,
        });
    }

    /// Header and footer on every page, once the flow is done and the number of pages is
    /// known: `title` left and `reference` right above a rule; `note` left and
    /// "Page n of m" right below one.
    pub(crate) fn frame(&mut self, title: &str, reference: &str, note: &str) {
        const HEADER_BASELINE: f32 = 48.0;
        const FOOTER_BASELINE: f32 = PAGE_HEIGHT - 34.0;
        let header = Font {
            bold: true,
            size: 9.0,
        };
        let total = self.pages.len();
        let left_width = CONTENT_WIDTH * 0.62;
        let right_width = CONTENT_WIDTH - left_width - 12.0;
        let right_x = MARGIN_X + left_width + 12.0;
        for page in 0..total {
            self.place(
                page,
                title,
                header,
                ACCENT,
                (MARGIN_X, left_width, HEADER_BASELINE),
                Align::Left,
            );
            let reference_font = Font {
                bold: false,
                size: 9.0,
            };
            let at = (right_x, right_width, HEADER_BASELINE);
            self.place(page, reference, reference_font, MUTED, at, Align::Right);
            self.rule_on(page, HEADER_BASELINE + 8.0, 0.8, ACCENT);

            self.rule_on(page, FOOTER_BASELINE - 12.0, 0.4, RULE);
            self.place(
                page,
                note,
                SMALL,
                MUTED,
                (MARGIN_X, left_width, FOOTER_BASELINE),
                Align::Left,
            );
            let numbering = format!("Page {} of {total}", page + 1);
            let at = (right_x, right_width, FOOTER_BASELINE);
            self.place(page, &numbering, SMALL, MUTED, at, Align::Right);
        }
    }

    pub(crate) fn finish(self) -> (Vec<Page>, Shaper) {
        (self.pages, self.shaper)
    }
}

fn row_height(cells: &[Vec<Line>], lh: f32, pad: f32) -> f32 {
    let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
    lines as f32 * lh + 2.0 * pad
}
