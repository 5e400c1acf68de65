// The admin's configuration screen: prices in the currency's own decimals, the currencies
// to offer, the search, and the checks made before sending (the core checks them again,
// domain::config).
import type { DiseaseCategoryInput } from "../bindings/DiseaseCategoryInput";
import type { ReviewTypeInput } from "../bindings/ReviewTypeInput";
import type { SpecialtyInput } from "../bindings/SpecialtyInput";
import type { DiseaseCategory, ReviewType, Specialty } from "../api/types";
import { i18n, intlLocale } from "../i18n";
import { specialtyLabel } from "./catalog";
import { LIMITS, REVIEW_DAYS } from "../bindings/limits";
import { formatNumber } from "./format";
import { charCount } from "./validation";

/** A specialty's, review type's or disease category's name, in each language. */
export const CATALOG_NAME_MAX = LIMITS.catalogName;

/** The form fields of a specialty's or review type's names, and of a category's labels. */
export const NAME_FIELDS: [string, string] = ["nameEn", "nameAr"];
export const LABEL_FIELDS: [string, string] = ["labelEn", "labelAr"];

/** Expected review days, as the core bounds them (generated). */
export { REVIEW_DAYS };

/** The number of decimals of a currency's minor unit (SAR 2, JPY 0, KWD 3); 2 if Intl does not know it. */
export function currencyDigits(currency: string): number {
  try {
    const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits;
    return typeof digits === "number" ? digits : 2;
  } catch {
    return 2;
  }
}

/** A price typed in major units (150.5) → minor units (15050), in the currency's decimals. */
export function toMinor(major: number | string, currency: string): number {
  return Math.round(Number(major) * 10 ** currencyDigits(currency));
}

/** Minor units → the major-unit number the price input shows. */
export function fromMinor(minor: number, currency: string): number {
  return minor / 10 ** currencyDigits(currency);
}

/** The ISO 4217 codes Intl knows, sorted; null where the runtime cannot list them (then the code is typed). */
export function currencyCodes(): string[] | null {
  const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  if (typeof supported !== "function") return null;
  try {
    const codes = supported("currency");
    return codes.length > 0 ? [...codes].sort() : null;
  } catch {
    return null;
  }
}

/** "SAR · Saudi Riyal" in the UI's language; the code alone where Intl has no name for it. */
export function currencyLabel(code: string): string {
  try {
    const name = new Intl.DisplayNames([intlLocale()], { type: "currency" }).of(code);
    return name && name !== code ? i18n.t("config.reviewTypes.currencyOption", { code, name }) : code;
  } catch {
    return code;
  }
}

/** True when the (trimmed, case-insensitive) query is part of any of the names. */
export function matchesQuery(query: string, ...names: string[]): boolean {
  const q = query.trim().toLocaleLowerCase();
  if (q === "") return true;
  return names.some((n) => n.toLocaleLowerCase().includes(q));
}

/** The specialties to choose from, in the UI's language, after a disabled "Choose…". */
export function specialtyOptions(specialties: readonly Specialty[], placeholder: string): { value: string; label: string; disabled?: boolean }[] {
  return [
    { value: "", label: placeholder, disabled: true },
    ...[...specialties]
      .sort((a, b) => specialtyLabel(a).localeCompare(specialtyLabel(b)))
      .map((s) => ({ value: s.id, label: specialtyLabel(s) })),
  ];
}

/** The currency most review types use (the natural default for a new one); "" when there are none. */
export function usualCurrency(reviewTypes: readonly ReviewType[]): string {
  const counts = new Map<string, number>();
  for (const rt of reviewTypes) counts.set(rt.currency, (counts.get(rt.currency) ?? 0) + 1);
  let best = "";
  let most = 0;
  for (const [code, n] of counts) {
    if (n > most) {
      best = code;
      most = n;
    }
  }
  return best;
}

// ---------------------------------------------------------------- checks

function requiredName(value: string): string | null {
  const v = value.trim();
  if (v === "") return i18n.t("config.validation.nameRequired");
  if (charCount(v) > CATALOG_NAME_MAX) return i18n.t("validation.tooLong.any", { max: formatNumber(CATALOG_NAME_MAX) });
  return null;
}

type Errors<T> = Partial<Record<keyof T, string>>;

function withoutNulls<T>(errors: Partial<Record<keyof T, string | null>>): Errors<T> {
  return Object.fromEntries(Object.entries(errors).filter(([, v]) => v !== null)) as Errors<T>;
}

export type SpecialtyFormValues = { nameEn: string; nameAr: string };

export function specialtyToForm(sp: Specialty | null): SpecialtyFormValues {
  return { nameEn: sp?.nameEn ?? "", nameAr: sp?.nameAr ?? "" };
}

export function validateSpecialtyForm(v: SpecialtyFormValues): Errors<SpecialtyFormValues> {
  return withoutNulls<SpecialtyFormValues>({ nameEn: requiredName(v.nameEn), nameAr: requiredName(v.nameAr) });
}

export function toSpecialtyInput(v: SpecialtyFormValues): SpecialtyInput {
  return { nameEn: v.nameEn.trim(), nameAr: v.nameAr.trim() };
}

export type ReviewTypeFormValues = {
  nameEn: string;
  nameAr: string;
  /** In major units (150.5), as typed. */
  price: number | string;
  currency: string;
  expectedReviewDays: number | string;
  specialtyId: string;
};

export function reviewTypeToForm(rt: ReviewType | null, defaults: { currency: string; specialtyId: string }): ReviewTypeFormValues {
  if (!rt) return { nameEn: "", nameAr: "", price: "", currency: defaults.currency, expectedReviewDays: "", specialtyId: defaults.specialtyId };
  return {
    nameEn: rt.nameEn,
    nameAr: rt.nameAr,
    price: fromMinor(rt.priceMinor, rt.currency),
    currency: rt.currency,
    expectedReviewDays: rt.expectedReviewDays,
    specialtyId: rt.specialtyId,
  };
}

/** A three-letter code, and one Intl knows where it can list them. */
export function isCurrencyCode(code: string, known: readonly string[] | null = currencyCodes()): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  return known === null || known.includes(code);
}

export function validateReviewTypeForm(v: ReviewTypeFormValues): Errors<ReviewTypeFormValues> {
  const price = v.price === "" ? NaN : Number(v.price);
  const days = v.expectedReviewDays === "" ? NaN : Number(v.expectedReviewDays);
  const currency = v.currency.trim().toUpperCase();
  return withoutNulls<ReviewTypeFormValues>({
    nameEn: requiredName(v.nameEn),
    nameAr: requiredName(v.nameAr),
    price:
      v.price === ""
        ? i18n.t("config.validation.priceRequired")
        : !Number.isFinite(price) || price < 0 || !Number.isSafeInteger(toMinor(price, currency))
          ? i18n.t("config.validation.priceInvalid")
          : null,
    currency: isCurrencyCode(currency) ? null : i18n.t("config.validation.currency"),
    expectedReviewDays:
      Number.isInteger(days) && days >= REVIEW_DAYS.min && days <= REVIEW_DAYS.max
        ? null
        : i18n.t("config.validation.days", { min: formatNumber(REVIEW_DAYS.min), max: formatNumber(REVIEW_DAYS.max) }),
    specialtyId: v.specialtyId === "" ? i18n.t("config.validation.specialty") : null,
  });
}

export function toReviewTypeInput(v: ReviewTypeFormValues): ReviewTypeInput {
  const currency = v.currency.trim().toUpperCase();
  return {
    nameEn: v.nameEn.trim(),
    nameAr: v.nameAr.trim(),
    priceMinor: toMinor(v.price, currency),
    currency,
    expectedReviewDays: Number(v.expectedReviewDays),
    specialtyId: v.specialtyId,
  };
}

export type DiseaseCategoryFormValues = { labelEn: string; labelAr: string; specialtyId: string; providerIds: string[] };

export function diseaseCategoryToForm(dc: DiseaseCategory | null, defaults: { specialtyId: string }): DiseaseCategoryFormValues {
  return {
    labelEn: dc?.labelEn ?? "",
    labelAr: dc?.labelAr ?? "",
    specialtyId: dc?.specialtyId ?? defaults.specialtyId,
    providerIds: dc ? [...dc.providerIds] : [],
  };
}

export function validateDiseaseCategoryForm(v: DiseaseCategoryFormValues): Errors<DiseaseCategoryFormValues> {
  return withoutNulls<DiseaseCategoryFormValues>({
    labelEn: requiredName(v.labelEn),
    labelAr: requiredName(v.labelAr),
    specialtyId: v.specialtyId === "" ? i18n.t("config.validation.specialty") : null,
  });
}

export function toDiseaseCategoryInput(v: DiseaseCategoryFormValues): DiseaseCategoryInput {
  return { labelEn: v.labelEn.trim(), labelAr: v.labelAr.trim(), specialtyId: v.specialtyId, providerIds: v.providerIds };
}

/** The form field a core refusal's field belongs on (the price is typed in major units). */
export function formField(field: string): string {
  return field === "priceMinor" ? "price" : field;
}
