import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CaseDetail, ChatMessageView, ChatThread } from "../../api/types";
import { CaseDetailPage } from "../../pages/CaseDetailPage";
import type { CaseTab } from "../../lib/router";
import { cardioCoordinator, caseDetail, catalog, patient, requester, talk } from "../../test/fixtures";
import { callsOf, type Handler, invokeMock, routeInvoke } from "../../test/invoke";
import { renderWithProviders } from "../../test/render";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const SHA = "b".repeat(64);

function message(overrides: Partial<ChatMessageView>): ChatMessageView {
  return {
    id: "m-1",
    author: { id: cardioCoordinator.id, name: cardioCoordinator.name, role: "coordinator" },
    mine: false,
    body: "Hello",
    attachment: null,
    sentAt: "2030-05-01T09:00:00Z",
    pending: false,
    ...overrides,
  };
}

const first = message({ id: "m-1", body: "Could you send the echo report?" });
const second = message({
  id: "m-2",
  author: { id: requester.id, name: requester.name, role: "requester" },
  mine: true,
  body: "Here it is.",
  attachment: {
    id: "d-9",
    name: "echo.pdf",
    kind: "medical_report",
    mediaType: "application/pdf",
    sha256: SHA,
    sizeBytes: 2048,
    uploadedBy: requester.id,
    uploadedAt: "2030-05-01T09:05:00Z",
  },
  sentAt: "2030-05-01T09:05:00Z",
});

const withChat = (overrides: Partial<CaseDetail["talk"]> = {}) =>
  caseDetail({ status: "doctors_assigned", talk: talk({ chatAvailable: true, chatUnread: 2, ...overrides }) });

function setup(detail: CaseDetail, extra: Record<string, Handler> = {}, tab?: CaseTab) {
  routeInvoke({
    get_case: () => detail,
    catalog: () => catalog,
    list_cases: () => [],
    list_patients: () => [patient],
    mark_appointments_seen: () => null,
    badges: () => ({ notifications: 0, appointments: 0, chat: 0, chatByCase: [] }),
    ...extra,
  });
  const user = userEvent.setup();
  const rendered = renderWithProviders(<CaseDetailPage caseId={detail.id} tab={tab} />);
  return { user, client: rendered.client };
}

describe("A case's chat", () => {
  beforeEach(() => {
    invokeMock.mockReset();
  });

  it("shows the unread count on its tab and is read only once opened", async () => {
    const { user } = setup(withChat(), {
      chat_thread: (): ChatThread => ({ caseId: "c-1", messages: [first, second], canPost: true }),
    });
    expect(await screen.findByTestId("tab-chat-unread")).toHaveAttribute("data-count", "2");
    expect(callsOf("chat_thread")).toHaveLength(0);

    await user.click(screen.getByTestId("tab-chat"));
    const messages = await screen.findAllByTestId("chat-message");
    expect(callsOf("chat_thread")[0]?.[0]).toEqual({ caseId: "c-1" });
    // Oldest first, each with its author, role, time and attachment.
    expect(messages.map((m) => within(m).getByTestId("chat-message-body").textContent)).toEqual([
      "Could you send the echo report?",
      "Here it is.",
    ]);
    expect(within(messages[0]!).getByTestId("chat-message-author")).toHaveTextContent("Carla Cardio · Coordinator");
    expect(messages[1]).toHaveAttribute("data-mine", "true");
    expect(within(messages[1]!).getByTestId("chat-message-attachment")).toHaveTextContent("echo.pdf");
    // Read: the case (its unread count) is read again.
    await waitFor(() => expect(callsOf("get_case").length).toBeGreaterThan(1));
  });

  it("opens on the chat when a link asks for it, and follows the sync", async () => {
    let messages = [first];
    const { client } = setup(
      withChat(),
      { chat_thread: (): ChatThread => ({ caseId: "c-1", messages, canPost: true }) },
      "chat",
    );
    expect(await screen.findAllByTestId("chat-message")).toHaveLength(1);
    messages = [first, message({ id: "m-3", body: "Thanks, reading it now." })];
    // What AppLayout does on the shell's data-changed event (after every sync).
    await client.invalidateQueries();
    await waitFor(() => expect(screen.getAllByTestId("chat-message")).toHaveLength(2));
    expect(screen.getByText("Thanks, reading it now.")).toBeInTheDocument();
  });

  it("posts a message with a staged attachment; a message not yet sent says so", async () => {
    const pending = message({
      id: "m-4",
      author: { id: requester.id, name: requester.name, role: "requester" },
      mine: true,
      body: "Lab results attached",
      pending: true,
      attachment: { ...second.attachment!, name: "labs.pdf" },
    });
    const { user } = setup(
      withChat(),
      {
        chat_thread: (): ChatThread => ({ caseId: "c-1", messages: [first], canPost: true }),
        stage_document: (_args, options) => {
          const headers = (options?.headers ?? {}) as Record<string, string>;
          return { name: decodeURIComponent(headers["x-file-name"] ?? ""), mediaType: "application/pdf", sha256: SHA, sizeBytes: 8 };
        },
        post_message: (): ChatThread => ({ caseId: "c-1", messages: [first, pending], canPost: true }),
      },
      "chat",
    );
    const composer = await screen.findByTestId("chat-composer");
    // Empty: nothing is sent.
    await user.click(within(composer).getByTestId("chat-send"));
    expect(await within(composer).findByText("Write a message or attach a file")).toBeInTheDocument();

    await user.upload(within(composer).getByTestId("chat-file"), new File(["%PDF-1.7"], "labs.pdf", { type: "application/pdf" }));
    expect(await within(composer).findByTestId("chat-attachment")).toHaveTextContent("labs.pdf");
    await user.type(within(composer).getByTestId("chat-input"), "  Lab results attached ");
    await user.click(within(composer).getByTestId("chat-send"));

    await waitFor(() => expect(callsOf("post_message")).toHaveLength(1));
    expect(callsOf("post_message")[0]?.[0]).toEqual({
      caseId: "c-1",
      body: "Lab results attached",
      attachment: { name: "labs.pdf", kind: "medical_report", mediaType: "application/pdf", sha256: SHA, sizeBytes: 8 },
    });
    const sent = (await screen.findAllByTestId("chat-message"))[1]!;
    expect(sent).toHaveAttribute("data-pending", "true");
    expect(within(sent).getByTestId("chat-message-time")).toHaveTextContent("sending…");
    expect(within(composer).getByTestId("chat-input")).toHaveValue("");
    expect(within(composer).queryByTestId("chat-attachment")).not.toBeInTheDocument();
  });

  it("explains why a closed case's chat takes no messages", async () => {
    setup(caseDetail({ status: "cancelled", talk: talk({ chatAvailable: true }) }), {
      chat_thread: (): ChatThread => ({ caseId: "c-1", messages: [first], canPost: false }),
    }, "chat");
    expect(await screen.findByTestId("chat-closed")).toHaveTextContent("This case is closed: its chat can be read but no messages can be sent.");
    expect(screen.getByTestId("chat-input")).toBeDisabled();
    expect(screen.getByTestId("chat-send")).toBeDisabled();
    expect(screen.getByTestId("chat-file")).toBeDisabled();
  });

  it("is not offered at all without chatAvailable (an admin)", async () => {
    setup(caseDetail({ status: "doctors_assigned" }), {}, "chat");
    // Asked for the chat, shown the appointments.
    expect(await screen.findByTestId("appointments-panel")).toBeInTheDocument();
    expect(screen.queryByTestId("tab-chat")).not.toBeInTheDocument();
    expect(callsOf("chat_thread")).toHaveLength(0);
  });
});
