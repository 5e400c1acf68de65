import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { save } from "@tauri-apps/plugin-dialog";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CaseDetail, InvoiceView, RefundView, SavedFile } from "../api/types";
import { CaseDetailPage } from "../pages/CaseDetailPage";
import { caseDetail, catalog, patient } from "../test/fixtures";
import { callsOf, fail, type Handler, invokeMock, routeInvoke } from "../test/invoke";
import { renderWithProviders } from "../test/render";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
// The plugin is a dependency (not transformed), so its own `invoke` is not the mock above.
vi.mock("@tauri-apps/plugin-dialog", () => ({ save: vi.fn() }));

const saveMock = vi.mocked(save);

const invoice: InvoiceView = {
  number: "INV-2026-00002",
  amountMinor: 150000,
  currency: "SAR",
  amount: "SAR 1,500.00",
  paymentReference: "PAY-7",
  issuedAt: "2026-03-01T10:00:00Z",
};

const completed = caseDetail({
  status: "completed",
  completedAt: "2026-03-01T10:00:00Z",
  finalSummary: "Surgery is advised.",
  reportAvailable: true,
  invoice,
});

const REPORT_PATH = "/home/rana/.local/share/org.secondopinion.desktop/reports/SO-0001-report.pdf";

function setup(detail: CaseDetail, extra: Record<string, Handler> = {}) {
  routeInvoke({
    get_case: () => detail,
    catalog: () => catalog,
    list_cases: () => [],
    list_patients: () => [patient],
    ...extra,
  });
  const user = userEvent.setup();
  renderWithProviders(<CaseDetailPage caseId={detail.id} />);
  return user;
}

function refund(overrides: Partial<RefundView>): CaseDetail {
  return caseDetail({
    status: "cancelled",
    refund: {
      status: "pending",
      amountMinor: 150000,
      currency: "SAR",
      amount: "SAR 1,500.00",
      failures: 0,
      lastError: null,
      lastAttemptAt: null,
      nextAttemptAt: "2026-03-02T09:00:00Z",
      reference: null,
      refundedAt: null,
      dueSince: "2026-03-02T09:00:00Z",
      ...overrides,
    },
  });
}

describe("The report and the invoice of a completed case", () => {
  beforeEach(() => {
    invokeMock.mockReset();
    saveMock.mockReset();
  });

  it("opens the report in the viewer and says where it was saved", async () => {
    const opened: SavedFile = { path: REPORT_PATH, opened: true };
    const user = setup(completed, { open_case_report: () => opened });
    await user.click(await screen.findByTestId("action-open-report"));
    expect(await screen.findByTestId("report-saved-path")).toHaveTextContent(REPORT_PATH);
    expect(screen.getByTestId("report-saved-path-notice")).toHaveTextContent("Opening the report in your PDF viewer");
    expect(callsOf("open_case_report")).toEqual([[{ caseId: completed.id }, undefined]]);
  });

  it("says where the report is when no viewer could be opened", async () => {
    const user = setup(completed, { open_case_report: () => ({ path: REPORT_PATH, opened: false }) });
    await user.click(await screen.findByTestId("action-open-report"));
    const notice = await screen.findByTestId("report-saved-path-notice");
    expect(notice).toHaveTextContent("No PDF viewer could be opened on this computer");
    expect(notice).toHaveAttribute("data-how", "not-opened");
    expect(within(notice).getByTestId("report-saved-path")).toHaveTextContent(REPORT_PATH);
  });

  it("saves the report where the user chooses, and nowhere when they cancel", async () => {
    saveMock.mockResolvedValueOnce(null).mockResolvedValueOnce("/home/rana/Documents/SO-0001-report.pdf");
    const user = setup(completed, { save_case_report: () => null });
    await user.click(await screen.findByTestId("action-save-report"));
    await waitFor(() => expect(saveMock).toHaveBeenCalledTimes(1));
    expect(saveMock).toHaveBeenCalledWith({
      defaultPath: "SO-0001-report.pdf",
      filters: [{ name: "PDF document", extensions: ["pdf"] }],
    });
    expect(callsOf("save_case_report")).toHaveLength(0);

    await user.click(screen.getByTestId("action-save-report"));
    expect(await screen.findByTestId("report-saved-path")).toHaveTextContent("/home/rana/Documents/SO-0001-report.pdf");
    expect(callsOf("save_case_report")).toEqual([
      [{ caseId: completed.id, path: "/home/rana/Documents/SO-0001-report.pdf" }, undefined],
    ]);
  });

  it("shows the requester the invoice, and opens and saves it", async () => {
    saveMock.mockResolvedValue("/tmp/INV-2026-00002.pdf");
    const user = setup(completed, {
      open_invoice: () => ({ path: "/data/reports/INV-2026-00002.pdf", opened: true }),
      save_invoice: () => fail("invalid_input", "The file could not be saved there: the disk is full.", "path"),
    });
    const panel = await screen.findByTestId("invoice-panel");
    expect(within(panel).getByTestId("invoice-number")).toHaveTextContent("INV-2026-00002");
    expect(within(panel).getByTestId("invoice-amount")).toHaveTextContent("SAR 1,500.00");
    expect(panel).toHaveTextContent("PAY-7");

    await user.click(within(panel).getByTestId("action-open-invoice"));
    expect(await screen.findByTestId("invoice-saved-path")).toHaveTextContent("/data/reports/INV-2026-00002.pdf");

    await user.click(within(panel).getByTestId("action-save-invoice"));
    await waitFor(() => expect(saveMock).toHaveBeenCalledWith(expect.objectContaining({ defaultPath: "INV-2026-00002.pdf" })));
    expect(await screen.findByText("The file could not be saved there: the disk is full.")).toBeInTheDocument();
    expect(screen.getByTestId("error-notification")).toHaveAttribute("data-error-code", "invalid_input");
  });

  it("shows an admin both the report and the invoice", async () => {
    setup(completed);
    expect(await screen.findByTestId("action-open-report")).toBeInTheDocument();
    expect(screen.getByTestId("invoice-panel")).toBeInTheDocument();
  });

  it("shows a coordinator the report but no invoice", async () => {
    setup({ ...completed, invoice: null });
    expect(await screen.findByTestId("action-open-report")).toBeInTheDocument();
    expect(screen.getByTestId("action-save-report")).toBeInTheDocument();
    expect(screen.queryByTestId("invoice-panel")).not.toBeInTheDocument();
  });

  it("offers a provider neither the report nor the invoice", async () => {
    setup({ ...completed, invoice: null, reportAvailable: false });
    expect(await screen.findByTestId("case-status")).toHaveTextContent(/^Completed$/);
    expect(screen.queryByTestId("action-open-report")).not.toBeInTheDocument();
    expect(screen.queryByTestId("report-panel")).not.toBeInTheDocument();
    expect(screen.queryByTestId("invoice-panel")).not.toBeInTheDocument();
  });

  it("shows the open button's refusal as a notification", async () => {
    const user = setup(completed, {
      open_case_report: () => fail("internal", "Something went wrong on this computer; nothing was changed."),
    });
    await user.click(await screen.findByTestId("action-open-report"));
    expect(await screen.findByTestId("error-notification")).toHaveTextContent("Could not open the report");
    expect(screen.queryByTestId("report-saved-path")).not.toBeInTheDocument();
  });
});

describe("The refund of a cancelled paid case", () => {
  beforeEach(() => {
    invokeMock.mockReset();
  });

  it("is pending at first", async () => {
    setup(refund({}));
    const panel = await screen.findByTestId("refund-panel");
    expect(within(panel).getByTestId("refund-status")).toHaveTextContent(/^Pending/);
    expect(within(panel).getByTestId("refund-amount")).toHaveTextContent("SAR 1,500.00");
    expect(within(panel).queryByTestId("refund-attempts")).not.toBeInTheDocument();
  });

  it("says when it is tried again after a failure, and why it failed", async () => {
    setup(
      refund({
        status: "failed",
        failures: 2,
        lastError: "The provider is unavailable.",
        lastAttemptAt: "2026-03-02T09:10:00Z",
        nextAttemptAt: "2026-03-02T09:12:00Z",
      }),
    );
    const status = await screen.findByTestId("refund-status");
    expect(status).toHaveTextContent(/^Failed, will retry at 2026-03-02 \d\d:12\./);
    expect(status).toHaveTextContent("The provider said: The provider is unavailable.");
    expect(screen.getByTestId("refund-attempts")).toHaveTextContent("2 failed attempts");
    expect(screen.getByTestId("refund-panel")).toHaveAttribute("data-status", "failed");
  });

  it("shows the provider's reference once refunded", async () => {
    setup(
      refund({ status: "refunded", reference: "REF-42", refundedAt: "2026-03-02T09:20:00Z", nextAttemptAt: null }),
    );
    const status = await screen.findByTestId("refund-status");
    expect(status).toHaveTextContent(/^Refunded 2026-03-02/);
    expect(status).toHaveTextContent("provider's reference REF-42");
    expect(screen.getByTestId("refund-status-tag")).toHaveTextContent("Refunded");
  });

  it("is not there without a refund", async () => {
    setup(caseDetail({ status: "cancelled" }));
    expect(await screen.findByTestId("case-status")).toHaveTextContent(/^Cancelled$/);
    expect(screen.queryByTestId("refund-panel")).not.toBeInTheDocument();
  });
});
