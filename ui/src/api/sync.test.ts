import { beforeEach, describe, expect, it, vi } from "vitest";
import { callsOf, fail, invokeMock, routeInvoke } from "../test/invoke";
import { api, type CommandError } from "./client";
import type { SyncStatus } from "./types";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const status: SyncStatus = {
  serverUrl: "https://so.example.org",
  signedIn: true,
  online: true,
  live: true,
  pending: 2,
  lastSyncAt: "2025-03-01T10:00:00Z",
  needsAttention: 1,
};

describe("server-mode client functions", () => {
  beforeEach(() => {
    invokeMock.mockReset();
  });

  it("passes their arguments in camelCase to the matching commands", async () => {
    routeInvoke({
      connect_server: () => null,
      server_sign_in: () => null,
      sync_status: () => status,
      sync_now: () => null,
      needs_attention: () => [],
      dismiss_attention: () => null,
      disconnect_server: () => null,
    });
    await api.connectServer("https://so.example.org");
    await api.serverSignIn("a@example.org", "secret");
    await expect(api.syncStatus()).resolves.toEqual(status);
    await api.syncNow();
    await expect(api.needsAttention()).resolves.toEqual([]);
    await api.dismissAttention("cmd-1");
    await api.disconnectServer();
    expect(callsOf("connect_server")[0]?.[0]).toEqual({ url: "https://so.example.org" });
    expect(callsOf("server_sign_in")[0]?.[0]).toEqual({ email: "a@example.org", password: "secret" });
    expect(callsOf("dismiss_attention")[0]?.[0]).toEqual({ commandId: "cmd-1" });
    expect(callsOf("sync_now")).toHaveLength(1);
    expect(callsOf("disconnect_server")).toHaveLength(1);
  });

  it("keeps the new sync error codes", async () => {
    routeInvoke({
      server_sign_in: () => fail("invalid_credentials", "Wrong password."),
      sync_now: () => fail("offline", "Cannot reach the server."),
      connect_server: () => fail("invalid_input", "Bad address.", "url"),
      needs_attention: () => fail("session_expired", "Sign in again."),
      dismiss_attention: () => fail("not_connected", "Standalone."),
      sync_status: () => fail("keyring", "No keyring."),
    });
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: CommandError) => [e.code, e.field],
      );
    expect(await codeOf(api.serverSignIn("a@example.org", "x"))).toEqual(["invalid_credentials", null]);
    expect(await codeOf(api.syncNow())).toEqual(["offline", null]);
    expect(await codeOf(api.connectServer("nope"))).toEqual(["invalid_input", "url"]);
    expect(await codeOf(api.needsAttention())).toEqual(["session_expired", null]);
    expect(await codeOf(api.dismissAttention("c"))).toEqual(["not_connected", null]);
    expect(await codeOf(api.syncStatus())).toEqual(["keyring", null]);
  });
});
