import dayjs from "dayjs";
import { describe, expect, it, vi } from "vitest";
import { APPOINTMENT_MAX_DAYS_AHEAD, APPOINTMENT_MINUTES, LIMITS } from "../bindings/limits";
import { appointment } from "../test/fixtures";
import {
  appointmentWhen,
  durationText,
  formatInZone,
  icsName,
  toAppointmentFilter,
  toAppointmentInput,
  validateAppointmentForm,
  viewerTimeZone,
} from "./appointments";
import { noticeTab } from "./notifications";

describe("appointment times", () => {
  it("reads the wall clock of any zone", () => {
    expect(formatInZone("2030-05-02T09:00:00Z", "UTC")).toBe("2030-05-02 09:00");
    expect(formatInZone("2030-05-02T09:00:00Z", "Asia/Riyadh")).toBe("2030-05-02 12:00");
    expect(formatInZone("2030-01-02T23:30:00Z", "Europe/Berlin")).toBe("2030-01-03 00:30");
  });

  it("shows the viewer's time with the zone, and the proposer's when it is another", () => {
    const a = appointment({ startsAt: "2030-05-02T09:00:00Z", timeZone: "Asia/Riyadh" });
    expect(appointmentWhen(a, "Europe/Berlin")).toEqual({
      local: "2030-05-02 11:00 (Europe/Berlin)",
      proposed: "proposed in Asia/Riyadh: 2030-05-02 12:00",
    });
    expect(appointmentWhen(a, "Asia/Riyadh")).toEqual({ local: "2030-05-02 12:00 (Asia/Riyadh)", proposed: null });
  });

  it("says durations in minutes and hours", () => {
    expect(durationText(30)).toBe("30 min");
    expect(durationText(60)).toBe("1 h");
    expect(durationText(90)).toBe("1 h 30 min");
  });
});

describe("the appointment form", () => {
  const now = new Date("2030-05-01T08:00:00Z");
  const valid = { withId: "u-coord", startsAt: "2030-05-02 09:00:00", durationMinutes: 30, purpose: "" };

  it("needs a person, a future time and a duration within the limits", () => {
    expect(validateAppointmentForm(valid, true, now)).toEqual({});
    expect(validateAppointmentForm({ ...valid, withId: "" }, true, now)).toEqual({ withId: "Choose whom to meet" });
    // Changing an appointment: the person is not asked.
    expect(validateAppointmentForm({ ...valid, withId: "" }, false, now)).toEqual({});
    expect(validateAppointmentForm({ ...valid, startsAt: "" }, true, now).startsAt).toBe("The date and time are required");
    expect(validateAppointmentForm({ ...valid, startsAt: "2030-04-30 09:00:00" }, true, now).startsAt).toBe(
      "The appointment must be in the future",
    );
    // The bounds are the core's (generated): just inside passes, just outside is refused.
    const { min, max } = APPOINTMENT_MINUTES;
    const between = `Between ${min} and ${max} minutes`;
    expect(validateAppointmentForm({ ...valid, durationMinutes: min }, true, now)).toEqual({});
    expect(validateAppointmentForm({ ...valid, durationMinutes: max }, true, now)).toEqual({});
    expect(validateAppointmentForm({ ...valid, durationMinutes: min - 1 }, true, now).durationMinutes).toBe(between);
    expect(validateAppointmentForm({ ...valid, durationMinutes: max + 1 }, true, now).durationMinutes).toBe(between);
    expect(validateAppointmentForm({ ...valid, durationMinutes: "" }, true, now).durationMinutes).toBeDefined();
    expect(validateAppointmentForm({ ...valid, purpose: "x".repeat(LIMITS.reason) }, true, now)).toEqual({});
    expect(validateAppointmentForm({ ...valid, purpose: "x".repeat(LIMITS.reason + 1) }, true, now).purpose).toBeDefined();
  });

  it("refuses a time further ahead than the core allows", () => {
    const at = (days: number) => dayjs(now).add(days, "day").format("YYYY-MM-DD HH:mm:ss");
    expect(validateAppointmentForm({ ...valid, startsAt: at(APPOINTMENT_MAX_DAYS_AHEAD) }, true, now)).toEqual({});
    expect(validateAppointmentForm({ ...valid, startsAt: at(APPOINTMENT_MAX_DAYS_AHEAD + 1) }, true, now).startsAt).toBe(
      `The appointment can be at most ${APPOINTMENT_MAX_DAYS_AHEAD} days ahead`,
    );
  });

  it("sends the local time with its offset, the zone's name and the purpose or null", () => {
    expect(toAppointmentInput({ ...valid, purpose: "  " }, "Europe/Berlin")).toEqual({
      startsAt: dayjs("2030-05-02 09:00:00").format("YYYY-MM-DDTHH:mm:ssZ"),
      durationMinutes: 30,
      timeZone: "Europe/Berlin",
      purpose: null,
    });
    expect(toAppointmentInput({ ...valid, durationMinutes: "45", purpose: " Results " }, "UTC")).toMatchObject({
      durationMinutes: 45,
      purpose: "Results",
    });
    expect(toAppointmentInput(valid, "UTC").startsAt).toMatch(/^2030-05-02T09:00:00[+-]\d\d:\d\d$/);
  });
});

describe("the appointment list's filter", () => {
  it("drops empty fields and half-typed dates", () => {
    expect(toAppointmentFilter({ status: "", from: "", to: "", case: " " }, "UTC")).toEqual({
      status: null,
      from: null,
      to: null,
      case: null,
      timeZone: "UTC",
    });
    expect(toAppointmentFilter({ status: "accepted", from: "2030-05-01", to: "2030-05", case: " SO-12 " }, "Asia/Riyadh")).toEqual({
      status: "accepted",
      from: "2030-05-01",
      to: null,
      case: "SO-12",
      timeZone: "Asia/Riyadh",
    });
  });

  it("takes UTC for a zone the runtime could not name", () => {
    const actual = new Intl.DateTimeFormat().resolvedOptions();
    const spy = vi
      .spyOn(Intl.DateTimeFormat.prototype, "resolvedOptions")
      .mockReturnValue({ ...actual, timeZone: "Etc/Unknown" });
    try {
      expect(viewerTimeZone()).toBe("UTC");
    } finally {
      spy.mockRestore();
    }
  });

  it("names the viewer's time zone, whose days the dates are", () => {
    expect(toAppointmentFilter({ status: "", from: "2030-05-01", to: "", case: "" }).timeZone).toBe(viewerTimeZone());
  });

  it("names the calendar file after the case and the day", () => {
    expect(icsName({ caseReference: "SO-0001", startsAt: "2030-05-02T09:00:00Z" })).toMatch(/^SO-0001-appointment-2030-05-0[23]\.ics$/);
  });
});

describe("notifications", () => {
  it("open the case on the tab they are about", () => {
    expect(noticeTab("chat_message")).toBe("chat");
    expect(noticeTab("appointment_created")).toBe("appointments");
    expect(noticeTab("issue_reported")).toBe("issues");
    expect(noticeTab("case_completed")).toBeUndefined();
  });
});
