import { Alert, Button, Group, List, Paper, Stack, Text } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
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

const SUCCESS: Record<Command["kind"], string> = {
  request: "The appointment was requested; the other person is told.",
  change: "The appointment was changed; the other person is told.",
  accept: "You accepted the appointment.",
  reject: "You rejected the appointment.",
  cancel: "The appointment was canceled.",
  complete: "The appointment is marked as held.",
};

const FAILURE: Record<Command["kind"], string> = {
  request: "Could not request the appointment",
  change: "Could not change the appointment",
  accept: "Could not accept the appointment",
  reject: "Could not reject the appointment",
  cancel: "Could not cancel the appointment",
  complete: "Could not mark the appointment as held",
};

type Dialog =
  | { kind: "form"; mode: AppointmentFormMode }
  | { kind: "accept"; appointment: AppointmentView }
  | { kind: "reject"; appointment: AppointmentView }
  | { kind: "cancel"; appointment: AppointmentView }
  | null;

/** The case's appointments and what the user may do to each (exactly its `actions`). */
export function AppointmentsPanel({ detail }: { detail: CaseDetail }) {
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
      .catch((error: unknown) => notifyError(error, "Could not mark the appointments as seen"));
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
          Times are shown in your time zone, {zone}.
        </Text>
        {invitees.length > 0 && (
          <Button onClick={() => open({ kind: "form", mode: { kind: "request", invitees } })} data-testid="action-request-appointment">
            Request appointment
          </Button>
        )}
      </Group>
      {appointments.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="appointments-empty">
          No appointments on this case.
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
        title="Accept despite the overlap?"
        confirmLabel="Accept anyway"
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
        title="Reject appointment"
        description="The other person is told, with your reason if you give one."
        label="Reason for rejecting"
        required={false}
        confirmLabel="Reject"
        confirmColor="red"
        loading={command.isPending}
        error={errorOf("reject")}
        onConfirm={(reason) => dialog?.kind === "reject" && command.mutate({ kind: "reject", appointmentId: dialog.appointment.id, reason })}
        onClose={() => setDialog(null)}
      />
      <ReasonModal
        opened={dialog?.kind === "cancel"}
        title="Cancel appointment"
        description="The appointment is canceled for both of you; the other person is told."
        label="Reason for canceling"
        required={false}
        confirmLabel="Cancel appointment"
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
  return (
    <div>
      <Text size="sm">
        {appointment.conflicts.length === 1
          ? "You have accepted another appointment at an overlapping time:"
          : "You have accepted other appointments at overlapping times:"}
      </Text>
      <List size="sm" mt={4}>
        {appointment.conflicts.map((c) => (
          <List.Item key={c.appointmentId} data-testid="appointment-conflict">
            Case {c.caseReference ?? "(not numbered yet)"}, {formatInZone(c.startsAt, zone)}
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
      if (path !== null) notifySuccess(`The appointment was saved to ${path}.`);
    },
    onError: (error) => notifyError(error, "Could not save the calendar file"),
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
                New
              </Tag>
            )}
          </Group>
          {when.proposed && (
            <Text size="xs" c="dimmed" data-testid="appointment-proposed-zone">
              {when.proposed}
            </Text>
          )}
          <Text size="sm" data-testid="appointment-participants">
            {durationText(a.durationMinutes)} · {a.createdBy.name} ({roleLabel(a.createdBy.role)}) with {a.invitee.name} (
            {roleLabel(a.invitee.role)})
          </Text>
          {a.status === "pending" && (
            <Text size="xs" c="dimmed">
              Proposed by {proposer.name}; waiting for the other person&apos;s answer.
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
          Reason: {a.reason}
        </Text>
      )}
      {a.conflicts.length > 0 && (
        <Alert color="orange" variant="light" mt="sm" title="Overlaps your accepted appointments" data-testid="appointment-conflicts">
          <Conflicts appointment={a} zone={zone} />
        </Alert>
      )}
      <Group gap="xs" mt="sm">
        {a.actions.accept && (
          <Button size="compact-sm" onClick={onAccept} loading={busy("accept")} disabled={disabled && !busy("accept")} data-testid="appointment-accept">
            Accept
          </Button>
        )}
        {a.actions.reject && (
          <Button size="compact-sm" variant="light" color="red" onClick={onReject} disabled={disabled} data-testid="appointment-reject">
            Reject
          </Button>
        )}
        {a.actions.edit && (
          <Button size="compact-sm" variant="default" onClick={onEdit} disabled={disabled} data-testid="appointment-edit">
            {a.status === "accepted" ? "Reschedule" : "Edit"}
          </Button>
        )}
        {a.actions.cancel && (
          <Button size="compact-sm" variant="default" color="red" onClick={onCancel} disabled={disabled} data-testid="appointment-cancel">
            Cancel
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
            Mark as held
          </Button>
        )}
        <Button
          size="compact-sm"
          variant="subtle"
          onClick={() => calendar.mutate()}
          loading={calendar.isPending}
          data-testid="appointment-ics"
        >
          Add to calendar (.ics)
        </Button>
      </Group>
    </Paper>
  );
}
