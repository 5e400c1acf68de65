import dayjs from "dayjs";
import { i18n, intlLocale } from "../i18n";

// Numbers, amounts and dates in the UI's language, through Intl (see intlLocale: Arabic
// with the Gregorian calendar and Latin digits). English keeps the app's unambiguous
// YYYY-MM-DD HH:mm; Arabic writes the month's name.

export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(intlLocale(), options).format(value);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return i18n.t("units.bytes", { n: formatNumber(bytes) });
  const kib = bytes / 1024;
  const digits = (value: number) => ({ minimumFractionDigits: value, maximumFractionDigits: value });
  if (kib < 1024) return i18n.t("units.kb", { n: formatNumber(kib, digits(kib < 10 ? 1 : 0)) });
  const mib = kib / 1024;
  return i18n.t("units.mb", { n: formatNumber(mib, digits(Number.isInteger(mib) ? 0 : 1)) });
}

/** Minor units → "SAR 1,500.00" (in Arabic "1,500.00 ر.س.") using the currency's own number of decimals. */
export function formatMoney(priceMinor: number, currency: string): string {
  const locale = intlLocale();
  let formatter: Intl.NumberFormat;
  try {
    formatter = new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      currencyDisplay: locale === "en" ? "code" : "symbol",
    });
  } catch {
    return `${currency} ${(priceMinor / 100).toFixed(2)}`;
  }
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(priceMinor / 10 ** digits).replace(/\u00a0/g, " ");
}

function intlDate(iso: string, withTime: boolean): string {
  return new Intl.DateTimeFormat(intlLocale(), {
    year: "numeric",
    month: "long",
    day: "numeric",
    ...(withTime ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23" } : {}),
  }).format(new Date(iso));
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = dayjs(iso);
  if (!d.isValid()) return iso;
  return intlLocale() === "en" ? d.format("YYYY-MM-DD HH:mm") : intlDate(iso, true);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = dayjs(iso);
  if (!d.isValid()) return iso;
  return intlLocale() === "en" ? d.format("YYYY-MM-DD") : intlDate(iso, false);
}

/** Today's local calendar date as YYYY-MM-DD. */
export function todayIso(now: Date = new Date()): string {
  return dayjs(now).format("YYYY-MM-DD");
}

export function pluralDays(days: number): string {
  return i18n.t("units.days", { count: days, n: formatNumber(days) });
}
