//! The case report's content, in the order a reader files it: who and what, the
//! question, the evidence, each specialist's opinion, the coordinator's conclusion.

use crate::compose::{
    line_height, Align, Column, Composer, ACCENT, BODY, BODY_BOLD, CONTENT_WIDTH, INK, KEEP_LINES,
    KEEP_TABLE, MUTED, SMALL,
};
use crate::text::Font;
use crate::{date, date_time, fingerprint, pdf, CaseReport, OpinionBlock, ReportError};

pub(crate) fn build(report: &CaseReport) -> Result<Vec<u8>, ReportError> {
    let mut c = compose(report);
    c.frame(
        &report.service_name,
        &format!("Case {}", report.case_reference),
        &format!(
            "Confidential medical information · generated {}",
            date_time(report.generated_at)
        ),
    );
    let (pages, shaper) = c.finish();
    pdf::write(
        pages,
        &shaper,
        &pdf::Meta {
            title: format!("Second-opinion report {}", report.case_reference),
            author: report.service_name.clone(),
            subject: "Medical second-opinion report".into(),
            identifier: report.case_reference.clone(),
            created: report.generated_at,
            document_key: format!("case-report/{}", report.case_reference),
            fingerprint: fingerprint("case-report/1", report),
        },
    )
}

/// The body, flowed over as many pages as it takes (no header or footer yet).
fn compose(report: &CaseReport) -> Composer {
    let mut c = Composer::new();

    c.block(
        "Second-opinion report",
        Font {
            bold: true,
            size: 18.0,
        },
        ACCENT,
        Align::Left,
        0.0,
    );
    c.block(
        &report.service_name,
        Font {
            bold: false,
            size: 11.0,
        },
        MUTED,
        Align::Left,
        0.0,
    );
    c.gap(8.0);
    c.fields(&[
        ("Case reference", report.case_reference.clone()),
        ("Review type", report.review_type.clone()),
        ("Disease category", report.disease_category.clone()),
        ("Submitted", date_time(report.submitted_at)),
        (
            "Completed",
            report
                .completed_at
                .map(date_time)
                .unwrap_or_else(|| "Not completed yet".into()),
        ),
        ("Report generated", date_time(report.generated_at)),
    ]);

    c.heading("Patient", 13.0, KEEP_LINES);
    let patient = &report.patient;
    let age = report
        .generated_at
        .date_naive()
        .years_since(patient.date_of_birth)
        .map(|years| format!(" (age {years})"))
        .unwrap_or_default();
    c.fields(&[
        ("Name", patient.full_name.clone()),
        (
            "Date of birth",
            format!("{}{age}", date(patient.date_of_birth)),
        ),
        ("Sex", patient.sex.clone()),
        (
            "Medical record number",
            patient
                .medical_record_number
                .clone()
                .unwrap_or_else(|| "Not recorded".into()),
        ),
    ]);

    c.heading("Question", 13.0, KEEP_LINES);
    c.paragraph(or_not_provided(&report.question), BODY, INK, 0.0);

    c.heading("Clinical summary", 13.0, KEEP_LINES);
    c.paragraph(or_not_provided(&report.clinical_summary), BODY, INK, 0.0);

    c.heading(
        &format!("Documents ({})", report.documents.len()),
        13.0,
        KEEP_TABLE,
    );
    if report.documents.is_empty() {
        c.paragraph("No documents were attached.", BODY, MUTED, 0.0);
    } else {
        let columns = [
            Column {
                title: "#",
                width: 24.0,
                align: Align::Right,
            },
            Column {
                title: "Document",
                width: CONTENT_WIDTH - 24.0 - 96.0 - 60.0 - 104.0,
                align: Align::Left,
            },
            Column {
                title: "Kind",
                width: 96.0,
                align: Align::Left,
            },
            Column {
                title: "Size",
                width: 60.0,
                align: Align::Right,
            },
            Column {
                title: "Added",
                width: 104.0,
                align: Align::Left,
            },
        ];
        let rows: Vec<Vec<String>> = report
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| {
                vec![
                    (i + 1).to_string(),
                    d.name.clone(),
                    d.kind.clone(),
                    size(d.size_bytes),
                    date_time(d.added_at),
                ]
            })
            .collect();
        c.table(&columns, &rows);
    }

    c.heading("Specialist opinions", 13.0, KEEP_LINES);
    if report.opinions.is_empty() {
        c.paragraph(
            "No specialist opinion has been submitted.",
            BODY,
            MUTED,
            0.0,
        );
    }
    let count = report.opinions.len();
    for (i, opinion) in report.opinions.iter().enumerate() {
        if i > 0 {
            c.gap(10.0);
        }
        opinion_block(&mut c, i + 1, count, opinion);
    }

    c.heading("Coordinator's summary", 13.0, KEEP_LINES);
    match &report.final_summary {
        Some(summary) => {
            c.block(
                &summary.coordinator_name,
                Font {
                    bold: true,
                    size: 11.0,
                },
                INK,
                Align::Left,
                line_height(SMALL) + 2.0 * line_height(BODY),
            );
            c.block(
                &format!("Coordinator · written {}", date_time(summary.submitted_at)),
                SMALL,
                MUTED,
                Align::Left,
                2.0 * line_height(BODY),
            );
            c.gap(3.0);
            c.paragraph(or_not_provided(&summary.text), BODY, INK, 0.0);
        }
        None => c.paragraph(
            "The coordinator has not written the final summary yet.",
            BODY,
            MUTED,
            0.0,
        ),
    }

    c.gap(18.0);
    c.block("End of report.", SMALL, MUTED, Align::Left, 0.0);
    c
}

fn opinion_block(c: &mut Composer, n: usize, count: usize, opinion: &OpinionBlock) {
    let keep = line_height(SMALL) + line_height(BODY_BOLD) + 3.0 * line_height(BODY);
    c.block(
        &format!("Opinion {n} of {count}: {}", opinion.provider_name),
        Font {
            bold: true,
            size: 11.5,
        },
        INK,
        Align::Left,
        keep,
    );
    c.block(
        &format!(
            "{} · submitted {}",
            opinion.specialty,
            date_time(opinion.submitted_at)
        ),
        SMALL,
        MUTED,
        Align::Left,
        line_height(BODY_BOLD) + 3.0 * line_height(BODY),
    );
    for (label, text) in [
        ("Assessment", &opinion.assessment),
        ("Diagnosis", &opinion.diagnosis),
        ("Recommendations", &opinion.recommendations),
        ("Answers to the question", &opinion.answers),
        ("References", &opinion.references),
    ] {
        c.gap(4.0);
        c.block(
            label,
            BODY_BOLD,
            ACCENT,
            Align::Left,
            2.0 * line_height(BODY),
        );
        c.paragraph(or_not_provided(text), BODY, INK, 0.0);
    }
}

fn or_not_provided(text: &str) -> &str {
    if text.trim().is_empty() {
        "Not provided."
    } else {
        text
    }
}

/// `2_400_000` → "2.3 MB": what a reader needs to recognise a file, not its exact size.
fn size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{:.0} KB", b / KB)
    } else {
        format!("{:.1} MB", b / (KB * KB))
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    use super::*;
    use crate::compose::{Draw, BODY_BOTTOM, BODY_TOP, MARGIN_X};
    use crate::{PatientBlock, SummaryBlock};

    fn long_report(words: usize) -> CaseReport {
        let at = Utc.with_ymd_and_hms(2026, 3, 9, 11, 15, 0).unwrap();
        let sentence = "The left anterior descending lesion is proximal and calcified, and the \
                        right coronary artery is occluded with collateral filling from the left.";
        let long: String = (0..words / 20)
            .map(|i| {
                if i % 6 == 5 {
                    format!("{sentence}\n\n")
                } else {
                    format!("{sentence} ")
                }
            })
            .collect();
        let opinion = |name: &str| {
            OpinionBlock {
            provider_name: name.into(),
            specialty: "Cardiology".into(),
            submitted_at: at,
            assessment: long.clone(),
            diagnosis: "Three-vessel disease.".into(),
            recommendations: long.clone(),
            answers: String::new(),
            references: "https://doi.org/10.1056/NEJMoa2206606/an-identifier-too-long-to-fit-on-one-line-of-the-report-without-being-cut".into(),
        }
        };
        CaseReport {
            service_name: "Second Opinion Service".into(),
            case_reference: "SO-2026-00042".into(),
            patient: PatientBlock {
                full_name: "محمد عبد الله".into(),
                date_of_birth: NaiveDate::from_ymd_opt(1967, 11, 4).unwrap(),
                sex: "Male".into(),
                medical_record_number: None,
            },
            review_type: "Cardiology second opinion".into(),
            disease_category: "Coronary artery disease".into(),
            question: "PCI or CABG?".into(),
            clinical_summary: long.clone(),
            documents: Vec::new(),
            opinions: vec![opinion("Dr. A"), opinion("Dr. B"), opinion("Dr. C")],
            final_summary: Some(SummaryBlock {
                coordinator_name: "Dr. D".into(),
                submitted_at: at,
                text: long.clone(),
            }),
            submitted_at: at,
            completed_at: None,
            generated_at: at,
        }
    }

    #[test]
    fn body_text_stays_inside_the_margins_on_every_page() {
        let (pages, _) = compose(&long_report(3_000)).finish();
        assert!(
            pages.len() >= 8,
            "about 21,000 words must take many pages, got {}",
            pages.len()
        );
        for (n, page) in pages.iter().enumerate() {
            let mut lowest: f32 = 0.0;
            for draw in &page.draws {
                if let Draw::Text {
                    x, baseline, run, ..
                } = draw
                {
                    assert!(
                        *baseline > BODY_TOP && *baseline <= BODY_BOTTOM,
                        "page {}: a baseline at {baseline} is outside the body band",
                        n + 1
                    );
                    assert!(
                        *x >= MARGIN_X - 0.01 && x + run.width <= MARGIN_X + CONTENT_WIDTH + 0.01,
                        "page {}: text from {x} to {} crosses a side margin",
                        n + 1,
                        x + run.width
                    );
                    lowest = lowest.max(*baseline);
                }
            }
            // Keeping a heading with its first lines may leave a gap, never a half page.
            if n + 1 < pages.len() {
                assert!(
                    lowest > BODY_BOTTOM - 130.0,
                    "page {} is not the last, so the flow must fill it (lowest line at {lowest})",
                    n + 1
                );
            }
        }
    }
}
