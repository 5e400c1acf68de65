import type { CaseDraftInput, PatientInput, Sex } from "../api/types";
import { EARLIEST_DATE_OF_BIRTH, LIMITS } from "../bindings/limits";

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

function tooLong(label: string, max: number): string {
  return `${label} must be at most ${max.toLocaleString("en")} characters`;
}

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
  if (v === "") return "Full name is required";
  if (charCount(v) > LIMITS.fullName) return tooLong("Full name", LIMITS.fullName);
  return null;
}

/** `today` is the local date as YYYY-MM-DD; the earliest date is the core's. */
export function validateDateOfBirth(value: string, today: string): string | null {
  const v = value.trim();
  if (v === "") return "Date of birth is required";
  if (!isIsoDate(v)) return "Enter the date of birth as YYYY-MM-DD";
  if (v > today) return "Date of birth cannot be in the future";
  // YYYY-MM-DD strings compare as the dates do.
  if (v < EARLIEST_DATE_OF_BIRTH) return `Date of birth cannot be before ${EARLIEST_DATE_OF_BIRTH}`;
  return null;
}

export function validateSex(value: string): string | null {
  return value === "female" || value === "male" ? null : "Sex is required";
}

export function validateMedicalRecordNumber(value: string): string | null {
  return charCount(value.trim()) > LIMITS.medicalRecordNumber
    ? tooLong("Medical record number", LIMITS.medicalRecordNumber)
    : null;
}

export function validatePhone(value: string): string | null {
  return charCount(value.trim()) > LIMITS.phone ? tooLong("Phone", LIMITS.phone) : null;
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
  if (values.patientId === "") errors.patientId = "Choose a patient";
  if (values.reviewTypeId === "") errors.reviewTypeId = "Choose a review type";
  if (values.diseaseCategoryId === "") errors.diseaseCategoryId = "Choose a disease category";

  const question = values.question.trim();
  if (charCount(question) > LIMITS.question) errors.question = tooLong("The question", LIMITS.question);
  else if (intent === "submit" && question === "") errors.question = "The question is required to submit";

  const summary = values.clinicalSummary.trim();
  if (charCount(summary) > LIMITS.clinicalSummary)
    errors.clinicalSummary = tooLong("The clinical summary", LIMITS.clinicalSummary);
  else if (intent === "submit" && summary === "") errors.clinicalSummary = "The clinical summary is required to submit";

  if (intent === "submit" && documentCount !== null && documentCount < 1)
    errors.documents = "Attach at least one document to submit";
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
  if (required && v === "") return "A reason is required";
  if (charCount(v) > LIMITS.reason) return tooLong("The reason", LIMITS.reason);
  return null;
}
