"""A completed case's papers in the real app, on the demo's completed case: the
requester finds its invoice on the Invoices page, opens the case, and opens the
report, which the shell writes under the data dir (the UI says where, whether or
not a PDF viewer could be started on this headless screen). A provider finds the
case in their service records and is offered no report.
"""

from __future__ import annotations

from pathlib import Path

from harness import AppSession

REQUESTER = "requester@demo.hospital"
PROVIDER = "provider@demo.hospital"


def sign_in(app: AppSession, email: str) -> None:
    app.wait_for_text("Choose who you are")
    app.click_tid(f"user-{email}")
    app.by_tid("nav-cases")


def test_requester_opens_the_report_and_sees_the_invoice(app: AppSession):
    sign_in(app, REQUESTER)
    app.click_tid("nav-invoices")
    row = app.row_with_text("invoice-row", "INV-")
    number = row.find_element("css selector", "[data-testid='invoice-row-number']").text
    assert number.startswith("INV-"), number
    app.click_row("invoice-row", number)

    app.wait_tid_text("invoice-number", lambda t: t == number, f"the case's invoice {number}")
    reference = app.by_tid("case-reference").text
    app.click_tid("action-open-report")
    app.wait_tid_text("report-saved-path", lambda t: t.endswith("-report.pdf"), "where the report is")
    saved = Path(app.by_tid("report-saved-path").text)
    app.screenshot("report-opened")

    assert saved == app.data_dir / "reports" / f"{reference}-report.pdf", saved
    assert saved.read_bytes().startswith(b"%PDF-"), "the shell wrote a PDF"


def test_provider_sees_service_records_and_no_report(app: AppSession):
    sign_in(app, PROVIDER)
    app.click_tid("nav-service-records")
    row = app.row_with_text("service-record-row", "Coronary artery disease")
    reference = row.find_element("css selector", "[data-testid='service-record-case']").text
    app.click_row("service-record-row", reference)

    app.wait_tid_text("case-status", lambda t: t == "Completed", "the completed case")
    assert not app.all_tid("action-open-report"), "a provider is not offered the report"
    assert not app.all_tid("invoice-panel"), "nor the invoice"
    app.screenshot("provider-case")
