import type { NoticeKind } from "../api/types";
import type { CaseTab } from "./router";

/** The case tab a notification is about, when it is about one of them. */
export function noticeTab(kind: NoticeKind): CaseTab | undefined {
  switch (kind) {
    case "chat_message":
      return "chat";
    case "appointment_created":
    case "appointment_answered":
    case "appointment_changed":
    case "appointment_canceled":
    case "appointment_reminder":
      return "appointments";
    case "issue_reported":
    case "case_returned":
      return "issues";
    case "coordinator_assigned":
    case "payment_result":
    case "doctors_assigned":
    case "assignment_declined":
    case "documents_requested":
    case "document_uploaded":
    case "opinion_submitted":
    case "case_completed":
    case "case_cancelled":
    case "case_rejected":
    case "draft_reminder":
    case "opinion_overdue":
    case "summary_overdue":
      return undefined;
  }
}
