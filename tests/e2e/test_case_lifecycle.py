"""A case's life in the real app: a requester creates a patient and submits a
case with a document; an admin assigns a coordinator, which moves the case to
"Awaiting payment". And: the patient form refuses an empty name.

The UI's test hooks are data-testid attributes (harness.tid). The demo users
are seeded by the core on first run; every test starts on an empty data dir.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from flows import ADMIN, REQUESTER, sign_in, submit_case, switch_user
from harness import AppSession

def test_requester_submits_and_admin_assigns_coordinator(app: AppSession, tmp_path: Path):
    patient = f"Ada Lovelace {uuid.uuid4().hex[:6]}"

    # -- the requester: a patient, then a case for them --------------------
    sign_in(app, REQUESTER)
    reference = submit_case(app, tmp_path, patient)
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

