import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { save } from "@tauri-apps/plugin-dialog";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AppointmentFilter, UserSummary } from "../api/types";
import { admin, appointment, requester } from "../test/fixtures";
import { callsOf, type Handler, invokeMock, routeInvoke } from "../test/invoke";
import { viewerTimeZone } from "../lib/appointments";
import { renderWithProviders } from "../test/render";
import { AppointmentsPage } from "./AppointmentsPage";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/plugin-dialog", () => ({ save: vi.fn() }));

const saveMock = vi.mocked(save);
const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

const pending = appointment({ id: "a-1", unread: true });
const accepted = appointment({
  id: "a-2",
  caseId: "c-2",
  caseReference: "SO-0002",
  status: "accepted",
  kind: "provider",
  participantName: "Dr. Pia Provider",
  startsAt: "2030-06-01T14:00:00Z",
});

function setup(who: UserSummary, extra: Record<string, Handler> = {}) {
  routeInvoke({
    list_appointments: (args) => {
      const { filter } = args as { filter: AppointmentFilter };
      return [pending, accepted].filter((a) => filter.status === null || a.status === filter.status);
    },
    mark_appointments_seen: () => null,
    ...extra,
  });
  const user = userEvent.setup();
  renderWithProviders(<AppointmentsPage user={who} />);
  return user;
}

// The days of the date filters are the viewer's: the filter names the zone.
const NO_FILTER: AppointmentFilter = { status: null, from: null, to: null, case: null, timeZone: viewerTimeZone() };

describe("My appointments", () => {
  beforeEach(() => {
    invokeMock.mockReset();
    saveMock.mockReset();
  });

  it("lists every appointment with its case, participant, time, status and type, then marks them all seen", async () => {
    setup(requester);
    const rows = await screen.findAllByTestId("appointment-row");
    expect(rows).toHaveLength(2);
    const [first, second] = rows as [HTMLElement, HTMLElement];
    expect(within(first).getByTestId("appointment-row-case")).toHaveAttribute("href", "#/cases/c-1/appointments");
    expect(within(first).getByTestId("appointment-row-case")).toHaveTextContent("SO-0001");
    expect(within(first).getByTestId("appointment-row-participant")).toHaveTextContent("Carla Cardio");
    expect(within(first).getByTestId("appointment-row-when")).toHaveTextContent(`(${ZONE})`);
    expect(within(first).getByTestId("appointment-row-status")).toHaveTextContent("Pending");
    expect(within(first).getByTestId("appointment-row-type")).toHaveTextContent("Requester");
    expect(within(first).getByTestId("appointment-row-new")).toHaveTextContent("New");
    expect(within(second).getByTestId("appointment-row-type")).toHaveTextContent("Provider");
    expect(within(second).queryByTestId("appointment-row-new")).not.toBeInTheDocument();
    expect(callsOf("list_appointments")[0]?.[0]).toEqual({ filter: NO_FILTER });
    await waitFor(() => expect(callsOf("mark_appointments_seen")).toEqual([[{ caseId: null }, undefined]]));
  });

  it("filters by status and case", async () => {
    const user = setup(requester);
    await screen.findAllByTestId("appointment-row");
    await user.selectOptions(screen.getByTestId("appointments-filter-status"), "accepted");
    await waitFor(() => expect(screen.getAllByTestId("appointment-row")).toHaveLength(1));
    expect(callsOf("list_appointments").at(-1)?.[0]).toEqual({ filter: { ...NO_FILTER, status: "accepted" } });

    await user.type(screen.getByTestId("appointments-filter-case"), "SO-0002");
    await waitFor(() =>
      expect(callsOf("list_appointments").at(-1)?.[0]).toEqual({ filter: { ...NO_FILTER, status: "accepted", case: "SO-0002" } }),
    );
    await user.click(screen.getByTestId("appointments-filter-clear"));
    await waitFor(() => expect(screen.getAllByTestId("appointment-row")).toHaveLength(2));
  });

  it("exports the filtered list as .ics where the user chooses", async () => {
    saveMock.mockResolvedValue("/home/rana/appointments.ics");
    const user = setup(requester, { save_appointments_ics: () => null });
    await screen.findAllByTestId("appointment-row");
    await user.selectOptions(screen.getByTestId("appointments-filter-status"), "pending");
    await waitFor(() => expect(screen.getAllByTestId("appointment-row")).toHaveLength(1));
    await user.click(screen.getByTestId("appointments-export"));
    await waitFor(() =>
      expect(callsOf("save_appointments_ics")).toEqual([
        [{ filter: { ...NO_FILTER, status: "pending" }, path: "/home/rana/appointments.ics" }, undefined],
      ]),
    );
    expect(saveMock).toHaveBeenCalledWith({
      defaultPath: expect.stringMatching(/^appointments-\d{4}-\d\d-\d\d\.ics$/) as string,
      filters: [{ name: "Calendar (iCalendar)", extensions: ["ics"] }],
    });
  });

  it("tells an admin the list is to read only", async () => {
    setup(admin);
    await screen.findAllByTestId("appointment-row");
    expect(screen.getByText(/admins do not arrange or change appointments/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /accept|reject|cancel/i })).not.toBeInTheDocument();
  });
});
