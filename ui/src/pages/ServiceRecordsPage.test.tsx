import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ServiceRecord } from "../api/types";
import { invokeMock, routeInvoke } from "../test/invoke";
import { renderWithProviders } from "../test/render";
import { ServiceRecordsPage } from "./ServiceRecordsPage";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const record: ServiceRecord = {
  caseId: "c-9",
  caseReference: "SO-2026-00009",
  reviewTypeName: "Cardiology second opinion",
  diseaseCategoryLabel: "Coronary artery disease",
  opinionSubmittedAt: "2026-03-01T08:00:00Z",
  completedAt: "2026-03-02T12:00:00Z",
};

describe("ServiceRecordsPage", () => {
  beforeEach(() => {
    invokeMock.mockReset();
  });

  it("lists the provider's completed reviews and opens a case when its row is clicked", async () => {
    routeInvoke({ service_records: () => [record] });
    const user = userEvent.setup();
    renderWithProviders(<ServiceRecordsPage />);
    const row = await screen.findByTestId("service-record-row");
    for (const text of ["SO-2026-00009", "Cardiology second opinion", "Coronary artery disease", "2026-03-01", "2026-03-02"]) {
      expect(row).toHaveTextContent(text);
    }
    expect(row).not.toHaveTextContent("SAR");
    await user.click(within(row).getByText("Coronary artery disease"));
    expect(window.location.hash).toBe("#/cases/c-9");
  });

  it("says when there are none", async () => {
    routeInvoke({ service_records: () => [] });
    renderWithProviders(<ServiceRecordsPage />);
    expect(await screen.findByTestId("service-records-empty")).toBeInTheDocument();
  });
});
