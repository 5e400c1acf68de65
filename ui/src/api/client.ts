// One typed function per Tauri command (docs/commands.md). `call` takes only the names in
// ./commands.ts, generated from src-tauri/src/command_list.rs, and client.test.ts checks
// that this client invokes every one of them. Arguments are passed in camelCase, as Tauri
// expects. Every rejection is normalised to a CommandError, which has the ApiError shape
// { code, message, field }.
import { invoke, type InvokeArgs, type InvokeOptions } from "@tauri-apps/api/core";
import { save } from "@tauri-apps/plugin-dialog";
import { openUrl } from "@tauri-apps/plugin-opener";
import type { ConfigurationView } from "../bindings/ConfigurationView";
import type { DiseaseCategoryInput } from "../bindings/DiseaseCategoryInput";
import type { PaymentLinkView } from "../bindings/PaymentLinkView";
import type { ReviewTypeInput } from "../bindings/ReviewTypeInput";
import type { SpecialtyInput } from "../bindings/SpecialtyInput";
import type { CommandName } from "./commands";
import type {
  ApiError,
  AppointmentFilter,
  AppointmentInput,
  AppointmentView,
  Attention,
  Badges,
  Capabilities,
  Channel,
  ChatThread,
  IssueInput,
  NoticeKind,
  NotificationCentre,
  NotificationSetting,
  CaseDetail,
  CaseDraftInput,
  CaseFilter,
  CaseListQuery,
  CasePage,
  CaseInput,
  CaseSummary,
  Catalog,
  DocumentInput,
  ErrorCode,
  InvoiceRow,
  OpinionInput,
  Patient,
  PatientInput,
  SavedFile,
  ServiceRecord,
  StagedDocument,
  SyncStatus,
  UserSummary,
} from "./types";
import { formatBytes } from "../lib/format";
import { i18n } from "../i18n";
import { MAX_DOCUMENT_BYTES } from "../bindings/limits";

/** The per-document limit, generated from the core's (which checks it again). */
export { MAX_DOCUMENT_BYTES };
/** The limit as people read it: "25 MB" (in the UI's language). */
export function maxDocumentSizeText(): string {
  return formatBytes(MAX_DOCUMENT_BYTES);
}

// A record, so that a new ErrorCode in the bindings fails to compile here until listed.
const ERROR_CODE_SET: Record<ErrorCode, true> = {
  not_found: true,
  forbidden: true,
  invalid_status: true,
  invalid_input: true,
  reason_required: true,
  documents_required: true,
  not_eligible: true,
  unknown_review_type: true,
  unknown_disease_category: true,
  too_large: true,
  conflict: true,
  not_signed_in: true,
  not_connected: true,
  offline: true,
  invalid_credentials: true,
  session_expired: true,
  server: true,
  keyring: true,
  internal: true,
};

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_CODE_SET, value);
}

/** The error every client function rejects with. Structurally an ApiError. */
export class CommandError extends Error implements ApiError {
  readonly code: ErrorCode;
  readonly field: string | null;
  /** The message was written by the UI in the user's language (the core's are English). */
  readonly localised: boolean;

  constructor(error: ApiError, localised = false) {
    super(error.message);
    this.name = "CommandError";
    this.code = error.code;
    this.field = error.field;
    this.localised = localised;
  }

  toJSON(): ApiError {
    return { code: this.code, message: this.message, field: this.field };
  }
}

/**
 * Turns whatever `invoke` rejected with into an ApiError-shaped CommandError:
 * - the core's serialised `{ code, message, field }` is kept as is (an unknown
 *   code becomes "internal" so the UI's switches stay exhaustive);
 * - a plain string (Tauri's own failures: unknown command, bad arguments) and
 *   an Error become "internal" with their text as the message.
 */
export function normaliseError(raw: unknown): CommandError {
  if (raw instanceof CommandError) return raw;
  if (typeof raw === "string") {
    return new CommandError({ code: "internal", message: raw || "Unexpected error", field: null });
  }
  if (raw !== null && typeof raw === "object") {
    const obj = raw as Record<string, unknown>;
    const message = typeof obj.message === "string" && obj.message !== "" ? obj.message : undefined;
    if ("code" in obj && typeof obj.code === "string") {
      return new CommandError({
        code: isErrorCode(obj.code) ? obj.code : "internal",
        message: message ?? "Unexpected error",
        field: typeof obj.field === "string" && obj.field !== "" ? obj.field : null,
      });
    }
    if (raw instanceof Error) {
      return new CommandError({ code: "internal", message: raw.message || "Unexpected error", field: null });
    }
    if (message) return new CommandError({ code: "internal", message, field: null });
  }
  return new CommandError({ code: "internal", message: "Unexpected error", field: null });
}

/**
 * The form field a server error points at. The core may name fields as
 * "fullName", "full_name", "input.fullName" or "documents[2].name"; all of
 * them map to the top-level camelCase key of the form ("fullName", "documents").
 */
export function fieldKey(field: string | null | undefined): string | null {
  if (!field) return null;
  let path = field.trim();
  for (const prefix of ["input.", "document.", "filter."]) {
    if (path.startsWith(prefix)) path = path.slice(prefix.length);
  }
  const head = path.split(/[.[]/)[0] ?? "";
  if (head === "") return null;
  return head.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

async function call<T>(command: CommandName, args?: InvokeArgs, options?: InvokeOptions): Promise<T> {
  try {
    return await invoke<T>(command, args, options);
  } catch (raw) {
    throw normaliseError(raw);
  }
}

/** Checks a file before its bytes are sent; returns the refusal (in the UI's language) or null. */
export function checkDocumentFile(file: Pick<File, "name" | "size">): CommandError | null {
  if (file.size > MAX_DOCUMENT_BYTES) {
    const message = i18n.t("documents.tooLarge", { name: file.name, size: formatBytes(file.size), max: maxDocumentSizeText() });
    return new CommandError({ code: "too_large", message, field: "documents" }, true);
  }
  if (file.size === 0) {
    return new CommandError({ code: "invalid_input", message: i18n.t("documents.empty", { name: file.name }), field: "documents" }, true);
  }
  return null;
}

export const api = {
  listUsers: () => call<UserSummary[]>("list_users"),
  currentUser: () => call<UserSummary | null>("current_user"),
  /** The screens the signed-in user's navigation offers, as the core's rules say. */
  capabilities: () => call<Capabilities>("capabilities"),
  signInAs: (userId: string) => call<UserSummary>("sign_in_as", { userId }),
  signOut: () => call<null>("sign_out"),
  catalog: () => call<Catalog>("catalog"),

  // The admin's configuration (a null id creates a new item).
  configuration: () => call<ConfigurationView>("configuration"),
  saveSpecialty: (specialtyId: string | null, input: SpecialtyInput) =>
    call<ConfigurationView>("save_specialty", { specialtyId, input }),
  saveReviewType: (reviewTypeId: string | null, input: ReviewTypeInput) =>
    call<ConfigurationView>("save_review_type", { reviewTypeId, input }),
  setReviewTypeActive: (reviewTypeId: string, active: boolean) =>
    call<ConfigurationView>("set_review_type_active", { reviewTypeId, active }),
  saveDiseaseCategory: (categoryId: string | null, input: DiseaseCategoryInput) =>
    call<ConfigurationView>("save_disease_category", { categoryId, input }),
  setDiseaseCategoryActive: (categoryId: string, active: boolean) =>
    call<ConfigurationView>("set_disease_category_active", { categoryId, active }),
  setUserSpecialties: (userId: string, specialtyIds: string[]) =>
    call<ConfigurationView>("set_user_specialties", { userId, specialtyIds }),

  listPatients: () => call<Patient[]>("list_patients"),
  createPatient: (input: PatientInput) => call<Patient>("create_patient", { input }),
  updatePatient: (patientId: string, input: PatientInput) => call<Patient>("update_patient", { patientId, input }),

  listCases: (filter: CaseFilter) => call<CaseSummary[]>("list_cases", { filter }),
  casePage: (query: CaseListQuery) => call<CasePage>("case_page", { query }),
  getCase: (caseId: string) => call<CaseDetail>("get_case", { caseId }),

  /** Sends the file's bytes as the raw IPC body; the core hashes and stores them. */
  stageDocument: async (file: File): Promise<StagedDocument> => {
    const refusal = checkDocumentFile(file);
    if (refusal) throw refusal;
    const bytes = new Uint8Array(await file.arrayBuffer());
    return call<StagedDocument>("stage_document", bytes, {
      headers: {
        "x-file-name": encodeURIComponent(file.name),
        "x-media-type": file.type || "application/octet-stream",
      },
    });
  },
  createCase: (input: CaseInput, submit: boolean) => call<CaseDetail>("create_case", { input, submit }),
  updateDraft: (caseId: string, input: CaseDraftInput) => call<CaseDetail>("update_draft", { caseId, input }),
  addDocument: (caseId: string, document: DocumentInput) => call<CaseDetail>("add_document", { caseId, document }),
  removeDocument: (caseId: string, documentId: string) => call<CaseDetail>("remove_document", { caseId, documentId }),
  submitCase: (caseId: string) => call<CaseDetail>("submit_case", { caseId }),
  assignCoordinator: (caseId: string, coordinatorId: string) =>
    call<CaseDetail>("assign_coordinator", { caseId, coordinatorId }),
  rejectCase: (caseId: string, reason: string) => call<CaseDetail>("reject_case", { caseId, reason }),
  cancelCase: (caseId: string, reason: string | null) => call<CaseDetail>("cancel_case", { caseId, reason }),

  // The review (providers, opinions, final summary).
  assignProviders: (caseId: string, providerIds: string[]) =>
    call<CaseDetail>("assign_providers", { caseId, providerIds }),
  /** Resolves to null after declining: the case is no longer the provider's to see. */
  respondToAssignment: (caseId: string, accept: boolean, reason: string | null) =>
    call<CaseDetail | null>("respond_to_assignment", { caseId, accept, reason }),
  startReview: (caseId: string) => call<CaseDetail>("start_review", { caseId }),
  requestDocuments: (caseId: string, note: string) => call<CaseDetail>("request_documents", { caseId, note }),
  returnCase: (caseId: string, reason: string) => call<CaseDetail>("return_case", { caseId, reason }),
  resolveReturn: (caseId: string, issueId: string) => call<CaseDetail>("resolve_return", { caseId, issueId }),
  submitOpinion: (caseId: string, opinion: OpinionInput) => call<CaseDetail>("submit_opinion", { caseId, opinion }),
  submitFinalSummary: (caseId: string, summary: string) =>
    call<CaseDetail>("submit_final_summary", { caseId, summary }),
  /** Kept on this computer only (never synced); deleted when the opinion is submitted. */
  saveOpinionDraft: (caseId: string, draft: OpinionInput) => call<null>("save_opinion_draft", { caseId, draft }),
  opinionDraft: (caseId: string) => call<OpinionInput | null>("opinion_draft", { caseId }),

  // Server mode (docs/sync.md).
  connectServer: (url: string) => call<null>("connect_server", { url }),
  serverSignIn: (email: string, password: string) => call<null>("server_sign_in", { email, password }),
  syncStatus: () => call<SyncStatus>("sync_status"),
  syncNow: () => call<null>("sync_now"),
  /** Back to standalone; `conflict` while work waits to be sent. */
  disconnectServer: () => call<null>("disconnect_server"),
  needsAttention: () => call<Attention[]>("needs_attention"),
  dismissAttention: (commandId: string) => call<null>("dismiss_attention", { commandId }),

  // Payment (issue 4).
  /** The case's payment: its status and, while pending, the page to pay on. */
  paymentLink: (caseId: string) => call<PaymentLinkView>("payment_link", { caseId }),
  /** Opens a page in the system browser (the opener plugin; http and https only). */
  openInBrowser: async (url: string): Promise<void> => {
    try {
      await openUrl(url);
    } catch (raw) {
      throw normaliseError(raw);
    }
  },

  // A case's papers (issue 4): the report of a completed case, its invoice, the lists.
  /** Writes the case report under the app's data folder and opens the system's PDF viewer. */
  openCaseReport: (caseId: string) => call<SavedFile>("open_case_report", { caseId }),
  /** Writes the case report to `path` (from the Save dialog). */
  saveCaseReport: (caseId: string, path: string) => call<null>("save_case_report", { caseId, path }),
  openInvoice: (caseId: string) => call<SavedFile>("open_invoice", { caseId }),
  saveInvoice: (caseId: string, path: string) => call<null>("save_invoice", { caseId, path }),
  listInvoices: () => call<InvoiceRow[]>("list_invoices"),
  serviceRecords: () => call<ServiceRecord[]>("service_records"),
  /** Asks where to save a file (the system's Save dialog; a PDF unless said); null when the user cancels. */
  chooseSavePath: async (suggestedName: string, kind: SaveKind = "pdf"): Promise<string | null> => {
    try {
      const filter = SAVE_FILTERS[kind];
      return await save({ defaultPath: suggestedName, filters: [{ name: i18n.t(filter.name), extensions: filter.extensions }] });
    } catch (raw) {
      throw normaliseError(raw);
    }
  },

  // Appointments (so_core::talk, calendar). Each case command answers the case as it now is.
  requestAppointment: (caseId: string, withId: string, input: AppointmentInput) =>
    call<CaseDetail>("request_appointment", { caseId, withId, input }),
  /** Edits a pending appointment (its proposer) or reschedules an accepted one. */
  changeAppointment: (caseId: string, appointmentId: string, input: AppointmentInput) =>
    call<CaseDetail>("change_appointment", { caseId, appointmentId, input }),
  answerAppointment: (caseId: string, appointmentId: string, accept: boolean, reason: string | null) =>
    call<CaseDetail>("answer_appointment", { caseId, appointmentId, accept, reason }),
  cancelAppointment: (caseId: string, appointmentId: string, reason: string | null) =>
    call<CaseDetail>("cancel_appointment", { caseId, appointmentId, reason }),
  completeAppointment: (caseId: string, appointmentId: string) =>
    call<CaseDetail>("complete_appointment", { caseId, appointmentId }),
  listAppointments: (filter: AppointmentFilter) => call<AppointmentView[]>("list_appointments", { filter }),
  /** One case's appointments (or, with null, every one) were looked at: their badge clears. */
  markAppointmentsSeen: (caseId: string | null) => call<null>("mark_appointments_seen", { caseId }),
  saveAppointmentIcs: (caseId: string, appointmentId: string, path: string) =>
    call<null>("save_appointment_ics", { caseId, appointmentId, path }),
  saveAppointmentsIcs: (filter: AppointmentFilter, path: string) =>
    call<null>("save_appointments_ics", { filter, path }),

  // Issues on a case.
  reportIssue: (caseId: string, input: IssueInput) => call<CaseDetail>("report_issue", { caseId, input }),
  editIssue: (caseId: string, issueId: string, input: IssueInput) =>
    call<CaseDetail>("edit_issue", { caseId, issueId, input }),
  deleteIssue: (caseId: string, issueId: string) => call<CaseDetail>("delete_issue", { caseId, issueId }),
  resolveIssue: (caseId: string, issueId: string) => call<CaseDetail>("resolve_issue", { caseId, issueId }),
  /** The coordinator reminds the providers whose opinion is overdue. */
  sendOverdueReminder: (caseId: string) => call<CaseDetail>("send_overdue_reminder", { caseId }),

  // A case's chat (never an admin's). Reading the thread marks it read.
  chatThread: (caseId: string) => call<ChatThread>("chat_thread", { caseId }),
  /** `attachment`: a document already staged with stageDocument. */
  postMessage: (caseId: string, body: string, attachment: DocumentInput | null) =>
    call<ChatThread>("post_message", { caseId, body, attachment }),

  // Notifications and the navigation's counts.
  notifications: () => call<NotificationCentre>("notifications"),
  /** One notification read, or all of them with null. */
  markNotificationsRead: (id: string | null) => call<NotificationCentre>("mark_notifications_read", { id }),
  notificationSettings: () => call<NotificationSetting[]>("notification_settings"),
  setNotificationChannel: (kind: NoticeKind, channel: Channel, enabled: boolean) =>
    call<NotificationSetting[]>("set_notification_channel", { kind, channel, enabled }),
  badges: () => call<Badges>("badges"),
};

/** The kinds of file the Save dialog is asked for. */
export type SaveKind = "pdf" | "ics";

const SAVE_FILTERS = {
  pdf: { name: "saveDialog.pdf", extensions: ["pdf"] },
  ics: { name: "saveDialog.ics", extensions: ["ics"] },
} as const satisfies Record<SaveKind, { name: string; extensions: string[] }>;

export type Api = typeof api;
