// The single module the UI imports its core types from.
//
// These shapes mirror docs/ui-types.ts.txt. When the ts-rs bindings exist in
// src/bindings/<Name>.ts, replace the body of this file with re-exports, e.g.
//
//   export * from "../bindings/Role";
//   export * from "../bindings/UserSummary";
//   ...
//
// and nothing else in the UI has to change.

export type Role = "requester" | "coordinator" | "provider" | "admin" | "system";
export type UserSummary = { id: string; name: string; role: Role; email: string; specialtyIds: string[] };
export type Specialty = { id: string; nameEn: string; nameAr: string };
export type ReviewType = {
  id: string;
  nameEn: string;
  nameAr: string;
  priceMinor: number;
  currency: string;
  expectedReviewDays: number;
  specialtyId: string;
};
export type DiseaseCategory = { id: string; labelEn: string; labelAr: string; specialtyId: string };
export type Catalog = {
  specialties: Specialty[];
  reviewTypes: ReviewType[];
  diseaseCategories: DiseaseCategory[];
  coordinators: UserSummary[];
};
export type Sex = "female" | "male";
export type Patient = {
  id: string;
  fullName: string;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  sex: Sex;
  medicalRecordNumber: string | null;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
};
export type PatientInput = {
  fullName: string;
  dateOfBirth: string;
  sex: Sex;
  medicalRecordNumber: string | null;
  phone: string | null;
};
export type CaseStatus =
  | "draft"
  | "submitted"
  | "awaiting_payment"
  | "payment_successful"
  | "payment_failed"
  | "doctors_assigned"
  | "completed"
  | "cancelled"
  | "rejected";
export type CaseFilter = { status: CaseStatus | null; search: string | null };
export type CaseSummary = {
  id: string;
  reference: string | null;
  status: CaseStatus;
  patientName: string;
  reviewTypeName: string;
  diseaseCategoryLabel: string;
  coordinatorName: string | null;
  createdAt: string;
  updatedAt: string;
};
export type DocumentKind = "medical_report" | "imaging" | "lab_result" | "prescription" | "other";
export type DocumentInput = { name: string; kind: DocumentKind; mediaType: string; sha256: string; sizeBytes: number };
export type StagedDocument = { name: string; mediaType: string; sha256: string; sizeBytes: number };
export type CaseInput = {
  patientId: string;
  reviewTypeId: string;
  diseaseCategoryId: string;
  question: string;
  clinicalSummary: string;
  documents: DocumentInput[];
};
export type CaseDraftInput = {
  patientId: string;
  reviewTypeId: string;
  diseaseCategoryId: string;
  question: string;
  clinicalSummary: string;
};
export type CaseDocument = {
  id: string;
  name: string;
  kind: DocumentKind;
  mediaType: string;
  sha256: string;
  sizeBytes: number;
  uploadedBy: string;
  uploadedAt: string;
};
export type TimelineEntry = { at: string; actorName: string; actorRole: Role; label: string; detail: string | null };
export type ActionKind =
  | "update_draft"
  | "add_document"
  | "remove_document"
  | "submit"
  | "assign_coordinator"
  | "reject"
  | "cancel";
export type Refusal = { code: string; message: string };
export type ActionAvailability = { action: ActionKind; allowed: boolean; reason: Refusal | null };
export type CaseDetail = CaseSummary & {
  patient: Patient;
  reviewType: ReviewType;
  diseaseCategory: DiseaseCategory;
  question: string;
  clinicalSummary: string;
  documents: CaseDocument[];
  coordinator: UserSummary | null;
  timeline: TimelineEntry[];
  actions: ActionAvailability[];
  cancelReason: string | null;
  rejectReason: string | null;
};
/** The rejected value of any command. */
export type ErrorCode =
  | "not_found"
  | "forbidden"
  | "invalid_status"
  | "invalid_input"
  | "reason_required"
  | "documents_required"
  | "not_eligible"
  | "unknown_review_type"
  | "unknown_disease_category"
  | "too_large"
  | "conflict"
  | "not_signed_in"
  | "internal";
export type ApiError = { code: ErrorCode; message: string; field: string | null };
