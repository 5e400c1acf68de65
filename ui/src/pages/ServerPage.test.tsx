import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { SyncStatus } from "../api/types";
import { callsOf, fail, invokeMock, routeInvoke } from "../test/invoke";
import { renderWithProviders } from "../test/render";
import { ServerPage } from "./ServerPage";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const standalone: SyncStatus = {
  serverUrl: null,
  signedIn: false,
  online: false,
  live: false,
  pending: 0,
  lastSyncAt: null,
  needsAttention: 0,
};

describe("ServerPage", () => {
  beforeEach(() => {
    invokeMock.mockReset();
  });

  it("connects, then shows the core's errors on the right fields", async () => {
    let status = standalone;
    routeInvoke({
      sync_status: () => status,
      connect_server: (args) => {
        const { url } = args as { url: string };
        if (!url.startsWith("http")) fail("invalid_input", "The server address must look like https://…", "url");
        status = { ...standalone, serverUrl: url };
        return null;
      },
      server_sign_in: () => fail("invalid_credentials", "The e-mail address or the password is not right."),
    });
    renderWithProviders(<ServerPage standalonePage />);
    const url = await screen.findByTestId("server-url");
    await userEvent.type(url, "nonsense");
    await userEvent.click(screen.getByTestId("server-connect"));
    expect(await screen.findByText("The server address must look like https://…")).toBeInTheDocument();

    await userEvent.clear(screen.getByTestId("server-url"));
    await userEvent.type(screen.getByTestId("server-url"), "https://so.example.org");
    await userEvent.click(screen.getByTestId("server-connect"));
    expect(callsOf("connect_server").at(-1)?.[0]).toEqual({ url: "https://so.example.org" });

    await userEvent.type(await screen.findByTestId("server-email"), "ana@example.org");
    await userEvent.type(screen.getByTestId("server-password"), "wrong");
    await userEvent.click(screen.getByTestId("server-sign-in"));
    expect(await screen.findByText("The e-mail address or the password is not right.")).toBeInTheDocument();
    expect(callsOf("server_sign_in")[0]?.[0]).toEqual({ email: "ana@example.org", password: "wrong" });
  });

  it("shows a form-level error when the server cannot be reached", async () => {
    routeInvoke({
      sync_status: () => ({ ...standalone, serverUrl: "https://so.example.org" }),
      server_sign_in: () => fail("offline", "The server cannot be reached."),
    });
    renderWithProviders(<ServerPage />);
    await userEvent.type(await screen.findByTestId("server-email"), "ana@example.org");
    await userEvent.type(screen.getByTestId("server-password"), "pw");
    await userEvent.click(screen.getByTestId("server-sign-in"));
    await waitFor(() => expect(screen.getByTestId("server-error")).toHaveTextContent("The server cannot be reached."));
  });

  it("goes back to standalone only when the core agrees, and says why not", async () => {
    let pending = 2;
    routeInvoke({
      sync_status: () => ({ ...standalone, serverUrl: "https://so.example.org", signedIn: true, online: true, pending }),
      disconnect_server: () => {
        if (pending > 0) fail("conflict", "Some of your work has not reached the server yet; sync before working standalone.");
        return null;
      },
    });
    renderWithProviders(<ServerPage />);
    await userEvent.click(await screen.findByTestId("server-disconnect"));
    await userEvent.click(screen.getByTestId("server-disconnect-confirm"));
    await waitFor(() => expect(screen.getByTestId("server-error")).toHaveTextContent("sync before working standalone"));

    pending = 0;
    await userEvent.click(screen.getByTestId("server-disconnect-confirm"));
    await waitFor(() => expect(callsOf("disconnect_server")).toHaveLength(2));
    expect(window.location.hash).toBe("#/cases");
  });
});
