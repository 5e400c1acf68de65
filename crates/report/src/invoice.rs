//! The invoice's content: who pays whom, for which case, how much, and the payment that
//! settled it. Amounts are formatted by `domain::money`, like everywhere else.

use crate::compose::{
    line_height, Align, Column, Composer, ACCENT, BODY, CONTENT_WIDTH, INK, KEEP_LINES, KEEP_TABLE,
    MUTED, SMALL,
};
use crate::text::Font;
use crate::{date_time, fingerprint, pdf, InvoiceDoc, ReportError};

pub(crate) fn build(invoice: &InvoiceDoc) -> Result<Vec<u8>, ReportError> {
    let mut c = Composer::new();
    let amount = domain::money::format(invoice.amount_minor, &invoice.currency);

    c.block(
        "Invoice",
        Font {
            bold: true,
            size: 20.0,
        },
        ACCENT,
        Align::Left,
        0.0,
    );
    c.block(
        &invoice.service_name,
        Font {
            bold: false,
            size: 11.0,
        },
        MUTED,
        Align::Left,
        0.0,
    );
    c.gap(8.0);
    let billed_to = match &invoice.billed_to.organisation {
        Some(organisation) => format!("{}\n{organisation}", invoice.billed_to.name),
        None => invoice.billed_to.name.clone(),
    };
    c.fields(&[
        ("Invoice number", invoice.number.clone()),
        ("Issued", date_time(invoice.issued_at)),
        ("Billed to", billed_to),
        ("Case reference", invoice.case_reference.clone()),
        ("Patient", invoice.patient_name.clone()),
    ]);

    c.heading("Services", 13.0, KEEP_TABLE);
    let columns = [
        Column {
            title: "Description",
            width: CONTENT_WIDTH - 110.0 - 120.0,
            align: Align::Left,
        },
        Column {
            title: "Case",
            width: 110.0,
            align: Align::Left,
        },
        Column {
            title: "Amount",
            width: 120.0,
            align: Align::Right,
        },
    ];
    c.table(
        &columns,
        &[vec![
            invoice.description.clone(),
            invoice.case_reference.clone(),
            amount.clone(),
        ]],
    );
    c.gap(6.0);
    c.block(
        &format!("Total {amount}"),
        Font {
            bold: true,
            size: 12.0,
        },
        INK,
        Align::Right,
        0.0,
    );

    c.heading("Payment", 13.0, KEEP_LINES);
    c.fields(&[
        ("Status", "Paid".into()),
        ("Payment reference", invoice.payment_reference.clone()),
    ]);
    c.gap(line_height(BODY));
    c.paragraph(
        "Thank you. Please quote the invoice number in any correspondence about this payment.",
        SMALL,
        MUTED,
        0.0,
    );

    c.frame(
        &invoice.service_name,
        &format!("Invoice {}", invoice.number),
        &format!("Issued {}", date_time(invoice.issued_at)),
    );
    let (pages, shaper) = c.finish();
    pdf::write(
        pages,
        &shaper,
        &pdf::Meta {
            title: format!("Invoice {}", invoice.number),
            author: invoice.service_name.clone(),
            subject: format!("Invoice for case {}", invoice.case_reference),
            identifier: invoice.number.clone(),
            created: invoice.issued_at,
            document_key: format!("invoice/{}", invoice.number),
            fingerprint: fingerprint("invoice/1", invoice),
        },
    )
}
