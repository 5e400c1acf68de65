import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { SyncStatus } from "../api/types";
import { renderWithProviders } from "../test/render";
import { SyncIndicator } from "./SyncIndicator";

const connected: SyncStatus = {
  serverUrl: "https://so.example.org",
  signedIn: true,
  online: true,
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
});
