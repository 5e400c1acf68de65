// Renders the main screens in a pseudo language whose every catalog string reads ⟦…⟧
// (test/pseudo.ts): any visible text without the markers that is not user data from the
// fixtures is a string that did not go through the catalogs.
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Attention, CaseDetail, CaseSummary, ChatThread, InvoiceRow, NotificationCentre, NotificationSetting, ServiceRecord } from "../api/types";
import { App } from "../app/App";
import { viewerTimeZone } from "../lib/appointments";
import { AppointmentsPage } from "../pages/AppointmentsPage";
import { AttentionPage } from "../pages/AttentionPage";
import { CaseDetailPage } from "../pages/CaseDetailPage";
import { ConfigurationPage } from "../pages/ConfigurationPage";
import type { ConfigurationView } from "../bindings/ConfigurationView";
import { InvoicesPage } from "../pages/InvoicesPage";
import { NewCasePage } from "../pages/NewCasePage";
import { PatientsPage } from "../pages/PatientsPage";
import { ServerPage } from "../pages/ServerPage";
import { ServiceRecordsPage } from "../pages/ServiceRecordsPage";
import { SettingsPage } from "../pages/SettingsPage";
import {
  actions,
  appointment,
  CAPABILITIES_OF,
  capabilities,
  caseDetail,
  catalog,
  cardioCoordinator,
  issue,
  patient,
  provider,
  requester,
  talk,
} from "../test/fixtures";
import { invokeMock, routeInvoke, type Handler } from "../test/invoke";
import { stringsIn, untranslatedTexts, usePseudoLanguage } from "../test/pseudo";
import { renderWithProviders } from "../test/render";
import { LANGUAGE_NAMES } from ".";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const pia = { id: provider.id, name: provider.name, specialties: ["Cardiology"] };

const detail: CaseDetail = caseDetail({
  status: "doctors_assigned",
  coordinator: cardioCoordinator,
  coordinatorName: cardioCoordinator.name,
  actions: actions({
    submit: { code: "invalid_status", message: "The case was submitted already." },
    cancel: true,
    add_document: true,
    remove_document: { code: "forbidden", message: "Only the requester removes documents." },
    assign_providers: true,
    request_documents: true,
  }),
  assignments: [
    { provider: pia, status: "in_progress", assignedAt: "2025-02-02T09:00:00Z", declineReason: null },
    { provider: { id: "u-x", name: "Dr. Xavier", specialties: ["Cardiology"] }, status: "declined", assignedAt: "2025-02-02T09:00:00Z", declineReason: "On leave." },
  ],
  opinions: [
    {
      provider: pia,
      assessment: "Sinus rhythm.",
      diagnosis: "Paroxysmal AF.",
      recommendations: "Ablation.",
      answers: "",
      references: "ESC 2024.",
      submittedAt: "2025-02-03T09:00:00Z",
    },
  ],
  documentRequests: [{ id: "r-1", provider: pia, note: "The Holter, please.", open: true, requestedAt: "2025-02-02T10:00:00Z" }],
  returnIssues: [{ id: "ri-1", provider: pia, reason: "Wrong patient's scan.", resolved: false, openedAt: "2025-02-02T11:00:00Z", resolvable: false }],
  finalSummary: "Ablation is indicated.",
  completedAt: "2025-02-04T09:00:00Z",
  reportAvailable: true,
  invoice: { number: "INV-2025-00001", amountMinor: 150000, currency: "SAR", amount: "SAR 1,500.00", paymentReference: "PAY-1", issuedAt: "2025-02-04T09:00:00Z" },
  refund: {
    status: "failed",
    amountMinor: 150000,
    currency: "SAR",
    amount: "SAR 1,500.00",
    failures: 2,
    lastError: "Provider unavailable.",
    lastAttemptAt: "2025-02-05T09:00:00Z",
    nextAttemptAt: "2025-02-05T10:00:00Z",
    reference: null,
    refundedAt: null,
    dueSince: "2025-02-05T08:00:00Z",
  },
  talk: talk({
    appointments: [
      appointment({
        unread: true,
        timeZone: "Asia/Riyadh",
        conflicts: [{ caseId: "c-9", caseReference: "SO-0009", appointmentId: "a-9", startsAt: "2030-05-02T09:15:00Z" }],
        actions: { accept: true, reject: true, edit: true, cancel: true, complete: true },
      }),
    ],
    issues: [issue({ actions: { edit: true, delete: true, resolve: true }, resolvedAt: null })],
    invitees: [{ id: cardioCoordinator.id, name: cardioCoordinator.name, role: "coordinator" }],
    canReportIssue: true,
    chatAvailable: true,
    chatUnread: 1,
    canSendOverdueReminder: true,
  }),
});

const summary: CaseSummary = {
  id: detail.id,
  reference: detail.reference,
  status: detail.status,
  patientName: detail.patientName,
  reviewTypeName: detail.reviewTypeName,
  diseaseCategoryLabel: detail.diseaseCategoryLabel,
  coordinatorName: detail.coordinatorName,
  createdAt: detail.createdAt,
  updatedAt: detail.updatedAt,
};

const chat: ChatThread = {
  caseId: detail.id,
  canPost: true,
  messages: [
    { id: "m-1", author: { id: cardioCoordinator.id, name: cardioCoordinator.name, role: "coordinator" }, mine: false, body: "Could you send the echo?", attachment: null, sentAt: "2025-02-02T09:00:00Z", pending: false },
    { id: "m-2", author: { id: requester.id, name: requester.name, role: "requester" }, mine: true, body: "Here.", attachment: detail.documents[0]!, sentAt: "2025-02-02T09:05:00Z", pending: true },
  ],
};

const centre: NotificationCentre = {
  unread: 1,
  items: [{ id: "n-1", kind: "chat_message", caseId: detail.id, title: "SO-0001: new chat message", body: "Carla wrote on case SO-0001.", createdAt: "2025-02-02T09:00:00Z", read: false }],
};

const settings: NotificationSetting[] = [{ kind: "chat_message", label: "New chat message", inApp: true, desktop: false, email: true }];
const invoices: InvoiceRow[] = [
  { number: "INV-2025-00001", caseId: detail.id, caseReference: "SO-0001", patientName: patient.fullName, amountMinor: 150000, currency: "SAR", amount: "SAR 1,500.00", issuedAt: "2025-02-04T09:00:00Z", paymentReference: "PAY-1" },
];
const records: ServiceRecord[] = [
  { caseId: detail.id, caseReference: "SO-0001", reviewTypeName: "Cardiac review", diseaseCategoryLabel: "Arrhythmia", opinionSubmittedAt: "2025-02-03T09:00:00Z", completedAt: "2025-02-04T09:00:00Z" },
];
const attention: Attention[] = [
  { commandId: "cmd-1", issuedAt: "2025-03-01T09:00:00Z", decidedAt: "2025-03-01T09:05:00Z", command: { aggregate: "case", type: "submit" }, caseId: "c-1", patientId: null, code: "invalid_status", message: "Already cancelled." },
];
const sync = { serverUrl: "https://so.example.test", signedIn: true, online: true, live: false, pending: 2, lastSyncAt: "2025-03-01T09:00:00Z", needsAttention: 1 };

const config: ConfigurationView = {
  specialties: catalog.specialties,
  reviewTypes: [...catalog.reviewTypes, { ...catalog.reviewTypes[0]!, id: "rt-old", nameEn: "Retired review", nameAr: "مراجعة سابقة", active: false }],
  diseaseCategories: catalog.diseaseCategories.map((c, i) => (i === 0 ? { ...c, providerIds: [provider.id, "u-gone"] } : c)),
  coordinators: catalog.coordinators,
  providers: [provider, { ...provider, id: "u-gone", name: "Dr. Gone", email: "gone@hospital.test" }],
};

const HANDLERS: Record<string, Handler> = {
  current_user: () => requester,
  capabilities: () => CAPABILITIES_OF.requester,
  list_users: () => [requester, cardioCoordinator, provider],
  list_cases: () => [summary],
  get_case: () => detail,
  catalog: () => catalog,
  configuration: () => config,
  list_patients: () => [patient],
  badges: () => ({ notifications: 1, appointments: 1, chat: 1, chatByCase: [{ caseId: detail.id, count: 1 }] }),
  sync_status: () => sync,
  notifications: () => centre,
  notification_settings: () => settings,
  list_invoices: () => invoices,
  service_records: () => records,
  needs_attention: () => attention,
  list_appointments: () => detail.talk.appointments,
  mark_appointments_seen: () => null,
  chat_thread: () => chat,
  opinion_draft: () => null,
  payment_link: () => ({ url: "https://pay.example.test/1", amountMinor: 150000, currency: "SAR", status: "pending" }),
};

/** User data the screens show as written: every fixture string, the language names, the time zones. */
const USER_DATA = stringsIn(config, detail, summary, chat, centre, settings, invoices, records, attention, sync, catalog, requester, cardioCoordinator, provider, patient, LANGUAGE_NAMES, [viewerTimeZone(), "UTC", "Asia/Riyadh"]);

function expectAllTranslated() {
  expect(untranslatedTexts(document.body, USER_DATA)).toEqual([]);
}

describe("every visible text comes from the catalogs (pseudo language)", () => {
  beforeEach(async () => {
    invokeMock.mockReset();
    routeInvoke(HANDLERS);
    await usePseudoLanguage();
  });

  it("the chooser", async () => {
    routeInvoke({ ...HANDLERS, current_user: () => null, sync_status: () => ({ ...sync, serverUrl: null }) });
    renderWithProviders(<App />);
    await screen.findByTestId("user-rana@hospital.test");
    expectAllTranslated();
  });

  it("the server sign-in page", async () => {
    routeInvoke({ ...HANDLERS, current_user: () => null, sync_status: () => ({ ...sync, signedIn: false }) });
    renderWithProviders(<ServerPage standalonePage />);
    await screen.findByTestId("server-email");
    expectAllTranslated();
  });

  it("the shell, the case list and the notification centre", async () => {
    const user = userEvent.setup();
    renderWithProviders(<App />);
    await screen.findByTestId("case-row");
    await user.click(screen.getByTestId("notification-bell"));
    await screen.findByTestId("notification-item");
    expectAllTranslated();
  });

  it("the case screen, with its review, papers, refund and each tab", async () => {
    const user = userEvent.setup();
    renderWithProviders(<CaseDetailPage caseId={detail.id} />);
    await screen.findByTestId("case-reference");
    await screen.findByTestId("appointment");
    expectAllTranslated();
    await user.click(screen.getByTestId("tab-issues"));
    await screen.findByTestId("issue");
    expectAllTranslated();
    await user.click(screen.getByTestId("tab-chat"));
    await screen.findAllByTestId("chat-message");
    expectAllTranslated();
    await user.click(screen.getByTestId("action-cancel"));
    await screen.findByTestId("reason-input");
    expectAllTranslated();
  });

  it("a provider's opinion form", async () => {
    routeInvoke({ ...HANDLERS, get_case: () => ({ ...detail, opinionDraftAllowed: true, actions: actions({ submit_opinion: true }) }) });
    renderWithProviders(<CaseDetailPage caseId={detail.id} />);
    await screen.findByTestId("opinion-draft-status");
    expectAllTranslated();
  });

  it("the new case form, the patients, invoices, service records, appointments, needs attention and settings", async () => {
    for (const page of [
      <NewCasePage key="new" capabilities={capabilities({ createCases: true })} />,
      <PatientsPage key="patients" capabilities={capabilities({ patients: true, managePatients: true })} />,
      <InvoicesPage key="invoices" />,
      <ServiceRecordsPage key="records" />,
      <AppointmentsPage key="appointments" user={requester} />,
      <AttentionPage key="attention" />,
      <SettingsPage key="settings" />,
    ]) {
      const { unmount } = renderWithProviders(page);
      // Each has loaded once its loader is gone.
      await vi.waitFor(() => expect(document.querySelector(".mantine-Loader-root")).toBeNull());
      expectAllTranslated();
      unmount();
    }
  });

  it("the configuration screen: each tab, a form and a confirmation", async () => {
    const user = userEvent.setup();
    for (const tab of ["specialties", "review-types", "disease-categories", "people"] as const) {
      const { unmount } = renderWithProviders(<ConfigurationPage allowed tab={tab} />);
      await screen.findByTestId(`config-tab-${tab}`);
      await vi.waitFor(() => expect(document.querySelector("[data-testid^=config-row-]")).not.toBeNull());
      expectAllTranslated();
      unmount();
    }
    renderWithProviders(<ConfigurationPage allowed tab="review-types" />);
    await user.click(await screen.findByTestId("config-new-review-type"));
    await user.click(await screen.findByTestId("config-save"));
    await screen.findByTestId("config-field-nameEn");
    expectAllTranslated();
    await user.keyboard("{Escape}");
    await user.click(screen.getByTestId("config-toggle-rt-old"));
    await screen.findByTestId("config-confirm");
    expectAllTranslated();
  });

  it("finds an English literal when there is one", () => {
    renderWithProviders(<p>Submit case</p>);
    expect(untranslatedTexts(document.body, USER_DATA)).toEqual(["Submit case"]);
  });
});
