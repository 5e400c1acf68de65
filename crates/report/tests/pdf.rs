//! The PDFs as a reader gets them: text extracted with poppler's `pdftotext`, page 1
//! rendered with `pdftoppm` and kept as a test artifact
//! (`tests/e2e/artifacts/report/`). Without poppler-utils these tests fail; they never
//! skip, because a report nobody looked at is not tested.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::sample;

/// Runs a poppler tool, failing the test with a clear message when it is missing.
fn poppler(tool: &str, args: &[&str]) -> Vec<u8> {
    let output = match Command::new(tool).args(args).output() {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "`{tool}` is not installed: these tests need poppler-utils \
             (`sudo apt-get install poppler-utils`; scripts/setup.sh installs it)"
        ),
        Err(e) => panic!("cannot run `{tool}`: {e}"),
    };
    assert!(
        output.status.success(),
        "`{tool} {}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-tests");
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir.join(name)
}

/// `pdftotext -layout`, split into pages (poppler ends each page with a form feed).
fn pages_of(pdf: &[u8], name: &str) -> Vec<String> {
    let path = scratch(name);
    std::fs::write(&path, pdf).expect("write the PDF");
    let text = poppler(
        "pdftotext",
        &["-layout", path.to_str().expect("utf-8 path"), "-"],
    );
    let text = String::from_utf8(text).expect("pdftotext writes UTF-8");
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// Poppler marks right-to-left spans with embedding controls (and may move a space into
/// them); they are not part of the text.
fn without_bidi_controls(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .collect()
}

/// The text with every space and line break removed: wrapping, justification and page
/// breaks move whitespace, never the characters or their order.
fn squash(text: &str) -> String {
    without_bidi_controls(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The body text of all pages, header and footer lines dropped, so a paragraph that
/// flows over a page break reads as one.
fn body(pages: &[String], header: &str) -> String {
    pages
        .iter()
        .flat_map(|page| page.lines())
        .filter(|line| !line.contains(header) && !line.contains("Confidential medical information"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_contains(haystack: &str, needle: &str, what: &str) {
    assert!(
        squash(haystack).contains(&squash(needle)),
        "{what} must be in the PDF's text: {needle:?}"
    );
}

fn artifact_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/e2e/artifacts/report");
    std::fs::create_dir_all(&dir).expect("the artifacts directory");
    dir.canonicalize().expect("an absolute artifacts path")
}

/// Renders page 1 at 60 dpi into the artifacts directory and returns the PNG's path.
fn render_first_page(pdf: &[u8], name: &str) -> PathBuf {
    let input = scratch(&format!("{name}.pdf"));
    std::fs::write(&input, pdf).expect("write the PDF");
    let prefix = artifact_dir().join(name);
    poppler(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            input.to_str().expect("utf-8 path"),
            prefix.to_str().expect("utf-8 path"),
        ],
    );
    let png = prefix.with_extension("png");
    let bytes = std::fs::read(&png).expect("pdftoppm wrote the PNG");
    assert!(
        bytes.starts_with(b"\x89PNG"),
        "{} must be a PNG",
        png.display()
    );
    println!("page 1 rendered: {}", png.display());
    png
}

#[test]
fn the_case_report_has_every_section_on_numbered_pages_with_a_header() {
    let report = sample::report();
    let pdf = report::case_report_pdf(&report).expect("the report builds");
    let pages = pages_of(&pdf, "case-report.pdf");
    let n = pages.len();
    assert!(
        (4..=7).contains(&n),
        "three long opinions make a report of about five pages, got {n}"
    );

    for (i, page) in pages.iter().enumerate() {
        let lines: Vec<&str> = page.lines().filter(|l| !l.trim().is_empty()).collect();
        let first = lines.first().expect("a page has text");
        let last = lines.last().expect("a page has text");
        assert!(
            first.contains(&report.service_name) && first.contains("Case SO-2026-00042"),
            "page {} must open with the header (service and case reference): {first:?}",
            i + 1
        );
        let numbering = format!("Page {} of {n}", i + 1);
        assert!(
            last.contains(&numbering),
            "page {} must end with {numbering:?}: {last:?}",
            i + 1
        );
    }

    let all = pages.join("\n");
    let text = body(&pages, &report.service_name);
    assert_contains(&all, "Second-opinion report", "the title");
    for (label, value) in [
        ("Case reference", "SO-2026-00042"),
        ("Review type", "Cardiology second opinion"),
        ("Disease category", "Coronary artery disease"),
        ("Submitted", "1 Mar 2026, 09:30 UTC"),
        ("Completed", "9 Mar 2026, 11:00 UTC"),
        ("Report generated", "9 Mar 2026, 11:15 UTC"),
        ("Date of birth", "4 Nov 1967 (age 58)"),
        ("Sex", "Male"),
        ("Medical record number", "MRN-448213"),
    ] {
        assert_contains(&text, &format!("{label} {value}"), label);
    }
    assert_contains(
        &text,
        &format!("Question {}", report.question),
        "the question",
    );
    assert!(
        text.contains("Is coronary artery bypass grafting preferable to multivessel"),
        "words are set apart by spaces a reader (and pdftotext) sees"
    );
    assert_contains(
        &text,
        &format!("Clinical summary {}", report.clinical_summary),
        "the clinical summary, whole",
    );

    assert_contains(
        &text,
        "Documents (7) # Document Kind Size Added",
        "the documents table's header",
    );
    let documents_page = pages
        .iter()
        .map(|p| without_bidi_controls(p))
        .filter(|p| p.contains("Documents (7)") || p.contains("# Document"))
        .collect::<Vec<_>>()
        .join("\n");
    for (i, document) in report.documents.iter().enumerate() {
        let row = documents_page
            .lines()
            .find(|l| {
                l.trim_start().starts_with(&format!("{} ", i + 1)) && l.contains(&document.kind)
            })
            .unwrap_or_else(|| panic!("document {} must have a row: {}", i + 1, document.name));
        assert!(
            row.contains("1 Mar 2026, 09:"),
            "document {}'s row shows when it was added",
            i + 1
        );
        for word in document.name.split_whitespace() {
            assert!(
                documents_page.contains(word),
                "document {}'s name must be printed in full; missing {word:?}",
                i + 1
            );
        }
    }
    assert!(
        text.contains("46.1 MB") && text.contains("471 KB"),
        "sizes are readable"
    );

    for (i, opinion) in report.opinions.iter().enumerate() {
        let heading = format!("Opinion {} of 3: {}", i + 1, opinion.provider_name);
        assert_contains(&text, &heading, "each opinion's author");
        assert_contains(
            &text,
            &format!("{} · submitted", opinion.specialty),
            "each opinion's specialty",
        );
        // Every part, whole and in order, even where it runs over a page break.
        assert_contains(
            &text,
            &format!(
                "{heading} {} · submitted {} Assessment {} Diagnosis {} Recommendations {} \
                 Answers to the question {} References {}",
                opinion.specialty,
                opinion.submitted_at.format("%-d %b %Y, %H:%M UTC"),
                opinion.assessment,
                opinion.diagnosis,
                opinion.recommendations,
                opinion.answers,
                opinion.references
            ),
            "each opinion",
        );
    }
    let summary = report
        .final_summary
        .as_ref()
        .expect("the sample has a summary");
    assert_contains(
        &text,
        &format!(
            "Coordinator's summary {} Coordinator · written 9 Mar 2026, 11:00 UTC {}",
            summary.coordinator_name, summary.text
        ),
        "the coordinator's summary",
    );
    assert_contains(&text, "End of report.", "the closing line");

    let png = render_first_page(&pdf, "case-report-page-1");
    println!("case report: {} pages, {} bytes", n, pdf.len());
    assert!(png.exists());
}

#[test]
fn an_arabic_name_comes_out_as_written() {
    let pdf = report::case_report_pdf(&sample::report()).expect("the report builds");
    let pages = pages_of(&pdf, "arabic.pdf");
    let page_one = without_bidi_controls(&pages[0]);
    let name_line = page_one
        .lines()
        .find(|l| l.trim_start().starts_with("Name"))
        .expect("the patient block has a Name row");
    assert_eq!(
        name_line.trim_start().trim_start_matches("Name").trim(),
        sample::PATIENT_NAME,
        "the name must extract in logical order, letter for letter (not as boxes, not reversed)"
    );
    assert!(
        page_one.contains(sample::CATEGORY_ARABIC),
        "an Arabic label inside English text must extract as written"
    );
    // A lam-alef ligature (one glyph for two letters) extracts as both letters, in order.
    let mut other = sample::report();
    other.patient.full_name = "عبد السلام علاء".into();
    let pages = pages_of(
        &report::case_report_pdf(&other).expect("the report builds"),
        "lam-alef.pdf",
    );
    let page_one = without_bidi_controls(&pages[0]);
    assert!(
        page_one.lines().any(|l| l.trim_start().starts_with("Name")
            && l.trim_start().trim_start_matches("Name").trim() == "عبد السلام علاء"),
        "a name with lam-alef ligatures must extract letter for letter"
    );
    // Inside an English sentence too (the coordinator's summary).
    let all = without_bidi_controls(&pages.join("\n"));
    assert!(
        squash(&all).contains(&squash(&format!("Mr. {} should", sample::PATIENT_NAME))),
        "an Arabic name inside an English sentence keeps its place and its letters"
    );
}

#[test]
fn the_same_input_gives_the_same_bytes_and_any_change_gives_others() {
    let report = sample::report();
    let first = report::case_report_pdf(&report).expect("builds");
    let second = report::case_report_pdf(&report).expect("builds");
    assert!(
        first == second,
        "two builds of the same report must be byte-identical"
    );

    let needle = b"D:20260309111500";
    assert!(
        first.windows(needle.len()).any(|w| w == needle),
        "the creation date must be the report's generated_at, not the clock"
    );

    let mut later = report.clone();
    later.generated_at += chrono::Duration::seconds(1);
    assert!(
        report::case_report_pdf(&later).expect("builds") != first,
        "a different generation time must give different bytes"
    );
    let mut edited = report.clone();
    edited.opinions[1].diagnosis.push_str(" Reviewed.");
    assert!(
        report::case_report_pdf(&edited).expect("builds") != first,
        "a changed opinion must give different bytes"
    );

    let invoice = sample::invoice();
    assert!(
        report::invoice_pdf(&invoice).expect("builds")
            == report::invoice_pdf(&invoice).expect("builds"),
        "two builds of the same invoice must be byte-identical"
    );
}

#[test]
fn the_invoice_shows_number_amount_currency_and_payment_reference() {
    let invoice = sample::invoice();
    let pdf = report::invoice_pdf(&invoice).expect("the invoice builds");
    let pages = pages_of(&pdf, "invoice.pdf");
    assert_eq!(pages.len(), 1, "an invoice for one review fits on one page");
    let text = without_bidi_controls(&pages[0]);
    let amount = domain::money::format(invoice.amount_minor, &invoice.currency);
    assert_eq!(amount, "SAR 1,500.00");
    for (what, needle) in [
        ("the title", "Invoice"),
        ("the number", "Invoice number INV-2026-00017"),
        ("the issue date", "Issued 2 Mar 2026, 08:45 UTC"),
        (
            "who pays",
            "Billed to Noura Al-Harbi Riyadh Regional Medical Centre",
        ),
        ("the case", "Case reference SO-2026-00042"),
        (
            "the line",
            "Cardiology second opinion SO-2026-00042 SAR 1,500.00",
        ),
        ("the total", "Total SAR 1,500.00"),
        (
            "the payment reference",
            "Payment reference PAY-7F3K-92QX-1180",
        ),
        ("the header", "Invoice INV-2026-00017"),
        ("the page number", "Page 1 of 1"),
    ] {
        assert_contains(&text, needle, what);
    }
    assert!(
        text.contains(&format!("Patient {}", sample::PATIENT_NAME))
            || squash(&text).contains(&squash(&format!("Patient {}", sample::PATIENT_NAME))),
        "the patient's Arabic name is on the invoice"
    );
    let png = render_first_page(&pdf, "invoice-page-1");
    println!("invoice: {} bytes", pdf.len());
    assert!(png.exists());
}
