import type { ActionKind, CaseStatus, DocumentKind, Role, Sex } from "../api/types";

// Functions taking `string` accept values a newer core may send that this UI
// does not know yet; they are shown readably instead of breaking.

export const CASE_STATUSES: readonly CaseStatus[] = [
  "draft",
  "submitted",
  "awaiting_payment",
  "payment_successful",
  "payment_failed",
  "doctors_assigned",
  "completed",
  "cancelled",
  "rejected",
];

const STATUS_LABELS: Record<CaseStatus, string> = {
  draft: "Draft",
  submitted: "Submitted",
  awaiting_payment: "Awaiting payment",
  payment_successful: "Payment successful",
  payment_failed: "Payment failed",
  doctors_assigned: "Doctors assigned",
  completed: "Completed",
  cancelled: "Cancelled",
  rejected: "Rejected",
};

const STATUS_COLORS: Record<CaseStatus, string> = {
  draft: "gray",
  submitted: "blue",
  awaiting_payment: "yellow",
  payment_successful: "teal",
  payment_failed: "red",
  doctors_assigned: "indigo",
  completed: "green",
  cancelled: "dark",
  rejected: "red",
};

/** Human label for a status; an unknown status (newer core) is shown readably. */
export function statusLabel(status: string): string {
  return (STATUS_LABELS as Record<string, string>)[status] ?? humanise(status);
}

export function statusColor(status: string): string {
  return (STATUS_COLORS as Record<string, string>)[status] ?? "gray";
}

const ROLE_LABELS: Record<Role, string> = {
  requester: "Requester",
  coordinator: "Coordinator",
  provider: "Provider",
  admin: "Admin",
  system: "System",
};

const ROLE_GROUP_LABELS: Record<Role, string> = {
  requester: "Requesters",
  coordinator: "Coordinators",
  provider: "Providers",
  admin: "Admins",
  system: "System",
};

export const ROLES: readonly Role[] = ["requester", "coordinator", "provider", "admin", "system"];

export function roleLabel(role: string): string {
  return (ROLE_LABELS as Record<string, string>)[role] ?? humanise(role);
}

export function roleGroupLabel(role: string): string {
  return (ROLE_GROUP_LABELS as Record<string, string>)[role] ?? humanise(role);
}

export const DOCUMENT_KINDS: readonly DocumentKind[] = ["medical_report", "imaging", "lab_result", "prescription", "other"];

const DOCUMENT_KIND_LABELS: Record<DocumentKind, string> = {
  medical_report: "Medical report",
  imaging: "Imaging",
  lab_result: "Lab result",
  prescription: "Prescription",
  other: "Other",
};

export function documentKindLabel(kind: string): string {
  return (DOCUMENT_KIND_LABELS as Record<string, string>)[kind] ?? humanise(kind);
}

/** A sensible default kind for a picked file. */
export function guessDocumentKind(mediaType: string, name: string): DocumentKind {
  const type = mediaType.toLowerCase();
  const lower = name.toLowerCase();
  if (type.startsWith("image/") || type === "application/dicom" || lower.endsWith(".dcm")) return "imaging";
  return "medical_report";
}

export const SEXES: readonly Sex[] = ["female", "male"];

export function sexLabel(sex: string): string {
  if (sex === "female") return "Female";
  if (sex === "male") return "Male";
  return humanise(sex);
}

/** Every case action of the domain (ActionKind in the bindings; a new one fails to compile below). */
export const ACTION_KINDS: readonly ActionKind[] = [
  "update_draft",
  "add_document",
  "remove_document",
  "submit",
  "assign_coordinator",
  "record_payment",
  "record_refund",
  "assign_providers",
  "respond_to_assignment",
  "start_review",
  "request_documents",
  "return_case",
  "resolve_return",
  "submit_opinion",
  "submit_final_summary",
  "cancel",
  "reject",
];

const ACTION_LABELS: Record<ActionKind, string> = {
  update_draft: "Edit draft",
  add_document: "Add documents",
  remove_document: "Remove document",
  submit: "Submit case",
  assign_coordinator: "Assign coordinator",
  record_payment: "Record payment",
  record_refund: "Record refund",
  assign_providers: "Assign doctors",
  respond_to_assignment: "Accept or decline",
  start_review: "Start review",
  request_documents: "Request documents",
  return_case: "Return case",
  resolve_return: "Resolve return",
  submit_opinion: "Submit opinion",
  submit_final_summary: "Submit final summary",
  cancel: "Cancel case",
  reject: "Reject case",
};

/** Button label for a case action; an unknown action (newer core) is shown readably. */
export function actionLabel(action: string): string {
  return (ACTION_LABELS as Record<string, string>)[action] ?? humanise(action);
}

export function humanise(code: string): string {
  const text = code.replace(/_/g, " ").trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
