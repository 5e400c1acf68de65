"""The whole review in the real app, standalone: the requester submits a case,
the admin assigns the coordinator, the patient pays on the sandbox's payment
page, the coordinator assigns two specialists, each accepts, reviews and writes
an opinion, the coordinator writes the final summary and the case completes;
the requester sees the completed case with its invoice and opens its PDF report.

Screenshots: the completed case, and page 1 of the report rendered with
pdftoppm (the artifact the issue asks for)."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

from flows import (ADMIN, COORDINATOR, REQUESTER, assign_coordinator, open_case, pay_case,
                   sign_in, submit_case, switch_user, wait_status)
from harness import AppSession, record_artifact, tid

PROVIDERS = {"Dr. Ahmed Al-Rashid": "provider@demo.hospital",
             "Dr. Sara Youssef": "provider2@demo.hospital"}


def click_js(app: AppSession, element) -> None:
    """Clicks an element WebKitWebDriver calls not interactable (Mantine's
    visually hidden checkbox inputs)."""
    app.driver.execute_script("arguments[0].click()", element)


def review_as(app: AppSession, email: str, patient: str, diagnosis: str) -> None:
    switch_user(app, email)
    open_case(app, patient)
    app.click_tid("action-accept-assignment")
    app.click_tid("action-start-review")
    fields = {
        "assessment": "Reviewed the referral letter and the angiography report.",
        "diagnosis": diagnosis,
        "recommendations": "Coronary artery bypass grafting; cardiac rehabilitation after.",
        "answers": "Surgery is the right next step; waiting is not advised.",
        "references": "ESC/EACTS guidelines on myocardial revascularisation",
    }
    for key, text in fields.items():
        field = app.by_tid(f"opinion-{key}")
        field.click()
        field.send_keys(text)
    form = app.by_tid("opinion-form")
    form.find_element(*tid("action-submit-opinion")).click()
    app.wait_until(
        lambda d: any(diagnosis in c.text for c in d.find_elements(*tid("opinion-card"))),
        f"the submitted opinion ({diagnosis!r}) to show")


def test_a_case_is_reviewed_completed_and_reported(app: AppSession, tmp_path: Path):
    patient = f"Salma Nour {uuid.uuid4().hex[:6]}"

    # -- the requester submits a cardiology case ------------------------------
    sign_in(app, REQUESTER)
    reference = submit_case(app, tmp_path, patient, review_type="Cardiology",
                            category="Coronary")
    print(f"[e2e] submitted {reference!r}")

    # -- the admin assigns the cardiology coordinator -------------------------
    switch_user(app, ADMIN)
    assign_coordinator(app, patient)

    # -- the patient pays on the payment page ---------------------------------
    switch_user(app, REQUESTER)
    pay_case(app, patient)

    # -- the coordinator assigns both cardiologists ---------------------------
    switch_user(app, COORDINATOR)
    open_case(app, patient)
    app.click_tid("action-assign-providers")
    options = app.wait_until(
        lambda d: [o for o in d.find_elements(*tid("provider-option"))] or None,
        "the eligible providers to be offered")
    offered = app.by_tid("provider-options").text
    for name in PROVIDERS:
        assert name in offered, offered
    for option in options:
        click_js(app, option)
    app.click_tid("assign-providers-confirm")
    wait_status(app, "doctors assigned")

    # -- each provider accepts, starts and submits an opinion -----------------
    for (name, email), diagnosis in zip(PROVIDERS.items(),
                                        ["Three-vessel coronary disease", "Multivessel coronary disease"]):
        review_as(app, email, patient, diagnosis)
        print(f"[e2e] {name} submitted an opinion")

    # -- the coordinator completes the case -----------------------------------
    switch_user(app, COORDINATOR)
    open_case(app, patient)
    app.click_tid("action-submit-final-summary")
    app.type_tid("final-summary-input",
                 "Both specialists recommend bypass surgery without delay.")
    app.click_tid("final-summary-confirm")
    wait_status(app, "completed")

    # -- the requester: the completed case, its invoice and its report --------
    switch_user(app, REQUESTER)
    open_case(app, patient)
    wait_status(app, "completed")
    text = app.body_text()
    for expected in ["Three-vessel coronary disease", "Multivessel coronary disease",
                     "Both specialists recommend bypass surgery"]:
        assert expected in text, f"{expected!r} not on the completed case"
    invoice = app.by_tid("invoice-number").text.strip()
    assert invoice.startswith("INV-"), invoice
    app.dismiss_notifications()
    app.screenshot("completed-case")

    app.click_tid("action-open-report")
    saved = Path(app.by_tid("report-saved-path").text.strip())
    app.wait_until(lambda d: saved.is_file() and saved.stat().st_size > 0,
                   f"the report at {saved}")
    assert saved.read_bytes().startswith(b"%PDF-"), saved
    app.screenshot("report-opened")

    # poppler-utils (scripts/setup.sh installs it): the report's text, then page 1.
    report_text = subprocess.run(["pdftotext", "-layout", str(saved), "-"],
                                 check=True, capture_output=True, text=True).stdout
    for expected in [reference, patient, "Dr. Ahmed Al-Rashid", "Dr. Sara Youssef",
                     "Both specialists recommend bypass surgery"]:
        assert expected in report_text, f"{expected!r} not in the report"
    page1 = app.artifacts / "report-page-1"
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                    str(saved), str(page1)], check=True)
    png = page1.with_suffix(".png")
    assert png.stat().st_size > 10_000, "page 1 rendered to an image"
    record_artifact(png, "page 1 of the report")
