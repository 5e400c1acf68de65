import dayjs from "dayjs";
import type { AppointmentFilter, AppointmentInput, AppointmentStatus, AppointmentView } from "../api/types";
import { APPOINTMENT_MAX_DAYS_AHEAD, APPOINTMENT_MINUTES } from "../bindings/limits";
import { i18n, intlLocale, tCode } from "../i18n";
import { formatNumber } from "./format";
import { humanise } from "./labels";
import { charCount, isIsoDate, LIMITS } from "./validation";

// The core's own bounds (generated from crates/domain/src/appointment.rs); it checks them again.
export { APPOINTMENT_MAX_DAYS_AHEAD, APPOINTMENT_MINUTES };

export const DEFAULT_APPOINTMENT_MINUTES = 30;

export const APPOINTMENT_STATUSES: readonly AppointmentStatus[] = ["pending", "accepted", "rejected", "canceled", "completed"];

const STATUS_COLORS: Record<AppointmentStatus, string> = {
  pending: "yellow",
  accepted: "green",
  rejected: "red",
  canceled: "gray",
  completed: "blue",
};

/** An appointment's status as people read it; an unknown one (newer core) readably. */
export function appointmentStatusLabel(status: string): string {
  return tCode(`appointmentStatus.${status}`, humanise(status));
}

export function appointmentStatusColor(status: string): string {
  return (STATUS_COLORS as Record<string, string>)[status] ?? "gray";
}

/** The viewer's IANA time zone ("Europe/Berlin"); UTC when the runtime does not say. */
export function viewerTimeZone(): string {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    // A zone the runtime cannot use itself ("Etc/Unknown" when it could not tell) is UTC.
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone || "UTC";
  } catch {
    return "UTC";
  }
}

/** "2026-12-01 09:30" as the clock on the wall reads in `timeZone`. */
export function formatInZone(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let parts: Intl.DateTimeFormatPart[];
  try {
    // Arabic: the month's name, through Intl (Gregorian, Latin digits; see intlLocale).
    if (intlLocale() !== "en") {
      return new Intl.DateTimeFormat(intlLocale(), {
        timeZone,
        year: "numeric",
        month: "long",
        day: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      }).format(date);
    }
    parts = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).formatToParts(date);
  } catch {
    // A zone this runtime does not know: the viewer's own clock.
    return dayjs(date).format("YYYY-MM-DD HH:mm");
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}`;
}

/**
 * When the appointment is, for the viewer: the time in their own zone with the zone's
 * name, and — when it was proposed from another zone — the proposer's wall-clock time.
 */
export function appointmentWhen(
  a: Pick<AppointmentView, "startsAt" | "timeZone">,
  viewerZone: string = viewerTimeZone(),
): { local: string; proposed: string | null } {
  const local = i18n.t("appointments.whenLocal", { time: formatInZone(a.startsAt, viewerZone), zone: viewerZone });
  const proposed =
    a.timeZone && a.timeZone !== viewerZone
      ? i18n.t("appointments.whenProposed", { zone: a.timeZone, time: formatInZone(a.startsAt, a.timeZone) })
      : null;
  return { local, proposed };
}

export function durationText(minutes: number): string {
  const n = (v: number) => formatNumber(v);
  if (minutes < 60) return i18n.t("units.minutes", { m: n(minutes) });
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? i18n.t("units.hours", { h: n(h) }) : i18n.t("units.hoursMinutes", { h: n(h), m: n(m) });
}

// ------------------------------------------------------------------ the form

export type AppointmentFormValues = {
  /** Only when requesting: whom to meet. */
  withId: string;
  /** Local wall-clock time, "YYYY-MM-DD HH:mm:ss" (Mantine's DateTimePicker), or "". */
  startsAt: string;
  durationMinutes: number | string;
  purpose: string;
};

export function validateAppointmentForm(
  values: AppointmentFormValues,
  requesting: boolean,
  now: Date = new Date(),
): Partial<Record<keyof AppointmentFormValues, string>> {
  const errors: Partial<Record<keyof AppointmentFormValues, string>> = {};
  if (requesting && values.withId === "") errors.withId = i18n.t("appointments.validation.chooseWhom");
  const start = dayjs(values.startsAt);
  if (values.startsAt === "" || !start.isValid()) errors.startsAt = i18n.t("appointments.validation.whenRequired");
  else if (!start.isAfter(now)) errors.startsAt = i18n.t("appointments.validation.inFuture");
  else if (start.isAfter(dayjs(now).add(APPOINTMENT_MAX_DAYS_AHEAD, "day")))
    errors.startsAt = i18n.t("appointments.validation.tooFarAhead", {
      count: APPOINTMENT_MAX_DAYS_AHEAD,
      n: formatNumber(APPOINTMENT_MAX_DAYS_AHEAD),
    });
  const minutes = Number(values.durationMinutes);
  if (values.durationMinutes === "" || !Number.isInteger(minutes))
    errors.durationMinutes = i18n.t("appointments.validation.durationRequired");
  else if (minutes < APPOINTMENT_MINUTES.min || minutes > APPOINTMENT_MINUTES.max)
    errors.durationMinutes = i18n.t("appointments.validation.durationRange", {
      min: formatNumber(APPOINTMENT_MINUTES.min),
      max: formatNumber(APPOINTMENT_MINUTES.max),
    });
  if (charCount(values.purpose.trim()) > LIMITS.reason)
    errors.purpose = i18n.t("validation.tooLong.purpose", { max: formatNumber(LIMITS.reason) });
  return errors;
}

/** Call only on values that passed validation. The time carries the viewer's offset. */
export function toAppointmentInput(values: AppointmentFormValues, timeZone: string = viewerTimeZone()): AppointmentInput {
  const purpose = values.purpose.trim();
  return {
    startsAt: dayjs(values.startsAt).format("YYYY-MM-DDTHH:mm:ssZ"),
    durationMinutes: Number(values.durationMinutes),
    timeZone,
    purpose: purpose === "" ? null : purpose,
  };
}

/** An existing appointment as the form edits it (the viewer's local time). */
export function appointmentToForm(a: AppointmentView): AppointmentFormValues {
  return {
    withId: a.invitee.id,
    startsAt: dayjs(a.startsAt).format("YYYY-MM-DD HH:mm:ss"),
    durationMinutes: a.durationMinutes,
    purpose: a.purpose ?? "",
  };
}

// ----------------------------------------------------------------- the list

export type AppointmentFilterValues = { status: AppointmentStatus | ""; from: string; to: string; case: string };

export const emptyAppointmentFilter: AppointmentFilterValues = { status: "", from: "", to: "", case: "" };

/** The list's filter as the core takes it: empty fields are no filter; half-typed dates are ignored;
 * the days are the viewer's (in `timeZone`). */
export function toAppointmentFilter(values: AppointmentFilterValues, timeZone: string = viewerTimeZone()): AppointmentFilter {
  const day = (v: string) => (isIsoDate(v.trim()) ? v.trim() : null);
  const text = values.case.trim();
  return {
    status: values.status === "" ? null : values.status,
    from: day(values.from),
    to: day(values.to),
    case: text === "" ? null : text,
    timeZone,
  };
}

/** The file name the Save dialog suggests for one appointment. */
export function icsName(a: Pick<AppointmentView, "caseReference" | "startsAt">): string {
  return `${a.caseReference ?? i18n.t("papers.fileCase")}-appointment-${dayjs(a.startsAt).format("YYYY-MM-DD")}.ics`;
}
