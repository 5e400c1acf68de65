import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { save } from "@tauri-apps/plugin-dialog";
import dayjs from "dayjs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppointmentInput, CaseDetail } from "../../api/types";
import { CaseDetailPage } from "../../pages/CaseDetailPage";
import { appointment, cardioCoordinator, caseDetail, catalog, patient, provider, talk } from "../../test/fixtures";
import { callsOf, fail, type Handler, invokeMock, routeInvoke } from "../../test/invoke";
import { renderWithProviders } from "../../test/render";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/plugin-dialog", () => ({ save: vi.fn() }));

const saveMock = vi.mocked(save);
const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

const coordinatorPerson = { id: cardioCoordinator.id, name: cardioCoordinator.name, role: "coordinator" as const };
const providerPerson = { id: provider.id, name: provider.name, role: "provider" as const };

function setup(detail: CaseDetail, extra: Record<string, Handler> = {}) {
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
  renderWithProviders(<CaseDetailPage caseId={detail.id} />);
  return user;
}

const paid = (overrides: Partial<CaseDetail["talk"]>) => caseDetail({ status: "payment_successful", talk: talk(overrides) });

describe("A case's appointments", () => {
  beforeEach(() => {
    invokeMock.mockReset();
    saveMock.mockReset();
    // Only the clock's date is fixed: timers stay real for the user events.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2030-05-01T08:00:00Z"));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("lists each appointment in the viewer's zone, marks the new ones and offers exactly its actions", async () => {
    const pending = appointment({
      id: "a-1",
      unread: true,
      timeZone: ZONE === "Asia/Riyadh" ? "Europe/Berlin" : "Asia/Riyadh",
      actions: { accept: false, reject: false, edit: true, cancel: true, complete: false },
    });
    const accepted = appointment({
      id: "a-2",
      status: "accepted",
      startsAt: "2030-05-03T09:00:00Z",
      timeZone: ZONE,
      purpose: null,
      actions: { accept: false, reject: false, edit: true, cancel: true, complete: true },
    });
    setup(paid({ appointments: [pending, accepted], invitees: [coordinatorPerson] }));

    const cards = await screen.findAllByTestId("appointment");
    expect(cards).toHaveLength(2);
    const [first, second] = cards as [HTMLElement, HTMLElement];
    expect(within(first).getByTestId("appointment-when")).toHaveTextContent(`(${ZONE})`);
    expect(within(first).getByTestId("appointment-proposed-zone")).toHaveTextContent(/^proposed in (Asia\/Riyadh|Europe\/Berlin): 2030-05-02/);
    expect(within(first).getByTestId("appointment-status")).toHaveTextContent("Pending");
    expect(within(first).getByTestId("appointment-new")).toHaveTextContent("New");
    expect(within(first).getByTestId("appointment-participants")).toHaveTextContent(
      "30 min · Rana Requester (Requester) with Carla Cardio (Coordinator)",
    );
    expect(within(first).getByTestId("appointment-purpose-text")).toHaveTextContent("Discuss the scan");
    expect(within(first).getByTestId("appointment-edit")).toHaveTextContent("Edit");
    expect(within(first).queryByTestId("appointment-accept")).not.toBeInTheDocument();
    expect(within(first).queryByTestId("appointment-reject")).not.toBeInTheDocument();
    expect(within(first).queryByTestId("appointment-complete")).not.toBeInTheDocument();

    expect(within(second).queryByTestId("appointment-proposed-zone")).not.toBeInTheDocument();
    expect(within(second).queryByTestId("appointment-new")).not.toBeInTheDocument();
    expect(within(second).getByTestId("appointment-edit")).toHaveTextContent("Reschedule");
    expect(within(second).getByTestId("appointment-complete")).toHaveTextContent("Mark as held");

    expect(screen.getByTestId("tab-appointments-new")).toHaveTextContent("1");
    // The tab is shown: its appointments are seen.
    await waitFor(() => expect(callsOf("mark_appointments_seen")).toEqual([[{ caseId: "c-1" }, undefined]]));
  });

  it("requests an appointment: the person, the time with its offset and zone, the duration and the purpose", async () => {
    let sent: { withId: string; input: AppointmentInput } | null = null;
    const detail = paid({ invitees: [coordinatorPerson, providerPerson] });
    const user = setup(detail, {
      request_appointment: (args) => {
        sent = args as unknown as { withId: string; input: AppointmentInput };
        return paid({ appointments: [appointment()], invitees: [coordinatorPerson, providerPerson] });
      },
    });
    await user.click(await screen.findByTestId("action-request-appointment"));
    const form = await screen.findByTestId("appointment-form");
    expect(within(form).getByTestId("appointment-duration")).toHaveValue("30");

    // Nothing chosen yet: both required fields say so.
    await user.click(within(form).getByTestId("appointment-submit"));
    expect(await within(form).findByText("Choose whom to meet")).toBeInTheDocument();
    expect(within(form).getByText("The date and time are required")).toBeInTheDocument();
    expect(callsOf("request_appointment")).toHaveLength(0);

    await user.selectOptions(within(form).getByTestId("appointment-with"), provider.id);
    await user.click(within(form).getByTestId("appointment-starts-at"));
    await user.click(document.querySelector('[data-date="2030-05-02"]')!);
    await user.click(screen.getByTestId("appointment-starts-at-done"));
    await user.clear(within(form).getByTestId("appointment-duration"));
    await user.type(within(form).getByTestId("appointment-duration"), "45");
    await user.type(within(form).getByTestId("appointment-purpose"), "  Go through the opinion ");
    await user.click(within(form).getByTestId("appointment-submit"));

    await waitFor(() => expect(sent).not.toBeNull());
    expect(sent).toEqual({
      caseId: "c-1",
      withId: provider.id,
      input: {
        startsAt: dayjs("2030-05-02 09:00:00").format("YYYY-MM-DDTHH:mm:ssZ"),
        durationMinutes: 45,
        timeZone: ZONE,
        purpose: "Go through the opinion",
      },
    });
    await waitFor(() => expect(screen.queryByTestId("appointment-form")).not.toBeInTheDocument());
    expect(await screen.findByTestId("appointment")).toBeInTheDocument();
  });

  it("shows the core's refusal of the time on the time field", async () => {
    const user = setup(paid({ invitees: [coordinatorPerson] }), {
      request_appointment: () => fail("invalid_input", "The appointment overlaps the coordinator's leave.", "startsAt"),
    });
    await user.click(await screen.findByTestId("action-request-appointment"));
    const form = await screen.findByTestId("appointment-form");
    // One person to meet: already chosen.
    expect(within(form).getByTestId("appointment-with")).toHaveValue(cardioCoordinator.id);
    await user.click(within(form).getByTestId("appointment-starts-at"));
    await user.click(document.querySelector('[data-date="2030-05-03"]')!);
    await user.click(screen.getByTestId("appointment-starts-at-done"));
    await user.click(within(form).getByTestId("appointment-submit"));
    expect(await within(form).findByText("The appointment overlaps the coordinator's leave.")).toBeInTheDocument();
  });

  it("warns of overlapping appointments before accepting", async () => {
    const invitation = appointment({
      conflicts: [{ caseId: "c-9", caseReference: "SO-0009", appointmentId: "a-9", startsAt: "2030-05-02T09:15:00Z" }],
      actions: { accept: true, reject: true, edit: false, cancel: true, complete: false },
    });
    const user = setup(paid({ appointments: [invitation] }), {
      answer_appointment: () => paid({ appointments: [{ ...invitation, status: "accepted", conflicts: [] }] }),
    });
    const warning = await screen.findByTestId("appointment-conflicts");
    expect(warning).toHaveTextContent("Case SO-0009");
    await user.click(screen.getByTestId("appointment-accept"));
    const confirm = await screen.findByTestId("accept-conflict");
    expect(within(confirm).getByTestId("appointment-conflict")).toHaveTextContent("SO-0009");
    expect(callsOf("answer_appointment")).toHaveLength(0);
    await user.click(screen.getByTestId("accept-conflict-confirm"));
    await waitFor(() =>
      expect(callsOf("answer_appointment")).toEqual([[{ caseId: "c-1", appointmentId: "a-1", accept: true, reason: null }, undefined]]),
    );
    expect(await screen.findByTestId("appointment-status")).toHaveTextContent("Accepted");
  });

  it("rejects with an optional reason and cancels after confirming", async () => {
    const invitation = appointment({ actions: { accept: true, reject: true, edit: false, cancel: true, complete: false } });
    const user = setup(paid({ appointments: [invitation] }), {
      answer_appointment: () => paid({ appointments: [{ ...invitation, status: "rejected" }] }),
      cancel_appointment: () => paid({ appointments: [{ ...invitation, status: "canceled" }] }),
    });
    await user.click(await screen.findByTestId("appointment-reject"));
    await user.type(await screen.findByTestId("reason-input"), "On leave that week");
    await user.click(screen.getByTestId("reason-confirm"));
    await waitFor(() =>
      expect(callsOf("answer_appointment")).toEqual([
        [{ caseId: "c-1", appointmentId: "a-1", accept: false, reason: "On leave that week" }, undefined],
      ]),
    );

    await user.click(screen.getByTestId("appointment-cancel"));
    // No reason needed: confirming is enough.
    await user.click(await screen.findByTestId("reason-confirm"));
    await waitFor(() =>
      expect(callsOf("cancel_appointment")).toEqual([[{ caseId: "c-1", appointmentId: "a-1", reason: null }, undefined]]),
    );
  });

  it("reschedules an accepted appointment from its current time", async () => {
    const accepted = appointment({
      status: "accepted",
      durationMinutes: 60,
      actions: { accept: false, reject: false, edit: true, cancel: true, complete: true },
    });
    const user = setup(paid({ appointments: [accepted] }), {
      change_appointment: () => paid({ appointments: [{ ...accepted, status: "pending" }] }),
      complete_appointment: () => paid({ appointments: [{ ...accepted, status: "completed" }] }),
    });
    await user.click(await screen.findByTestId("appointment-edit"));
    const form = await screen.findByTestId("appointment-form");
    expect(screen.getByText("Reschedule appointment")).toBeInTheDocument();
    expect(within(form).getByTestId("appointment-reschedule-note")).toBeInTheDocument();
    expect(within(form).queryByTestId("appointment-with")).not.toBeInTheDocument();
    expect(within(form).getByTestId("appointment-duration")).toHaveValue("60");
    await user.click(within(form).getByTestId("appointment-submit"));
    await waitFor(() => expect(callsOf("change_appointment")).toHaveLength(1));
    expect(callsOf("change_appointment")[0]?.[0]).toEqual({
      caseId: "c-1",
      appointmentId: "a-1",
      input: {
        startsAt: dayjs("2030-05-02T09:00:00Z").format("YYYY-MM-DDTHH:mm:ssZ"),
        durationMinutes: 60,
        timeZone: ZONE,
        purpose: "Discuss the scan",
      },
    });
  });

  it("saves an appointment as .ics where the user chooses", async () => {
    saveMock.mockResolvedValue("/home/rana/SO-0001.ics");
    const user = setup(paid({ appointments: [appointment()] }), { save_appointment_ics: () => null });
    await user.click(await screen.findByTestId("appointment-ics"));
    await waitFor(() =>
      expect(callsOf("save_appointment_ics")).toEqual([[{ caseId: "c-1", appointmentId: "a-1", path: "/home/rana/SO-0001.ics" }, undefined]]),
    );
    expect(saveMock).toHaveBeenCalledWith({
      defaultPath: expect.stringMatching(/^SO-0001-appointment-2030-05-0\d\.ics$/) as string,
      filters: [{ name: "Calendar (iCalendar)", extensions: ["ics"] }],
    });
  });

  it("shows an admin the appointments to read only, and no chat", async () => {
    setup(caseDetail({ status: "payment_successful", talk: talk({ appointments: [appointment()] }) }));
    const card = await screen.findByTestId("appointment");
    expect(within(card).queryByRole("button", { name: /accept|reject|edit|cancel|held/i })).not.toBeInTheDocument();
    expect(screen.queryByTestId("action-request-appointment")).not.toBeInTheDocument();
    expect(screen.queryByTestId("tab-chat")).not.toBeInTheDocument();
    expect(screen.getByTestId("tab-issues")).toBeInTheDocument();
    // Nothing new for an admin: nothing to mark.
    expect(callsOf("mark_appointments_seen")).toHaveLength(0);
  });
});
