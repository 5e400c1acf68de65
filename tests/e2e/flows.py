"""Steps the end-to-end tests share: signing in as a demo user, a patient, a
submitted case, the coordinator assigned, the case paid. Each drives the real app
through its data-testid hooks."""

from __future__ import annotations

import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from harness import AppSession, tid

REQUESTER = "requester@demo.hospital"
ADMIN = "admin@demo.hospital"
# The demo's cardiology coordinator (coordinator@demo.hospital).
COORDINATOR = "coordinator@demo.hospital"
COORDINATOR_NAME = "Layla Mansour"


def sign_in(app: AppSession, email: str) -> None:
    app.wait_for_text("Choose who you are")
    app.click_tid(f"user-{email}")
    # Signed in: the navigation is there.
    app.by_tid("nav-cases")


def switch_user(app: AppSession, email: str) -> None:
    app.click_tid("switch-user")
    sign_in(app, email)


def create_patient(app: AppSession, full_name: str) -> None:
    app.click_tid("nav-patients")
    app.click_tid("patient-new")
    app.type_tid("patient-full-name", full_name)
    app.type_tid("patient-dob", "1975-04-23")
    app.select_tid("patient-sex", value="female")
    app.type_tid("patient-mrn", f"MRN-{uuid.uuid4().hex[:8]}")
    app.type_tid("patient-phone", "+1 555 0100")
    app.click_tid("patient-save")
    app.row_with_text("patient-row", full_name)


def small_pdf(path: Path) -> Path:
    """Writes a valid one-page PDF with a line of text."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        None,  # the content stream, below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    text = b"BT /F1 14 Tf 72 770 Td (Referral letter - end-to-end test) Tj ET"
    objects[3] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def submit_case(app: AppSession, tmp_path: Path, patient: str, *,
                review_type: str | None = None, category: str | None = None) -> str:
    """As the signed-in requester: a patient named `patient` and a case for them
    with one document, submitted. Returns the case reference shown."""
    document = small_pdf(tmp_path / "referral-letter.pdf")
    create_patient(app, patient)
    app.click_tid("nav-new-case")
    app.select_tid("case-patient", text_contains=patient)
    chosen_type = app.select_tid("case-review-type", text_contains=review_type)
    chosen_category = app.select_tid("case-disease-category", text_contains=category)
    print(f"[e2e] review type {chosen_type!r}, disease category {chosen_category!r}")
    app.type_tid("case-question", "Is surgery the right next step, or is watchful waiting safe?")
    app.type_tid("case-summary",
                 "58-year-old with a 2 cm lesion found on a routine scan; no symptoms.")
    # A real <input type=file>: WebDriver sends the file's absolute path.
    app.driver.find_element(*tid("case-files")).send_keys(str(document.resolve()))
    app.row_with_text("document-row", document.name)
    app.screenshot("new-case-filled-in")
    app.click_tid("case-submit")
    wait_status(app, "submitted")
    return app.by_tid("case-reference").text.strip()


def wait_status(app: AppSession, status: str) -> None:
    """Waits for the open case's status badge to read `status` (any case)."""
    app.wait_tid_text("case-status", lambda t: t.strip().lower() == status.lower(),
                      f"to read {status!r}")


def open_case(app: AppSession, patient: str) -> None:
    app.click_tid("nav-cases")
    app.click_row("case-row", patient)
    app.by_tid("case-status")


def assign_coordinator(app: AppSession, patient: str, name: str = COORDINATOR_NAME) -> None:
    """As the signed-in admin: assigns the coordinator called `name` to the patient's
    submitted case; it then awaits payment."""
    open_case(app, patient)
    app.click_tid("action-assign-coordinator")
    app.select_tid("coordinator-select", text_contains=name)
    app.click_tid("assign-confirm")
    wait_status(app, "awaiting payment")


def pay_on_the_payment_page(url: str) -> None:
    """What the patient's browser sends when they press "Pay" on the page."""
    assert url.startswith("http://127.0.0.1:"), url
    page = urllib.request.urlopen(url, timeout=10).read().decode()
    assert "Pay" in page, page[:500]
    body = urllib.parse.urlencode({"action": "pay"}).encode()
    request = urllib.request.Request(
        url, data=body, headers={"content-type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200, response.status


def pay_case(app: AppSession, patient: str) -> None:
    """As the signed-in requester: pays the patient's case on the sandbox's payment
    page; the signed callback lands in the app by itself and the screen follows."""
    open_case(app, patient)
    amount = app.by_tid("payment-amount").text
    url = app.by_tid("payment-url").text.strip()
    print(f"[e2e] paying {amount} at {url}")
    pay_on_the_payment_page(url)
    wait_status(app, "payment successful")
