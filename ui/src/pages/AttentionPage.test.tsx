import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Attention } from "../api/types";
import { callsOf, invokeMock, routeInvoke } from "../test/invoke";
import { renderWithProviders } from "../test/render";
import { AttentionPage } from "./AttentionPage";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const refused: Attention = {
  commandId: "cmd-1",
  issuedAt: "2025-03-01T09:00:00Z",
  decidedAt: "2025-03-01T09:05:00Z",
  command: { aggregate: "case", type: "submit", caseId: "c-1" },
  caseId: "c-1",
  patientId: null,
  code: "invalid_status",
  message: "The case was already cancelled by the coordinator.",
};

describe("AttentionPage", () => {
  beforeEach(() => {
    invokeMock.mockReset();
  });

  it("lists refused commands with their reason and dismisses one", async () => {
    let items = [refused, { ...refused, commandId: "cmd-2", message: "Another reason." }];
    routeInvoke({
      needs_attention: () => items,
      dismiss_attention: (args) => {
        const { commandId } = args as { commandId: string };
        items = items.filter((i) => i.commandId !== commandId);
        return null;
      },
      sync_status: () => ({}),
    });
    renderWithProviders(<AttentionPage />);
    const rows = await screen.findAllByTestId("attention-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("Case: submit");
    expect(rows[0]).toHaveTextContent("The case was already cancelled by the coordinator.");
    expect(rows[0]).toHaveTextContent("Invalid status");

    await userEvent.click(within(rows[0]!).getByTestId("attention-dismiss"));
    expect(callsOf("dismiss_attention")[0]?.[0]).toEqual({ commandId: "cmd-1" });
    await waitFor(() => expect(screen.getAllByTestId("attention-row")).toHaveLength(1));
    expect(screen.getByTestId("attention-row")).toHaveTextContent("Another reason.");
  });

  it("says when nothing needs attention", async () => {
    routeInvoke({ needs_attention: () => [] });
    renderWithProviders(<AttentionPage />);
    expect(await screen.findByTestId("attention-empty")).toBeInTheDocument();
  });
});
