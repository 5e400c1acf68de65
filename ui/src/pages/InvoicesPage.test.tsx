import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { InvoiceRow } from "../api/types";
import { fail, invokeMock, routeInvoke } from "../test/invoke";
import { renderWithProviders } from "../test/render";
import { InvoicesPage } from "./InvoicesPage";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const rows: InvoiceRow[] = [
  {
    number: "INV-2026-00002",
    caseId: "c-2",
    caseReference: "SO-2026-00014",
    patientName: "ريم العتيبي",
    amountMinor: 150000,
    currency: "SAR",
    amount: "SAR 1,500.00",
    issuedAt: "2026-03-02T10:00:00Z",
    paymentReference: "PAY-2",
  },
  {
    number: "INV-2026-00001",
    caseId: "c-1",
    caseReference: "SO-2026-00003",
    patientName: "Huda Patient",
    amountMinor: 300000,
    currency: "SAR",
    amount: "SAR 3,000.00",
    issuedAt: "2026-03-01T10:00:00Z",
    paymentReference: null,
  },
];

describe("InvoicesPage", () => {
  beforeEach(() => {
    invokeMock.mockReset();
  });

  it("lists the invoices and opens a case when its row is clicked", async () => {
    routeInvoke({ list_invoices: () => rows });
    const user = userEvent.setup();
    renderWithProviders(<InvoicesPage />);
    const found = await screen.findAllByTestId("invoice-row");
    expect(found).toHaveLength(2);
    const [first] = found;
    for (const text of ["INV-2026-00002", "SO-2026-00014", "ريم العتيبي", "SAR 1,500.00", "2026-03-02"]) {
      expect(first).toHaveTextContent(text);
    }
    expect(within(first!).getByTestId("invoice-row-amount")).toHaveTextContent("SAR 1,500.00");
    expect(invokeMock).toHaveBeenCalledWith("list_invoices", undefined, undefined);

    await user.click(within(first!).getByTestId("invoice-row-number"));
    expect(window.location.hash).toBe("#/cases/c-2");
  });

  it("says when there are none", async () => {
    routeInvoke({ list_invoices: () => [] });
    renderWithProviders(<InvoicesPage />);
    expect(await screen.findByTestId("invoices-empty")).toHaveTextContent("No invoices yet.");
    expect(screen.queryByTestId("invoices-table")).not.toBeInTheDocument();
  });

  it("shows the core's refusal", async () => {
    routeInvoke({ list_invoices: () => fail("forbidden", "Invoices are for the cases' requesters and admins.") });
    renderWithProviders(<InvoicesPage />);
    expect(await screen.findByText("Invoices are for the cases' requesters and admins.")).toBeInTheDocument();
  });
});
