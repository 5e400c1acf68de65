import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createQueryClient } from "../api/queryClient";
import type { Capabilities, UserSummary } from "../api/types";
import { admin, capabilities, CAPABILITIES_OF, cardioCoordinator, oncoCoordinator, provider, requester } from "../test/fixtures";
import { callsOf, fail, invokeMock, routeInvoke } from "../test/invoke";
import { notifySuccess } from "../lib/notify";
import { renderWithProviders } from "../test/render";
import { App } from "./App";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

/** The server the fake core is connected to; `null`: standalone, on the demo's data. */
let serverUrl: string | null = null;

/** A fake core; `capabilitiesOf` answers `capabilities` for the signed-in user (the demo's by default). */
function backend(initial: UserSummary | null, capabilitiesOf: (u: UserSummary) => Capabilities = (u) => CAPABILITIES_OF[u.role]) {
  let current = initial;
  const users = [requester, admin, cardioCoordinator, oncoCoordinator];
  routeInvoke({
    current_user: () => current,
    capabilities: () => {
      if (!current) fail("not_signed_in", "Sign in first.");
      return capabilitiesOf(current);
    },
    list_users: () => users,
    sign_in_as: (args) => {
      current = users.find((u) => u.id === (args as { userId: string }).userId) ?? null;
      return current;
    },
    sign_out: () => {
      current = null;
      return null;
    },
    list_cases: () => [],
    list_patients: () => [],
    catalog: () => ({ specialties: [], reviewTypes: [], diseaseCategories: [], coordinators: [] }),
    badges: () => ({ notifications: 0, appointments: 0, chat: 0, chatByCase: [] }),
    sync_status: () => ({
      serverUrl,
      signedIn: current !== null,
      online: serverUrl !== null,
      live: false,
      pending: 0,
      lastSyncAt: null,
      needsAttention: 0,
    }),
  });
}

describe("App", () => {
  beforeEach(() => {
    invokeMock.mockReset();
    window.location.hash = "";
    serverUrl = null;
  });

  it("says on the chooser and on every screen that standalone runs on demo data", async () => {
    backend(null);
    const user = userEvent.setup();
    renderWithProviders(<App />);
    expect(await screen.findByTestId("demo-notice")).toHaveTextContent("Real patient data belongs on a server");
    await user.click(await screen.findByTestId("user-rana@hospital.test"));
    expect(await screen.findByTestId("demo-badge")).toHaveTextContent("Demo data");
  });

  it("shows no demo badge when connected to a server", async () => {
    serverUrl = "https://so.hospital.test";
    backend(requester);
    renderWithProviders(<App />);
    expect(await screen.findByTestId("nav-cases")).toBeInTheDocument();
    // Once the status has arrived (the indicator shows the server), still no badge.
    await waitFor(() => expect(screen.getByTestId("sync-status")).toHaveAttribute("data-state", "online"));
    expect(screen.queryByTestId("demo-badge")).not.toBeInTheDocument();
  });

  it("starts on the chooser, with the users grouped by role", async () => {
    backend(null);
    renderWithProviders(<App />);
    expect(await screen.findByRole("heading", { name: "Choose who you are" })).toBeInTheDocument();
    const coordinators = await screen.findByRole("region", { name: "Coordinators" });
    expect(within(coordinators).getByTestId("user-carla@hospital.test")).toBeInTheDocument();
    expect(within(coordinators).getByTestId("user-omar@hospital.test")).toBeInTheDocument();
    expect(within(screen.getByRole("region", { name: "Requesters" })).getByTestId("user-rana@hospital.test")).toBeInTheDocument();
  });

  it("signs in as the chosen user and back out with switch-user", async () => {
    backend(null);
    const user = userEvent.setup();
    renderWithProviders(<App />);
    await user.click(await screen.findByTestId("user-rana@hospital.test"));

    expect(invokeMock).toHaveBeenCalledWith("sign_in_as", { userId: requester.id }, undefined);
    expect(await screen.findByTestId("current-user-name")).toHaveTextContent("Rana Requester");
    expect(screen.getByTestId("current-user-role")).toHaveTextContent("Requester");
    expect(screen.getByTestId("nav-patients")).toBeInTheDocument();
    expect(screen.getByTestId("nav-cases")).toBeInTheDocument();
    expect(screen.getByTestId("nav-new-case")).toBeInTheDocument();
    expect(screen.getByTestId("nav-invoices")).toBeInTheDocument();
    expect(window.location.hash).toBe("#/cases");

    await user.click(screen.getByTestId("switch-user"));
    expect(await screen.findByRole("heading", { name: "Choose who you are" })).toBeInTheDocument();
    expect(callsOf("sign_out")).toHaveLength(1);
  });

  it("closes the previous user's toasts on switching user", async () => {
    backend(requester);
    const user = userEvent.setup();
    renderWithProviders(<App />);
    await screen.findByTestId("current-user-name");
    act(() => notifySuccess("The coordinator was assigned."));
    expect(await screen.findByText("The coordinator was assigned.")).toBeInTheDocument();

    await user.click(screen.getByTestId("switch-user"));
    expect(await screen.findByRole("heading", { name: "Choose who you are" })).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByText("The coordinator was assigned.")).not.toBeInTheDocument());
  });

  it("offers exactly the screens the core's capabilities give, not what the role suggests", async () => {
    backend(requester, () => capabilities({ serviceRecords: true }));
    renderWithProviders(<App />);
    expect(await screen.findByTestId("nav-service-records")).toHaveAttribute("href", "#/service-records");
    for (const id of ["nav-patients", "nav-new-case", "nav-invoices"]) expect(screen.queryByTestId(id)).not.toBeInTheDocument();
    expect(screen.getByTestId("nav-cases")).toBeInTheDocument();
    expect(screen.getByTestId("nav-appointments")).toBeInTheDocument();
  });

  it("offers the Configuration screen to admins only", async () => {
    backend(requester);
    const user = userEvent.setup();
    renderWithProviders(<App />);
    expect(await screen.findByTestId("nav-cases")).toBeInTheDocument();
    expect(screen.queryByTestId("nav-configuration")).not.toBeInTheDocument();

    await user.click(screen.getByTestId("switch-user"));
    await user.click(await screen.findByTestId("user-adam@ops.test"));
    expect(await screen.findByTestId("nav-configuration")).toHaveAttribute("href", "#/configuration");
  });

  it("does not open the Configuration screen for a non-admin who types its address", async () => {
    backend(requester);
    window.location.hash = "#/configuration";
    renderWithProviders(<App />);
    expect(await screen.findByText("The configuration is changed by admins.")).toBeInTheDocument();
    expect(callsOf("configuration")).toHaveLength(0);
  });

  it("asks the core for the next user's capabilities after switching user", async () => {
    backend(null);
    const user = userEvent.setup();
    renderWithProviders(<App />);
    await user.click(await screen.findByTestId("user-rana@hospital.test"));
    expect(await screen.findByTestId("nav-new-case")).toBeInTheDocument();
    await user.click(screen.getByTestId("switch-user"));
    await user.click(await screen.findByTestId("user-adam@ops.test"));
    expect(await screen.findByTestId("current-user-name")).toHaveTextContent("Adam Admin");
    expect(screen.getByTestId("nav-invoices")).toBeInTheDocument();
    expect(screen.queryByTestId("nav-new-case")).not.toBeInTheDocument();
    expect(callsOf("capabilities")).toHaveLength(2);
  });

  it("says so, and tries again, when the capabilities cannot be read", async () => {
    let calls = 0;
    backend(requester, (u) => {
      calls += 1;
      if (calls === 1) fail("internal", "The store is busy.");
      return CAPABILITIES_OF[u.role];
    });
    const user = userEvent.setup();
    renderWithProviders(<App />);
    expect(await screen.findByText("Could not start")).toBeInTheDocument();
    expect(screen.getAllByText("The store is busy.").length).toBeGreaterThanOrEqual(1);
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByTestId("nav-new-case")).toBeInTheDocument();
  });

  it("offers New case only to requesters", async () => {
    backend(cardioCoordinator);
    renderWithProviders(<App />);
    expect(await screen.findByTestId("nav-cases")).toBeInTheDocument();
    expect(screen.queryByTestId("nav-new-case")).not.toBeInTheDocument();
    expect(screen.queryByTestId("nav-patients")).not.toBeInTheDocument();
  });

  it("offers Invoices to requesters and admins, Service records to providers", async () => {
    backend(admin);
    const { unmount } = renderWithProviders(<App />);
    expect(await screen.findByTestId("nav-invoices")).toHaveAttribute("href", "#/invoices");
    expect(screen.queryByTestId("nav-service-records")).not.toBeInTheDocument();
    unmount();

    backend(provider);
    renderWithProviders(<App />);
    expect(await screen.findByTestId("nav-service-records")).toHaveAttribute("href", "#/service-records");
    expect(screen.queryByTestId("nav-invoices")).not.toBeInTheDocument();
  });

  it("offers Appointments and the notification bell to every role, admins included", async () => {
    for (const who of [requester, cardioCoordinator, provider, admin]) {
      backend(who);
      const { unmount } = renderWithProviders(<App />);
      expect(await screen.findByTestId("nav-appointments")).toHaveAttribute("href", "#/appointments");
      expect(screen.getByTestId("notification-bell")).toHaveAttribute("data-count", "0");
      unmount();
    }
  });

  it("goes back to the chooser when the core says nobody is signed in", async () => {
    backend(requester);
    renderWithProviders(<App />, { client: createQueryClient() });
    await screen.findByTestId("current-user-name");
    routeInvoke({
      list_users: () => [requester],
      list_patients: () => {
        fail("not_signed_in", "Sign in first.");
      },
    });
    window.location.hash = "#/patients";
    window.dispatchEvent(new HashChangeEvent("hashchange"));
    await waitFor(() => expect(screen.getByRole("heading", { name: "Choose who you are" })).toBeInTheDocument());
  });
});
