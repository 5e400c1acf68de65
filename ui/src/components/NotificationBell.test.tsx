import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { listen } from "@tauri-apps/api/event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "../app/App";
import type { Badges, NotificationCentre, NotificationSetting, NotificationView } from "../api/types";
import { NotificationSettingsPage } from "../pages/NotificationSettingsPage";
import { admin, CAPABILITIES_OF, requester } from "../test/fixtures";
import { callsOf, type Handler, invokeMock, routeInvoke } from "../test/invoke";
import { renderWithProviders } from "../test/render";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

const listenMock = vi.mocked(listen);

const chatNotice: NotificationView = {
  id: "n-1",
  kind: "chat_message",
  caseId: "c-7",
  title: "New message",
  body: "Carla Cardio wrote on case SO-0007.",
  createdAt: "2030-05-01T09:00:00Z",
  read: false,
};
const readNotice: NotificationView = {
  id: "n-2",
  kind: "case_completed",
  caseId: "c-3",
  title: "Case completed",
  body: "Case SO-0003 is completed.",
  createdAt: "2030-04-01T09:00:00Z",
  read: true,
};

function backend(extra: Record<string, Handler> = {}) {
  let badges: Badges = { notifications: 1, appointments: 2, chat: 0, chatByCase: [] };
  let centre: NotificationCentre = { unread: 1, items: [chatNotice, readNotice] };
  routeInvoke({
    current_user: () => requester,
    capabilities: () => CAPABILITIES_OF.requester,
    list_users: () => [requester, admin],
    list_cases: () => [],
    sync_status: () => ({ serverUrl: null, signedIn: false, online: false, live: false, pending: 0, lastSyncAt: null, needsAttention: 0 }),
    badges: () => badges,
    notifications: () => centre,
    mark_notifications_read: (args) => {
      const { id } = args as { id: string | null };
      centre = { unread: 0, items: centre.items.map((n) => (id === null || n.id === id ? { ...n, read: true } : n)) };
      badges = { ...badges, notifications: 0 };
      return centre;
    },
    get_case: () => {
      throw new Error("not needed here");
    },
    ...extra,
  });
  return {
    setBadges: (b: Badges) => {
      badges = b;
    },
  };
}

describe("The notification centre", () => {
  beforeEach(() => {
    invokeMock.mockReset();
    listenMock.mockReset();
    listenMock.mockResolvedValue(() => {});
    window.location.hash = "#/cases";
  });

  it("shows the counts, refreshes them after a sync, and opens a notification's case on its tab", async () => {
    const server = backend();
    const user = userEvent.setup();
    renderWithProviders(<App />);
    expect(await screen.findByTestId("notification-bell")).toHaveAttribute("data-count", "1");
    expect(screen.getByTestId("nav-appointments")).toHaveAttribute("href", "#/appointments");
    expect(screen.getByTestId("nav-appointments-count")).toHaveTextContent("2");

    // The shell says a sync stored something: the counts are read again.
    server.setBadges({ notifications: 4, appointments: 0, chat: 0, chatByCase: [] });
    const onSync = listenMock.mock.calls.find((c) => c[0] === "data-changed")?.[1];
    expect(onSync).toBeDefined();
    onSync?.({ event: "data-changed", id: 1, payload: null });
    await waitFor(() => expect(screen.getByTestId("notification-bell")).toHaveAttribute("data-count", "4"));
    expect(screen.queryByTestId("nav-appointments-count")).not.toBeInTheDocument();

    await user.click(screen.getByTestId("notification-bell"));
    const items = await screen.findAllByTestId("notification-item");
    expect(items.map((i) => i.getAttribute("data-read"))).toEqual(["false", "true"]);
    expect(within(items[0]!).getByTestId("notification-title")).toHaveTextContent("New message");
    expect(items[0]).toHaveTextContent("Carla Cardio wrote on case SO-0007.");

    await user.click(items[0]!);
    await waitFor(() => expect(callsOf("mark_notifications_read")).toEqual([[{ id: "n-1" }, undefined]]));
    expect(window.location.hash).toBe("#/cases/c-7/chat");
  });

  it("marks all read, and links to the settings", async () => {
    backend();
    const user = userEvent.setup();
    renderWithProviders(<App />);
    await user.click(await screen.findByTestId("notification-bell"));
    await screen.findAllByTestId("notification-item");
    await user.click(screen.getByTestId("notifications-mark-all-read"));
    await waitFor(() => expect(callsOf("mark_notifications_read")).toEqual([[{ id: null }, undefined]]));
    await waitFor(() => expect(screen.getByTestId("notification-bell")).toHaveAttribute("data-count", "0"));
    expect(screen.getByTestId("notifications-settings-link")).toHaveAttribute("href", "#/notification-settings");
  });
});

describe("Notification settings", () => {
  beforeEach(() => {
    invokeMock.mockReset();
  });

  it("turns one channel of one kind on or off", async () => {
    const settings: NotificationSetting[] = [
      { kind: "chat_message", label: "New chat message", inApp: true, desktop: true, email: false },
      { kind: "appointment_created", label: "Appointment requested", inApp: true, desktop: false, email: true },
    ];
    routeInvoke({
      notification_settings: () => settings,
      sync_status: () => ({ serverUrl: null, signedIn: false, online: false, live: false, pending: 0, lastSyncAt: null, needsAttention: 0 }),
      set_notification_channel: () => [{ ...settings[0]!, desktop: false }, settings[1]!],
    });
    const user = userEvent.setup();
    renderWithProviders(<NotificationSettingsPage />);
    const rows = await screen.findAllByTestId("notification-setting-row");
    expect(rows.map((r) => r.getAttribute("data-kind"))).toEqual(["chat_message", "appointment_created"]);
    expect(screen.getByTestId("settings-email-standalone")).toBeInTheDocument();
    const desktop = screen.getByTestId("setting-chat_message-desktop");
    expect(desktop).toBeChecked();
    expect(screen.getByTestId("setting-appointment_created-email")).toBeChecked();
    expect(screen.getByTestId("setting-chat_message-email")).not.toBeChecked();
    await user.click(desktop);
    await waitFor(() =>
      expect(callsOf("set_notification_channel")).toEqual([[{ kind: "chat_message", channel: "desktop", enabled: false }, undefined]]),
    );
    await waitFor(() => expect(screen.getByTestId("setting-chat_message-desktop")).not.toBeChecked());
  });
});
