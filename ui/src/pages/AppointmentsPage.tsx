import { Alert, Anchor, Button, Center, Group, Loader, NativeSelect, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { DateInput } from "@mantine/dates";
import { useDebouncedValue } from "@mantine/hooks";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api } from "../api/client";
import { countsChanged, useAppointments } from "../api/queries";
import type { AppointmentStatus, UserSummary } from "../api/types";
import { Tag } from "../components/Tag";
import {
  APPOINTMENT_STATUSES,
  appointmentStatusColor,
  appointmentStatusLabel,
  appointmentWhen,
  durationText,
  emptyAppointmentFilter,
  toAppointmentFilter,
  viewerTimeZone,
  type AppointmentFilterValues,
} from "../lib/appointments";
import { todayIso } from "../lib/format";
import { roleLabel } from "../lib/labels";
import { notifyError, notifySuccess } from "../lib/notify";
import { routeHref } from "../lib/router";

/**
 * "My appointments": every appointment of every case the user works on (an admin: every
 * one, to read only), soonest first, filtered by status, date and case. Opening the page
 * marks them all seen. A row's case reference opens the case's appointments.
 */
export function AppointmentsPage({ user }: { user: UserSummary }) {
  const client = useQueryClient();
  const [values, setValues] = useState<AppointmentFilterValues>(emptyAppointmentFilter);
  const [debouncedCase] = useDebouncedValue(values.case, 250);
  const zone = viewerTimeZone();
  const filter = toAppointmentFilter({ ...values, case: debouncedCase }, zone);
  const list = useAppointments(filter);
  const set = (patch: Partial<AppointmentFilterValues>) => setValues((v) => ({ ...v, ...patch }));
  const filtered = filter.status !== null || filter.from !== null || filter.to !== null || filter.case !== null;

  // Once the list is on screen (with its "new" markers), everything is seen.
  const loaded = list.isSuccess;
  useEffect(() => {
    if (!loaded) return;
    api
      .markAppointmentsSeen(null)
      .then(() => countsChanged(client))
      .catch((error: unknown) => notifyError(error, "Could not mark the appointments as seen"));
  }, [client, loaded]);

  const exportIcs = useMutation({
    mutationFn: async (): Promise<string | null> => {
      const path = await api.chooseSavePath(`appointments-${todayIso()}.ics`, "ics");
      if (path === null) return null; // The user cancelled the dialog.
      await api.saveAppointmentsIcs(filter, path);
      return path;
    },
    onSuccess: (path) => {
      if (path !== null) notifySuccess(`The appointments were saved to ${path}.`);
    },
    onError: (error) => notifyError(error, "Could not export the appointments"),
  });

  const rows = list.data ?? [];
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Appointments</Title>
          <Text c="dimmed" mt="xs">
            {user.role === "admin"
              ? "Every appointment on every case, to read: admins do not arrange or change appointments."
              : "Your appointments on every case. Open a case to answer, change or cancel one."}{" "}
            Times are in your time zone, {zone}.
          </Text>
        </div>
        <Button
          variant="default"
          onClick={() => exportIcs.mutate()}
          loading={exportIcs.isPending}
          disabled={rows.length === 0}
          data-testid="appointments-export"
        >
          Export .ics
        </Button>
      </Group>

      <Group align="flex-end" gap="md">
        <NativeSelect
          label="Status"
          value={values.status}
          onChange={(e) => set({ status: e.currentTarget.value as AppointmentStatus | "" })}
          data={[{ value: "", label: "Any status" }, ...APPOINTMENT_STATUSES.map((s) => ({ value: s, label: appointmentStatusLabel(s) }))]}
          data-testid="appointments-filter-status"
          w={160}
        />
        <DateInput
          label="From"
          description={`Day (${zone})`}
          valueFormat="YYYY-MM-DD"
          placeholder="YYYY-MM-DD"
          clearable
          value={values.from || null}
          onChange={(v) => set({ from: v ?? "" })}
          data-testid="appointments-filter-from"
          w={160}
        />
        <DateInput
          label="To"
          description={`Day (${zone})`}
          valueFormat="YYYY-MM-DD"
          placeholder="YYYY-MM-DD"
          clearable
          value={values.to || null}
          onChange={(v) => set({ to: v ?? "" })}
          data-testid="appointments-filter-to"
          w={160}
        />
        <TextInput
          label="Case"
          placeholder="Case ID"
          value={values.case}
          onChange={(e) => set({ case: e.currentTarget.value })}
          data-testid="appointments-filter-case"
          w={200}
        />
        {filtered && (
          <Button variant="subtle" onClick={() => setValues(emptyAppointmentFilter)} data-testid="appointments-filter-clear">
            Clear filters
          </Button>
        )}
      </Group>

      {list.isPending && (
        <Center py="xl">
          <Loader aria-label="Loading appointments" />
        </Center>
      )}
      {list.isError && (
        <Alert color="red" title="Could not load the appointments">
          {list.error.message}
        </Alert>
      )}
      {list.data && rows.length === 0 && (
        <Text c="dimmed" data-testid="appointments-empty">
          {filtered ? "No appointment matches these filters." : "No appointments yet."}
        </Text>
      )}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={820}>
          <Table striped verticalSpacing="sm" aria-label="Appointments" data-testid="appointments-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Case ID</Table.Th>
                <Table.Th>Participant</Table.Th>
                <Table.Th>Date &amp; time</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th aria-label="New" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((a) => {
                const when = appointmentWhen(a, zone);
                return (
                  <Table.Tr
                    key={a.id}
                    data-testid="appointment-row"
                    data-appointment-id={a.id}
                    data-case-id={a.caseId}
                    data-status={a.status}
                  >
                    <Table.Td>
                      <Anchor href={routeHref({ name: "case", caseId: a.caseId, tab: "appointments" })} data-testid="appointment-row-case">
                        {a.caseReference ?? "—"}
                      </Anchor>
                    </Table.Td>
                    <Table.Td dir="auto" data-testid="appointment-row-participant">
                      {a.participantName}
                    </Table.Td>
                    <Table.Td data-testid="appointment-row-when">
                      {when.local}
                      <Text size="xs" c="dimmed">
                        {durationText(a.durationMinutes)}
                        {when.proposed && ` · ${when.proposed}`}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Tag color={appointmentStatusColor(a.status)} data-testid="appointment-row-status" data-status={a.status}>
                        {appointmentStatusLabel(a.status)}
                      </Tag>
                    </Table.Td>
                    <Table.Td data-testid="appointment-row-type">{roleLabel(a.kind)}</Table.Td>
                    <Table.Td>
                      {a.unread && (
                        <Tag color="red" data-testid="appointment-row-new">
                          New
                        </Tag>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
