import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { SyncStatus } from "../api/types";
import { renderWithProviders } from "../test/render";
import { SyncIndicator } from "./SyncIndicator";
import { callsOf, fail, invokeMock, routeInvoke } from "../test/invoke";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const connected: SyncStatus = {
  serverUrl: "https://so.example.org",
  signedIn: true,
  online: true,
  live: false,
  pending: 0,
  lastSyncAt: null,
  needsAttention: 0,
};

describe("SyncIndicator", () => {
  it("says Standalone without a server (or before the status is known)", () => {
    renderWithProviders(<SyncIndicator status={{ ...connected, serverUrl: null, online: false }} />);
    expect(screen.getByTestId("sync-status")).toHaveTextContent(/^Standalone$/);
    expect(screen.getByTestId("sync-status")).toHaveAttribute("data-state", "standalone");
  });

  it("shows Standalone while loading", () => {
    renderWithProviders(<SyncIndicator status={undefined} />);
    expect(screen.getByTestId("sync-status")).toHaveTextContent("Standalone");
  });

  it("shows online, pending work and the last sync", () => {
    renderWithProviders(<SyncIndicator status={{ ...connected, pending: 3, lastSyncAt: "2025-03-01T10:00:00Z" }} />);
    const el = screen.getByTestId("sync-status");
    expect(el).toHaveAttribute("data-state", "online");
    expect(el).toHaveTextContent("Online");
    expect(el).toHaveTextContent("3 pending");
    expect(el).toHaveTextContent(/last sync 2025-03-01/);
  });

  it("shows offline and never synced", () => {
    renderWithProviders(<SyncIndicator status={{ ...connected, online: false }} />);
    const el = screen.getByTestId("sync-status");
    expect(el).toHaveAttribute("data-state", "offline");
    expect(el).toHaveTextContent("Offline");
    expect(el).toHaveTextContent("not synced yet");
    expect(el).not.toHaveTextContent("pending");
  });

  it("says live when changes arrive as they happen", () => {
    renderWithProviders(<SyncIndicator status={{ ...connected, live: true }} />);
    expect(screen.getByTestId("sync-status")).toHaveTextContent(/^Online, live/);
    expect(screen.getByTestId("sync-status")).toHaveAttribute("data-live", "true");
  });

  it("offers Sync now only when signed in to a server", () => {
    const { unmount } = renderWithProviders(<SyncIndicator status={{ ...connected, serverUrl: null }} />);
    expect(screen.queryByTestId("sync-now")).toBeNull();
    unmount();
    renderWithProviders(<SyncIndicator status={{ ...connected, signedIn: false }} />);
    expect(screen.queryByTestId("sync-now")).toBeNull();
  });

  it("syncs on request and says so when the server cannot be reached", async () => {
    invokeMock.mockReset();
    routeInvoke({ sync_now: () => fail("offline", "The server cannot be reached; your work is kept.") });
    renderWithProviders(<SyncIndicator status={connected} />);
    await userEvent.click(screen.getByTestId("sync-now"));
    expect(callsOf("sync_now")).toHaveLength(1);
    expect(await screen.findByText("The server cannot be reached; your work is kept.")).toBeInTheDocument();
  });
});
