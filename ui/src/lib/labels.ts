import type { ActionKind, CaseStatus, DocumentKind, Role, Sex } from "../api/types";
import { tCode } from "../i18n";

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
  return tCode(`caseStatus.${status}`, humanise(status));
}

export function statusColor(status: string): string {
  return (STATUS_COLORS as Record<string, string>)[status] ?? "gray";
}

export const ROLES: readonly Role[] = ["requester", "coordinator", "provider", "admin", "system"];

export function roleLabel(role: string): string {
  return tCode(`role.${role}`, humanise(role));
}

export function roleGroupLabel(role: string): string {
  return tCode(`roleGroup.${role}`, humanise(role));
}

export const DOCUMENT_KINDS: readonly DocumentKind[] = ["medical_report", "imaging", "lab_result", "prescription", "other"];

export function documentKindLabel(kind: string): string {
  return tCode(`documentKind.${kind}`, humanise(kind));
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
  return tCode(`sex.${sex}`, humanise(sex));
}

/** Every case action of the domain (ActionKind in the bindings; i18n/coverage.ts fails to compile until a new one has a label). */
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

/** Button label for a case action; an unknown action (newer core) is shown readably. */
export function actionLabel(action: string): string {
  return tCode(`action.${action}`, humanise(action));
}

export function humanise(code: string): string {
  const text = code.replace(/_/g, " ").trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
