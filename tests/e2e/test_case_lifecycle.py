"""A case's life in the real app: a requester creates a patient and submits a
case with a document; an admin assigns a coordinator, which moves the case to
"Awaiting payment". And: the patient form refuses an empty name.

The UI's test hooks are data-testid attributes (harness.tid). The demo users
are seeded by the core on first run; every test starts on an empty data dir.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from harness import AppSession, tid

REQUESTER = "requester@demo.hospital"
ADMIN = "admin@demo.hospital"


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


def test_requester_submits_and_admin_assigns_coordinator(app: AppSession, tmp_path: Path):
    patient = f"Ada Lovelace {uuid.uuid4().hex[:6]}"
    document = small_pdf(tmp_path / "referral-letter.pdf")

    # -- the requester: a patient, then a case for them --------------------
    sign_in(app, REQUESTER)
    create_patient(app, patient)

    app.click_tid("nav-new-case")
    app.select_tid("case-patient", text_contains=patient)
    review_type = app.select_tid("case-review-type")
    category = app.select_tid("case-disease-category")
    print(f"[e2e] review type {review_type!r}, disease category {category!r}")
    app.type_tid("case-question", "Is surgery the right next step, or is watchful waiting safe?")
    app.type_tid("case-summary",
                 "58-year-old with a 2 cm lesion found on a routine scan; no symptoms.")
    # A real <input type=file>: WebDriver sends the file's absolute path.
    app.driver.find_element(*tid("case-files")).send_keys(str(document.resolve()))
    app.row_with_text("document-row", document.name)
    app.screenshot("new-case-filled-in")

    app.click_tid("case-submit")
    app.wait_tid_text("case-status", lambda t: t.strip().lower() == "submitted",
                      'to read "Submitted"')
    reference = app.by_tid("case-reference").text.strip()
    print(f"[e2e] submitted case {reference!r} for {patient!r}")

    # -- the admin: assign a coordinator -------------------------------------
    switch_user(app, ADMIN)
    app.click_tid("nav-cases")
    app.click_row("case-row", patient)
    app.wait_tid_text("case-status", lambda t: t.strip().lower() == "submitted",
                      'to read "Submitted" (as the admin sees it)')

    app.click_tid("action-assign-coordinator")
    coordinator = app.select_tid("coordinator-select")
    print(f"[e2e] assigning coordinator {coordinator!r}")
    app.click_tid("assign-confirm")

    app.wait_tid_text("case-status", lambda t: t.strip().lower() == "awaiting payment",
                      'to read "Awaiting payment"')
    wanted = ["New case created", "Coordinator assigned", "Awaiting payment"]
    timeline = app.wait_tid_text(
        "timeline", lambda t: all(w.lower() in t.lower() for w in wanted),
        f"to list {wanted}")
    assert len(app.all_tid("timeline-entry")) >= len(wanted), timeline
    if reference:
        assert reference in app.body_text(), "the case reference is no longer shown"

    app.dismiss_notifications()
    shot = app.screenshot("case-detail-awaiting-payment")
    print(f"[e2e] case detail screenshot: {shot}")
    app.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})",
                              app.by_tid("timeline"))
    app.screenshot("case-detail-timeline")


def test_patient_form_refuses_an_empty_name(app: AppSession):
    marker = f"E2E-{uuid.uuid4().hex[:8]}"
    good_name = f"Grace Hopper {marker}"

    sign_in(app, REQUESTER)
    app.click_tid("nav-patients")
    app.click_tid("patient-new")
    # Everything but the name.
    app.type_tid("patient-dob", "1980-01-31")
    app.select_tid("patient-sex", value="male")
    app.type_tid("patient-mrn", marker)
    app.click_tid("patient-save")

    app.wait_for_text("Full name is required")
    name_field = app.by_tid("patient-full-name")
    assert name_field.get_attribute("aria-invalid") == "true"
    # Not saved: the form stays open (it closes on success) ...
    assert app.by_tid("patient-save").is_displayed()
    # ... and no patient row carries this attempt's record number.
    assert not [r for r in app.all_tid("patient-row") if marker in r.text]
    app.screenshot("patient-empty-name-refused")

    # Fixing the name saves exactly one patient: the refused attempt left
    # nothing behind that a second save could collide with or duplicate.
    app.type_tid("patient-full-name", good_name)
    app.click_tid("patient-save")
    app.row_with_text("patient-row", good_name)
    rows = [r for r in app.all_tid("patient-row") if marker in r.text]
    assert len(rows) == 1, [r.text for r in rows]
    assert all(r.text.strip() for r in app.all_tid("patient-row")), "a patient row without a name"

