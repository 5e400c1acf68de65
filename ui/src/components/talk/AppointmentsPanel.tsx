import { Alert, Button, Group, List, Paper, Stack, Text } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { Trans, useTranslation } from "react-i18next";
import { i18n } from "../../i18n";
import { api } from "../../api/client";
import { countsChanged } from "../../api/queries";
import type { AppointmentInput, AppointmentView, CaseDetail } from "../../api/types";
import {
  appointmentStatusColor,
  appointmentStatusLabel,
  appointmentWhen,
  durationText,
  formatInZone,
  icsName,
  viewerTimeZone,
} from "../../lib/appointments";
import { roleLabel } from "../../lib/labels";
import { notifyError, notifySuccess } from "../../lib/notify";
import { ReasonModal } from "../ReasonModal";
import { Tag } from "../Tag";
import { ConfirmModal } from "../ConfirmModal";
import { AppointmentFormModal, type AppointmentFormMode } from "./AppointmentFormModal";
import { useCaseCommand } from "./useCaseCommand";

type Command =
  | { kind: "request"; withId: string; input: AppointmentInput }
  | { kind: "change"; appointmentId: string; input: AppointmentInput }
  | { kind: "accept"; appointmentId: string }
  | { kind: "reject"; appointmentId: string; reason: string | null }
  | { kind: "cancel"; appointmentId: string; reason: string | null }
  | { kind: "complete"; appointmentId: string };

function run(caseId: string, c: Command): Promise<CaseDetail> {
  switch (c.kind) {
    case "request":
      return api.requestAppointment(caseId, c.withId, c.input);
    case "change":
      return api.changeAppointment(caseId, c.appointmentId, c.input);
    case "accept":
      return api.answerAppointment(caseId, c.appointmentId, true, null);
    case "reject":
      return api.answerAppointment(caseId, c.appointmentId, false, c.reason);
    case "cancel":
      return api.cancelAppointment(caseId, c.appointmentId, c.reason);
    case "complete":
      return api.completeAppointment(caseId, c.appointmentId);
  }
}

const SUCCESS: Record<Command["kind"], () => string> = {
  request: () => i18n.t("appointments.done.request"),
  change: () => i18n.t("appointments.done.change"),
  accept: () => i18n.t("appointments.done.accept"),
  reject: () => i18n.t("appointments.done.reject"),
  cancel: () => i18n.t("appointments.done.cancel"),
  complete: () => i18n.t("appointments.done.complete"),
};

const FAILURE: Record<Command["kind"], () => string> = {
  request: () => i18n.t("appointments.failed.request"),
  change: () => i18n.t("appointments.failed.change"),
  accept: () => i18n.t("appointments.failed.accept"),
  reject: () => i18n.t("appointments.failed.reject"),
  cancel: () => i18n.t("appointments.failed.cancel"),
  complete: () => i18n.t("appointments.failed.complete"),
};

type Dialog =
  | { kind: "form"; mode: AppointmentFormMode }
  | { kind: "accept"; appointment: AppointmentView }
  | { kind: "reject"; appointment: AppointmentView }
  | { kind: "cancel"; appointment: AppointmentView }
  | null;

/** The case's appointments and what the user may do to each (exactly its `actions`). */
export function AppointmentsPanel({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const { appointments, invitees } = detail.talk;
  const { command, dialog, setDialog, open, errorOf } = useCaseCommand<Command, NonNullable<Dialog>>(
    detail.id,
    run,
    SUCCESS,
    FAILURE,
  );
  const busyOn = (id: string, kind: Command["kind"]) =>
    command.isPending && command.variables.kind === kind && "appointmentId" in command.variables && command.variables.appointmentId === id;

  // Shown: these appointments are seen (their "new" markers stay until the next visit).
  // Nothing new, nothing to mark: the core's `unread` is exactly "not seen at this version".
  const unreadKey = appointments
    .filter((a) => a.unread)
    .map((a) => `${a.id}@${a.updatedAt}`)
    .join(",");
  useEffect(() => {
    if (unreadKey === "") return;
    let stale = false;
    api
      .markAppointmentsSeen(detail.id)
      .then(() => {
        if (!stale) void countsChanged(client);
      })
      .catch((error: unknown) => notifyError(error, i18n.t("appointments.markSeenFailed")));
    return () => {
      stale = true;
    };
  }, [client, detail.id, unreadKey]);

  const formMode = dialog?.kind === "form" ? dialog.mode : null;
  const zone = viewerTimeZone();
  return (
    <Stack data-testid="appointments-panel">
      <Group justify="space-between" align="center">
        <Text size="sm" c="dimmed">
          {t("appointments.timesInZone", { zone })}
        </Text>
        {invitees.length > 0 && (
          <Button onClick={() => open({ kind: "form", mode: { kind: "request", invitees } })} data-testid="action-request-appointment">
            {t("appointments.request")}
          </Button>
        )}
      </Group>
      {appointments.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="appointments-empty">
          {t("appointments.noneOnCase")}
        </Text>
      ) : (
        appointments.map((a) => (
          <AppointmentCard
            key={a.id}
            appointment={a}
            zone={zone}
            busy={(kind) => busyOn(a.id, kind)}
            disabled={command.isPending}
            onAccept={() => (a.conflicts.length > 0 ? open({ kind: "accept", appointment: a }) : command.mutate({ kind: "accept", appointmentId: a.id }))}
            onReject={() => open({ kind: "reject", appointment: a })}
            onEdit={() => open({ kind: "form", mode: { kind: "change", appointment: a } })}
            onCancel={() => open({ kind: "cancel", appointment: a })}
            onComplete={() => command.mutate({ kind: "complete", appointmentId: a.id })}
          />
        ))
      )}

      <AppointmentFormModal
        opened={formMode !== null}
        mode={formMode}
        loading={command.isPending}
        error={errorOf("request", "change")}
        onSubmit={(withId, input) =>
          formMode?.kind === "change"
            ? command.mutate({ kind: "change", appointmentId: formMode.appointment.id, input })
            : command.mutate({ kind: "request", withId, input })
        }
        onClose={() => setDialog(null)}
      />
      <ConfirmModal
        opened={dialog?.kind === "accept"}
        title={t("appointments.acceptOverlapTitle")}
        confirmLabel={t("appointments.acceptAnyway")}
        loading={command.isPending}
        error={errorOf("accept")}
        testId="accept-conflict"
        onConfirm={() => dialog?.kind === "accept" && command.mutate({ kind: "accept", appointmentId: dialog.appointment.id })}
        onClose={() => setDialog(null)}
      >
        {dialog?.kind === "accept" && <Conflicts appointment={dialog.appointment} zone={zone} />}
      </ConfirmModal>
      <ReasonModal
        opened={dialog?.kind === "reject"}
        title={t("appointments.rejectTitle")}
        description={t("appointments.rejectDescription")}
        label={t("appointments.rejectReason")}
        required={false}
        confirmLabel={t("appointments.reject")}
        confirmColor="red"
        loading={command.isPending}
        error={errorOf("reject")}
        onConfirm={(reason) => dialog?.kind === "reject" && command.mutate({ kind: "reject", appointmentId: dialog.appointment.id, reason })}
        onClose={() => setDialog(null)}
      />
      <ReasonModal
        opened={dialog?.kind === "cancel"}
        title={t("appointments.cancelTitle")}
        description={t("appointments.cancelDescription")}
        label={t("appointments.cancelReason")}
        required={false}
        confirmLabel={t("appointments.cancelTitle")}
        confirmColor="red"
        loading={command.isPending}
        error={errorOf("cancel")}
        onConfirm={(reason) => dialog?.kind === "cancel" && command.mutate({ kind: "cancel", appointmentId: dialog.appointment.id, reason })}
        onClose={() => setDialog(null)}
      />
    </Stack>
  );
}

/** The viewer's accepted appointments at the same time as this one. */
function Conflicts({ appointment, zone }: { appointment: AppointmentView; zone: string }) {
  const { t } = useTranslation();
  return (
    <div>
      <Text size="sm">{t("appointments.conflicts", { count: appointment.conflicts.length })}</Text>
      <List size="sm" mt={4}>
        {appointment.conflicts.map((c) => (
          <List.Item key={c.appointmentId} data-testid="appointment-conflict">
            {t("appointments.conflictLine", {
              reference: c.caseReference ?? t("appointments.notNumbered"),
              time: formatInZone(c.startsAt, zone),
            })}
          </List.Item>
        ))}
      </List>
    </div>
  );
}

type CardProps = {
  appointment: AppointmentView;
  zone: string;
  busy: (kind: Command["kind"]) => boolean;
  disabled: boolean;
  onAccept: () => void;
  onReject: () => void;
  onEdit: () => void;
  onCancel: () => void;
  onComplete: () => void;
};

function AppointmentCard({ appointment: a, zone, busy, disabled, onAccept, onReject, onEdit, onCancel, onComplete }: CardProps) {
  const { t } = useTranslation();
  const when = appointmentWhen(a, zone);
  const proposer = a.proposedBy === a.invitee.id ? a.invitee : a.createdBy;
  const calendar = useMutation({
    mutationFn: async (): Promise<string | null> => {
      const path = await api.chooseSavePath(icsName(a), "ics");
      if (path === null) return null; // The user cancelled the dialog.
      await api.saveAppointmentIcs(a.caseId, a.id, path);
      return path;
    },
    onSuccess: (path) => {
      if (path !== null) notifySuccess(i18n.t("appointments.icsSaved", { path }));
    },
    onError: (error) => notifyError(error, i18n.t("appointments.icsFailed")),
  });
  return (
    <Paper withBorder p="md" radius="md" data-testid="appointment" data-appointment-id={a.id} data-status={a.status} data-unread={a.unread ? "true" : "false"}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={2}>
          <Group gap="xs">
            <Text fw={600} data-testid="appointment-when">
              {when.local}
            </Text>
            <Tag color={appointmentStatusColor(a.status)} data-testid="appointment-status" data-status={a.status}>
              {appointmentStatusLabel(a.status)}
            </Tag>
            {a.unread && (
              <Tag color="red" data-testid="appointment-new">
                {t("appointments.new")}
              </Tag>
            )}
          </Group>
          {when.proposed && (
            <Text size="xs" c="dimmed" data-testid="appointment-proposed-zone">
              {when.proposed}
            </Text>
          )}
          <Text size="sm" data-testid="appointment-participants">
            <Trans
              i18nKey="appointments.participants"
              values={{
                duration: durationText(a.durationMinutes),
                by: a.createdBy.name,
                byRole: roleLabel(a.createdBy.role),
                with: a.invitee.name,
                withRole: roleLabel(a.invitee.role),
              }}
              components={{ bdi: <bdi /> }}
            />
          </Text>
          {a.status === "pending" && (
            <Text size="xs" c="dimmed">
              <Trans i18nKey="appointments.proposedBy" values={{ name: proposer.name }} components={{ bdi: <bdi /> }} />
            </Text>
          )}
        </Stack>
      </Group>
      {a.purpose && (
        <Text size="sm" mt="xs" dir="auto" className="so-pre" data-testid="appointment-purpose-text">
          {a.purpose}
        </Text>
      )}
      {a.reason && (
        <Text size="sm" mt="xs" c="dimmed" dir="auto" className="so-pre" data-testid="appointment-reason">
          {t("appointments.reasonLine", { reason: a.reason })}
        </Text>
      )}
      {a.conflicts.length > 0 && (
        <Alert color="orange" variant="light" mt="sm" title={t("appointments.overlapsTitle")} data-testid="appointment-conflicts">
          <Conflicts appointment={a} zone={zone} />
        </Alert>
      )}
      <Group gap="xs" mt="sm">
        {a.actions.accept && (
          <Button size="compact-sm" onClick={onAccept} loading={busy("accept")} disabled={disabled && !busy("accept")} data-testid="appointment-accept">
            {t("appointments.accept")}
          </Button>
        )}
        {a.actions.reject && (
          <Button size="compact-sm" variant="light" color="red" onClick={onReject} disabled={disabled} data-testid="appointment-reject">
            {t("appointments.reject")}
          </Button>
        )}
        {a.actions.edit && (
          <Button size="compact-sm" variant="default" onClick={onEdit} disabled={disabled} data-testid="appointment-edit">
            {a.status === "accepted" ? t("appointments.reschedule") : t("common.edit")}
          </Button>
        )}
        {a.actions.cancel && (
          <Button size="compact-sm" variant="default" color="red" onClick={onCancel} disabled={disabled} data-testid="appointment-cancel">
            {t("common.cancel")}
          </Button>
        )}
        {a.actions.complete && (
          <Button
            size="compact-sm"
            variant="light"
            onClick={onComplete}
            loading={busy("complete")}
            disabled={disabled && !busy("complete")}
            data-testid="appointment-complete"
          >
            {t("appointments.markHeld")}
          </Button>
        )}
        <Button
          size="compact-sm"
          variant="subtle"
          onClick={() => calendar.mutate()}
          loading={calendar.isPending}
          data-testid="appointment-ics"
        >
          {t("appointments.addToCalendar")}
        </Button>
      </Group>
    </Paper>
  );
}
