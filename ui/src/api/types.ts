// The single module the UI imports its core types from: the ts-rs bindings that
// Rust generates into src/bindings/ (one file per type; never edit them by hand).
// Regenerate them from the Rust side; anything the UI needs beyond them is
// derived in the UI's own modules.

export type * from "../bindings/ActionAvailability";
export type * from "../bindings/ActionKind";
export type * from "../bindings/Attention";
export type * from "../bindings/ApiError";
export type * from "../bindings/CaseDetail";
export type * from "../bindings/CaseDocument";
export type * from "../bindings/CaseDraftInput";
export type * from "../bindings/CaseFilter";
export type * from "../bindings/CaseId";
export type * from "../bindings/CaseInput";
export type * from "../bindings/CaseStatus";
export type * from "../bindings/CaseSummary";
export type * from "../bindings/Catalog";
export type * from "../bindings/CommandId";
export type * from "../bindings/DiseaseCategory";
export type * from "../bindings/DiseaseCategoryId";
export type * from "../bindings/DocumentId";
export type * from "../bindings/DocumentInput";
export type * from "../bindings/DocumentKind";
export type * from "../bindings/ErrorCode";
export type * from "../bindings/InvoiceRow";
export type * from "../bindings/InvoiceView";
export type * from "../bindings/OpinionInput";
export type * from "../bindings/Patient";
export type * from "../bindings/PatientId";
export type * from "../bindings/PatientInput";
export type * from "../bindings/RefundStatus";
export type * from "../bindings/RefundView";
export type * from "../bindings/Refusal";
export type * from "../bindings/RefusalCode";
export type * from "../bindings/ReviewType";
export type * from "../bindings/ReviewTypeId";
export type * from "../bindings/Role";
export type * from "../bindings/SavedFile";
export type * from "../bindings/ServiceRecord";
export type * from "../bindings/Sex";
export type * from "../bindings/Specialty";
export type * from "../bindings/SpecialtyId";
export type * from "../bindings/StagedDocument";
export type * from "../bindings/SyncStatus";
export type * from "../bindings/TimelineEntry";
export type * from "../bindings/UserId";
export type * from "../bindings/UserSummary";
