import type { CaseDraftInput, PatientInput, Sex } from "../api/types";
import { EARLIEST_DATE_OF_BIRTH, LIMITS } from "../bindings/limits";
import { i18n } from "../i18n";
import { formatNumber } from "./format";

// The limits are the core's own (generated from crates/domain/src/limits.rs); checking
// them here only saves a round trip, the core checks them again.
export { EARLIEST_DATE_OF_BIRTH, LIMITS };

/** Length in characters (Unicode code points), as the core counts them. */
export function charCount(value: string): number {
  return [...value].length;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** "<field> must be at most N characters"; `field` is the catalog's subject for it ("The question"). */
function tooLong(field: TooLongField, max: number): string {
  return i18n.t(`validation.tooLong.${field}`, { max: formatNumber(max) });
}

type TooLongField = "fullName" | "medicalRecordNumber" | "phone" | "question" | "clinicalSummary" | "reason";

// ---------------------------------------------------------------- patients

export type PatientFormValues = {
  fullName: string;
  dateOfBirth: string;
  sex: Sex | "";
  medicalRecordNumber: string;
  phone: string;
};

export const emptyPatientForm: PatientFormValues = {
  fullName: "",
  dateOfBirth: "",
  sex: "",
  medicalRecordNumber: "",
  phone: "",
};

export function validateFullName(value: string): string | null {
  const v = value.trim();
  if (v === "") return i18n.t("validation.fullNameRequired");
  if (charCount(v) > LIMITS.fullName) return tooLong("fullName", LIMITS.fullName);
  return null;
}

/** `today` is the local date as YYYY-MM-DD; the earliest date is the core's. */
export function validateDateOfBirth(value: string, today: string): string | null {
  const v = value.trim();
  if (v === "") return i18n.t("validation.dateOfBirthRequired");
  if (!isIsoDate(v)) return i18n.t("validation.dateOfBirthFormat");
  if (v > today) return i18n.t("validation.dateOfBirthFuture");
  // YYYY-MM-DD strings compare as the dates do.
  if (v < EARLIEST_DATE_OF_BIRTH) return i18n.t("validation.dateOfBirthTooEarly", { date: EARLIEST_DATE_OF_BIRTH });
  return null;
}

export function validateSex(value: string): string | null {
  return value === "female" || value === "male" ? null : i18n.t("validation.sexRequired");
}

export function validateMedicalRecordNumber(value: string): string | null {
  return charCount(value.trim()) > LIMITS.medicalRecordNumber
    ? tooLong("medicalRecordNumber", LIMITS.medicalRecordNumber)
    : null;
}

export function validatePhone(value: string): string | null {
  return charCount(value.trim()) > LIMITS.phone ? tooLong("phone", LIMITS.phone) : null;
}

export function validatePatientForm(values: PatientFormValues, today: string): Partial<Record<keyof PatientFormValues, string>> {
  const errors: Partial<Record<keyof PatientFormValues, string>> = {};
  const checks: [keyof PatientFormValues, string | null][] = [
    ["fullName", validateFullName(values.fullName)],
    ["dateOfBirth", validateDateOfBirth(values.dateOfBirth, today)],
    ["sex", validateSex(values.sex)],
    ["medicalRecordNumber", validateMedicalRecordNumber(values.medicalRecordNumber)],
    ["phone", validatePhone(values.phone)],
  ];
  for (const [key, error] of checks) if (error) errors[key] = error;
  return errors;
}

function optional(value: string): string | null {
  const v = value.trim();
  return v === "" ? null : v;
}

/** Call only on values that passed validatePatientForm. */
export function toPatientInput(values: PatientFormValues): PatientInput {
  if (values.sex === "") throw new Error("sex is required");
  return {
    fullName: values.fullName.trim(),
    dateOfBirth: values.dateOfBirth.trim(),
    sex: values.sex,
    medicalRecordNumber: optional(values.medicalRecordNumber),
    phone: optional(values.phone),
  };
}

export function patientToForm(p: PatientInput): PatientFormValues {
  return {
    fullName: p.fullName,
    dateOfBirth: p.dateOfBirth,
    sex: p.sex,
    medicalRecordNumber: p.medicalRecordNumber ?? "",
    phone: p.phone ?? "",
  };
}

// ------------------------------------------------------------------- cases

export type CaseFormValues = CaseDraftInput;

export const emptyCaseForm: CaseFormValues = {
  patientId: "",
  reviewTypeId: "",
  diseaseCategoryId: "",
  question: "",
  clinicalSummary: "",
};

export type CaseIntent = "draft" | "submit";

/**
 * Saving a draft needs the patient, review type and disease category;
 * submitting also needs the question, the clinical summary and at least one
 * document. Length limits apply to both.
 */
export function validateCaseForm(
  values: CaseFormValues,
  intent: CaseIntent,
  documentCount: number | null,
): Partial<Record<keyof CaseFormValues | "documents", string>> {
  const errors: Partial<Record<keyof CaseFormValues | "documents", string>> = {};
  if (values.patientId === "") errors.patientId = i18n.t("validation.choosePatient");
  if (values.reviewTypeId === "") errors.reviewTypeId = i18n.t("validation.chooseReviewType");
  if (values.diseaseCategoryId === "") errors.diseaseCategoryId = i18n.t("validation.chooseDiseaseCategory");

  const question = values.question.trim();
  if (charCount(question) > LIMITS.question) errors.question = tooLong("question", LIMITS.question);
  else if (intent === "submit" && question === "") errors.question = i18n.t("validation.questionRequired");

  const summary = values.clinicalSummary.trim();
  if (charCount(summary) > LIMITS.clinicalSummary)
    errors.clinicalSummary = tooLong("clinicalSummary", LIMITS.clinicalSummary);
  else if (intent === "submit" && summary === "") errors.clinicalSummary = i18n.t("validation.clinicalSummaryRequired");

  if (intent === "submit" && documentCount !== null && documentCount < 1)
    errors.documents = i18n.t("validation.documentsRequired");
  return errors;
}

export function toCaseDraftInput(values: CaseFormValues): CaseDraftInput {
  return {
    patientId: values.patientId,
    reviewTypeId: values.reviewTypeId,
    diseaseCategoryId: values.diseaseCategoryId,
    question: values.question.trim(),
    clinicalSummary: values.clinicalSummary.trim(),
  };
}

/** Cancel/reject reasons. */
export function validateReason(value: string, required: boolean): string | null {
  const v = value.trim();
  if (required && v === "") return i18n.t("validation.reasonRequired");
  if (charCount(v) > LIMITS.reason) return tooLong("reason", LIMITS.reason);
  return null;
}
