import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CaseFilter, CaseSummary } from "../api/types";
import { capabilities, caseDetail } from "../test/fixtures";
import { invokeMock, routeInvoke } from "../test/invoke";
import { renderWithProviders } from "../test/render";
import { CaseListPage } from "./CaseListPage";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const { id, reference, status, patientName, reviewTypeName, diseaseCategoryLabel, coordinatorName, createdAt, updatedAt } =
  caseDetail({ status: "awaiting_payment", coordinatorName: "Carla Cardio" });
const summary: CaseSummary = {
  id,
  reference,
  status,
  patientName,
  reviewTypeName,
  diseaseCategoryLabel,
  coordinatorName,
  createdAt,
  updatedAt,
};

describe("CaseListPage", () => {
  beforeEach(() => {
    invokeMock.mockReset();
    routeInvoke({
      list_cases: (args) => {
        const { filter } = args as { filter: CaseFilter };
        return filter.status === null || filter.status === summary.status ? [summary] : [];
      },
      badges: () => ({ notifications: 0, appointments: 0, chat: 3, chatByCase: [{ caseId: summary.id, count: 3 }] }),
    });
  });

  it("lists the cases and opens one when its row is clicked", async () => {
    const user = userEvent.setup();
    renderWithProviders(<CaseListPage capabilities={capabilities()} />);
    const row = await screen.findByTestId("case-row");
    for (const text of ["SO-0001", "Huda Patient", "Cardiac review", "Arrhythmia", "Awaiting payment", "Carla Cardio"]) {
      expect(row).toHaveTextContent(text);
    }
    expect(invokeMock).toHaveBeenCalledWith("list_cases", { filter: { status: null, search: null } }, undefined);
    await user.click(within(row).getByText("Huda Patient"));
    expect(window.location.hash).toBe(`#/cases/${summary.id}`);
  });

  it("filters by status and search", async () => {
    const user = userEvent.setup();
    renderWithProviders(<CaseListPage capabilities={capabilities()} />);
    await screen.findByTestId("case-row");
    await user.selectOptions(screen.getByTestId("case-filter-status"), "Draft");
    await waitFor(() => expect(screen.getByTestId("cases-empty")).toBeInTheDocument());
    expect(invokeMock).toHaveBeenCalledWith("list_cases", { filter: { status: "draft", search: null } }, undefined);

    await user.selectOptions(screen.getByTestId("case-filter-status"), "All statuses");
    await user.type(screen.getByTestId("case-filter-search"), "  Huda ");
    await waitFor(() =>
      expect(invokeMock).toHaveBeenCalledWith("list_cases", { filter: { status: null, search: "Huda" } }, undefined),
    );
  });

  it("shows a case's unread chat messages, linking to its chat", async () => {
    renderWithProviders(<CaseListPage capabilities={capabilities({ createCases: true })} />);
    const unread = await screen.findByTestId("case-row-chat-unread");
    expect(unread).toHaveAttribute("data-count", "3");
    expect(unread).toHaveAttribute("href", `#/cases/${summary.id}/chat`);
    expect(unread).toHaveAttribute("title", "3 unread chat messages");
  });

  it("offers New case exactly when the core's capabilities say so", async () => {
    const { unmount } = renderWithProviders(<CaseListPage capabilities={capabilities({ createCases: true })} />);
    expect(await screen.findByTestId("cases-new")).toHaveAttribute("href", "#/cases/new");
    unmount();

    renderWithProviders(<CaseListPage capabilities={capabilities()} />);
    await screen.findByTestId("case-row");
    expect(screen.queryByTestId("cases-new")).not.toBeInTheDocument();
  });
});
