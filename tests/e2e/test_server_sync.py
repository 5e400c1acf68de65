"""The real app against the real central server (so-server on PostgreSQL).

The app starts standalone, is pointed at the server from its Server page, signs in as
the requester and submits a case; the server numbers it. Then an admin — another
client, speaking the server's HTTP API like any desktop would — assigns a coordinator,
and the app shows "Awaiting payment" without anyone touching it: the server's live
channel wakes the app's sync, which tells the UI to refresh. Finally the app goes back
to standalone, and the server's case does not stay on the computer.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from pathlib import Path

from harness import AppSession, ServerProcess, tid
from flows import create_patient, small_pdf

REQUESTER = "requester@demo.hospital"
ADMIN = "admin@demo.hospital"
PASSWORD = "demo-password-2026"
# domain::demo::COORDINATOR: the demo's cardiology and neurology coordinator.
COORDINATOR_ID = "5ec00d00-0000-7000-8000-000000000201"


def uuid7() -> str:
    """A UUIDv7 (time-ordered), as clients make command ids."""
    ms = int(datetime.now(timezone.utc).timestamp() * 1000)
    rand = uuid.uuid4().int & ((1 << 74) - 1)
    value = (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))


def pull_all(server: ServerProcess, token: str) -> list[dict]:
    cases, cursor = {}, 0
    while True:
        page = server.call("GET", f"/v1/pull?cursor={cursor}&config=0", token=token)
        for snapshot in page["cases"]:
            cases[snapshot["case"]["id"]] = snapshot["case"]
        cursor = page["cursor"]
        if not page["more"]:
            return list(cases.values())


def test_the_app_syncs_with_the_server_and_follows_it_live(
        app: AppSession, server: ServerProcess, tmp_path: Path):
    patient = f"Omar Haddad {uuid.uuid4().hex[:6]}"
    question = f"Is an ablation indicated? [{uuid.uuid4().hex[:8]}]"

    # -- point the app at the server and sign in ---------------------------
    app.wait_for_text("Choose who you are")
    app.click_tid("use-server")
    app.type_tid("server-url", server.url)
    app.click_tid("server-connect")
    app.type_tid("server-email", REQUESTER)
    app.type_tid("server-password", PASSWORD)
    app.click_tid("server-sign-in")
    app.by_tid("nav-cases")
    app.wait_tid_text("sync-status", lambda t: t.startswith("Online"), 'to read "Online"')
    # The live channel opens once signed in.
    app.wait_until(lambda d: d.find_element(*tid("sync-status")).get_attribute("data-live") == "true",
                   "the live channel to open")

    # -- the requester's case goes to the server ----------------------------
    create_patient(app, patient)
    app.click_tid("nav-new-case")
    app.select_tid("case-patient", text_contains=patient)
    app.select_tid("case-review-type", text_contains="Cardiology")
    app.select_tid("case-disease-category", text_contains="Coronary")
    app.type_tid("case-question", question)
    app.type_tid("case-summary", "Paroxysmal atrial fibrillation, two episodes a month.")
    document = small_pdf(tmp_path / "ecg-report.pdf")
    app.driver.find_element(*tid("case-files")).send_keys(str(document.resolve()))
    app.row_with_text("document-row", document.name)
    app.click_tid("case-submit")
    app.wait_tid_text("case-status", lambda t: t.strip().lower() == "submitted", 'to read "Submitted"')
    # Sent and numbered by the server: the reference only the server gives reaches the
    # screen by itself (the sync tells the UI to refresh), and nothing is pending.
    reference = app.wait_tid_text(
        "case-reference", lambda t: t.strip() not in ("", "No reference yet"),
        "the server's case reference").strip()
    app.wait_tid_text("sync-status", lambda t: "pending" not in t, "no pending work")

    admin = server.sign_in(ADMIN, PASSWORD)
    everything = pull_all(server, admin)
    on_server = [c for c in everything if c["question"] == question]
    assert len(on_server) == 1, (
        f"the server has the case exactly once; it has {[c['question'] for c in everything]}")
    case = on_server[0]
    assert case["status"] == "submitted"
    assert case["reference"] == reference, "the app shows the reference the server gave"
    app.screenshot("server-case-submitted")

    # -- an admin elsewhere assigns a coordinator; the app follows on its own -----
    answer = server.call("POST", "/v1/push", {"commands": [{
        "commandId": uuid7(),
        "issuedAt": datetime.now(timezone.utc).isoformat(),
        "command": {"aggregate": "case", "type": "assign_coordinator", "case_id": case["id"],
                    "coordinator_id": COORDINATOR_ID, "replacing": None},
    }]}, token=admin)
    assert answer["results"][0]["outcome"]["status"] == "accepted", answer
    app.wait_tid_text("case-status", lambda t: t.strip().lower() == "awaiting payment",
                      'to read "Awaiting payment" without a click (live channel)')
    app.wait_tid_text("timeline", lambda t: "coordinator assigned" in t.lower(),
                      "the admin's step in the timeline")
    app.dismiss_notifications()
    shot = app.screenshot("server-case-awaiting-payment-live")
    print(f"[e2e] live update screenshot: {shot}")

    # -- back to standalone ---------------------------------------------------
    app.driver.get(app.driver.current_url.split("#")[0] + "#/server")
    app.click_tid("server-disconnect")
    app.click_tid("server-disconnect-confirm")
    app.wait_for_text("Choose who you are")
    # Standalone: the demo's people to choose from, and none of the server's cases.
    app.click_tid(f"user-{REQUESTER}")
    app.click_tid("nav-cases")
    assert patient not in app.body_text(), "the server's case left this computer"
