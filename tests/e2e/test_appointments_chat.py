"""Appointments and chat in the real app, standalone: the requester submits a
cardiology case, the admin assigns the coordinator and the case is paid; the
requester asks the coordinator for an appointment tomorrow, the coordinator sees
it (the Appointments badge) and accepts it, the requester sees it accepted; the
requester and the coordinator exchange chat messages; an admin gets no chat.

Screenshots: 02-appointment-accepted.png (the requester's Appointments tab) and
03-chat.png (the requester's chat with the coordinator's answer)."""

from __future__ import annotations

import datetime
import uuid
from pathlib import Path

from selenium.webdriver.common.by import By

from flows import (ADMIN, COORDINATOR, COORDINATOR_NAME, REQUESTER, assign_coordinator,
                   open_case, pay_case, sign_in, submit_case, switch_user)
from harness import AppSession, tid


def pick_day(app: AppSession, day: datetime.date) -> None:
    """In the open date-and-time picker, clicks `day` (the month after this one when
    the calendar does not show it yet). The days are buttons in table cells, which
    WebKitWebDriver neither measures nor clicks: they are clicked from the page."""
    cell = f'[data-date="{day.isoformat()}"]'

    def attempt(d):
        shown = [c.get_attribute("data-date") for c in d.find_elements(By.CSS_SELECTOR, "[data-date]")]
        if not shown:
            return False  # the dropdown is still opening
        found = d.find_elements(By.CSS_SELECTOR, cell)
        if found:
            d.execute_script("arguments[0].click()", found[0])
            return True
        if max(shown) < day.isoformat():
            d.find_element(By.CSS_SELECTOR, '[data-direction="next"]').click()
        return False

    app.wait_until(attempt, f"the day {day} in the calendar")


def request_appointment(app: AppSession, with_name: str, day: datetime.date, purpose: str) -> None:
    """On the open case, as a party: asks `with_name` for an appointment on `day` at
    09:00 (the picker's default time), 30 minutes."""
    app.click_tid("tab-appointments")
    app.click_tid("action-request-appointment")
    app.select_tid("appointment-with", text_contains=with_name)
    app.click_tid("appointment-starts-at")
    pick_day(app, day)
    app.click_tid("appointment-starts-at-done")
    app.type_tid("appointment-purpose", purpose)
    app.click_tid("appointment-submit")
    app.wait_until(lambda d: not d.find_elements(*tid("appointment-form")),
                   "the appointment form to close")


def appointment_status(app: AppSession, status: str) -> None:
    app.wait_tid_text("appointment-status", lambda t: t.strip().lower() == status.lower(),
                      f"to read {status!r}")


def send_message(app: AppSession, text: str) -> None:
    app.type_tid("chat-input", text)
    app.click_tid("chat-send")
    app.row_with_text("chat-message", text)


def test_an_appointment_is_arranged_and_the_case_discussed(app: AppSession, tmp_path: Path):
    patient = f"Nadia Karam {uuid.uuid4().hex[:6]}"
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    purpose = "Go through the angiography before the specialists start"

    # -- a paid cardiology case with its coordinator ---------------------------
    sign_in(app, REQUESTER)
    reference = submit_case(app, tmp_path, patient, review_type="Cardiology",
                            category="Coronary")
    switch_user(app, ADMIN)
    assign_coordinator(app, patient)
    switch_user(app, REQUESTER)
    pay_case(app, patient)
    print(f"[e2e] {reference!r} paid")

    # -- the requester asks the coordinator for an appointment tomorrow --------
    request_appointment(app, COORDINATOR_NAME, tomorrow, purpose)
    appointment_status(app, "pending")
    when = app.by_tid("appointment-when").text
    assert tomorrow.isoformat() in when and "09:00" in when, when
    assert COORDINATOR_NAME in app.by_tid("appointment-participants").text
    # No one else's change: nothing new for the requester.
    assert not app.all_tid("appointment-new")

    # -- the coordinator sees it (the badge) and accepts it --------------------
    switch_user(app, COORDINATOR)
    badge = app.by_tid("nav-appointments-count")
    assert badge.get_attribute("data-count") == "1", badge.get_attribute("data-count")
    app.click_tid("nav-appointments")
    row = app.row_with_text("appointment-row", reference)
    assert "Pending" in row.text and "New" in row.text, row.text
    # Looking at the list clears the badge.
    app.wait_until(lambda d: not d.find_elements(*tid("nav-appointments-count")),
                   "the Appointments badge to clear")
    row.find_element(*tid("appointment-row-case")).click()
    appointment_status(app, "pending")
    assert purpose in app.by_tid("appointment-purpose-text").text
    app.click_tid("appointment-accept")
    appointment_status(app, "accepted")

    # -- the requester sees it accepted ----------------------------------------
    switch_user(app, REQUESTER)
    open_case(app, patient)
    app.click_tid("tab-appointments")
    appointment_status(app, "accepted")
    app.by_tid("appointment-new")  # changed by the coordinator since the requester looked
    # (textContent: WebKitWebDriver reads a Mantine button's clipped label as empty.)
    assert [b.get_attribute("textContent") for b in app.all_tid("appointment-edit")] == [
        "Reschedule"]
    app.dismiss_notifications()
    app.driver.execute_script("arguments[0].scrollIntoView({block: 'start'})",
                              app.by_tid("case-talk"))
    app.screenshot("appointment-accepted")

    # -- a chat: the requester writes, the coordinator answers -----------------
    question = "Will the appointment be by phone or video?"
    answer = "By video; I will send the link an hour before."
    app.click_tid("tab-chat")
    send_message(app, question)

    switch_user(app, COORDINATOR)
    open_case(app, patient)
    unread = app.by_tid("tab-chat-unread")
    assert unread.get_attribute("data-count") == "1", unread.get_attribute("data-count")
    app.click_tid("tab-chat")
    app.row_with_text("chat-message", question)
    send_message(app, answer)

    switch_user(app, REQUESTER)
    open_case(app, patient)
    app.click_tid("tab-chat")
    theirs = app.row_with_text("chat-message", answer)
    assert COORDINATOR_NAME in theirs.text and "Coordinator" in theirs.text, theirs.text
    texts = [m.text for m in app.all_tid("chat-message")]
    assert question in texts[0] and answer in texts[1], texts
    app.dismiss_notifications()
    app.driver.execute_script("arguments[0].scrollIntoView({block: 'start'})",
                              app.by_tid("case-talk"))
    app.screenshot("chat")

    # -- an admin sees the appointment, never the chat --------------------------
    switch_user(app, ADMIN)
    open_case(app, patient)
    app.click_tid("tab-appointments")
    appointment_status(app, "accepted")
    assert not app.all_tid("tab-chat"), "an admin must not be offered the case's chat"
    assert not app.all_tid("appointment-accept") and not app.all_tid("appointment-cancel")
    assert question not in app.body_text()

    # -- "My appointments" for the admin: every appointment, to read ---------------
    app.click_tid("nav-appointments")
    row = app.row_with_text("appointment-row", reference)
    assert "Accepted" in row.text and "Requester" in row.text, row.text
    app.dismiss_notifications()
    app.screenshot("admin-appointments")

    # -- the requester's notification centre opens the chat it tells of -----------
    switch_user(app, REQUESTER)
    app.click_tid("notification-bell")
    notice = app.wait_until(
        lambda d: [n for n in d.find_elements(*tid("notification-item"))
                   if n.get_attribute("data-kind") == "chat_message"
                   and n.get_attribute("data-read") == "false"] or None,
        "an unread chat notification")[0]
    app.screenshot("notification-centre")
    notice.click()
    app.row_with_text("chat-message", answer)
    assert reference in app.by_tid("case-reference").text
