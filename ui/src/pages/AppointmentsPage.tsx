import { Alert, Anchor, Button, Center, Group, Loader, NativeSelect, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { DateInput } from "@mantine/dates";
import { useDebouncedValue } from "@mantine/hooks";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import { ErrorText } from "../components/ErrorText";
import { i18n } from "../i18n";
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
  const { t } = useTranslation();
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
      .catch((error: unknown) => notifyError(error, i18n.t("appointments.markSeenFailed")));
  }, [client, loaded]);

  const exportIcs = useMutation({
    mutationFn: async (): Promise<string | null> => {
      const path = await api.chooseSavePath(`appointments-${todayIso()}.ics`, "ics");
      if (path === null) return null; // The user cancelled the dialog.
      await api.saveAppointmentsIcs(filter, path);
      return path;
    },
    onSuccess: (path) => {
      if (path !== null) notifySuccess(i18n.t("appointments.list.exported", { path }));
    },
    onError: (error) => notifyError(error, i18n.t("appointments.list.exportFailed")),
  });

  const rows = list.data ?? [];
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>{t("nav.appointments")}</Title>
          <Text c="dimmed" mt="xs">
            {user.role === "admin" ? t("appointments.list.introAdmin") : t("appointments.list.intro")}{" "}
            {t("appointments.list.zone", { zone })}
          </Text>
        </div>
        <Button
          variant="default"
          onClick={() => exportIcs.mutate()}
          loading={exportIcs.isPending}
          disabled={rows.length === 0}
          data-testid="appointments-export"
        >
          {t("appointments.list.export")}
        </Button>
      </Group>

      <Group align="flex-end" gap="md">
        <NativeSelect
          label={t("cases.column.status")}
          value={values.status}
          onChange={(e) => set({ status: e.currentTarget.value as AppointmentStatus | "" })}
          data={[{ value: "", label: t("appointments.list.anyStatus") }, ...APPOINTMENT_STATUSES.map((s) => ({ value: s, label: appointmentStatusLabel(s) }))]}
          data-testid="appointments-filter-status"
          w={160}
        />
        <DateInput
          label={t("appointments.list.from")}
          description={t("appointments.list.day", { zone })}
          valueFormat="YYYY-MM-DD"
          placeholder={t("dateOfBirth.placeholder")}
          clearable
          value={values.from || null}
          onChange={(v) => set({ from: v ?? "" })}
          data-testid="appointments-filter-from"
          w={160}
        />
        <DateInput
          label={t("appointments.list.to")}
          description={t("appointments.list.day", { zone })}
          valueFormat="YYYY-MM-DD"
          placeholder={t("dateOfBirth.placeholder")}
          clearable
          value={values.to || null}
          onChange={(v) => set({ to: v ?? "" })}
          data-testid="appointments-filter-to"
          w={160}
        />
        <TextInput
          label={t("invoices.case")}
          placeholder={t("appointments.list.caseId")}
          value={values.case}
          onChange={(e) => set({ case: e.currentTarget.value })}
          data-testid="appointments-filter-case"
          w={200}
        />
        {filtered && (
          <Button variant="subtle" onClick={() => setValues(emptyAppointmentFilter)} data-testid="appointments-filter-clear">
            {t("appointments.list.clear")}
          </Button>
        )}
      </Group>

      {list.isPending && (
        <Center py="xl">
          <Loader aria-label={t("appointments.list.loading")} />
        </Center>
      )}
      {list.isError && (
        <Alert color="red" title={t("appointments.list.loadFailed")}>
          <ErrorText error={list.error} />
        </Alert>
      )}
      {list.data && rows.length === 0 && (
        <Text c="dimmed" data-testid="appointments-empty">
          {filtered ? t("appointments.list.noMatch") : t("appointments.list.empty")}
        </Text>
      )}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={820}>
          <Table striped verticalSpacing="sm" aria-label={t("nav.appointments")} data-testid="appointments-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("appointments.list.caseId")}</Table.Th>
                <Table.Th>{t("appointments.list.participant")}</Table.Th>
                <Table.Th>{t("appointments.list.when")}</Table.Th>
                <Table.Th>{t("cases.column.status")}</Table.Th>
                <Table.Th>{t("appointments.list.type")}</Table.Th>
                <Table.Th aria-label={t("appointments.new")} />
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
                          {t("appointments.new")}
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
