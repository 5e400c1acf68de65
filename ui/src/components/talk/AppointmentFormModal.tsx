import { Alert, Button, Group, Modal, NativeSelect, NumberInput, Stack, Text, Textarea } from "@mantine/core";
import { DateTimePicker } from "@mantine/dates";
import { useForm } from "@mantine/form";
import dayjs from "dayjs";
import { fieldKey, type CommandError } from "../../api/client";
import type { AppointmentInput, AppointmentView, Person } from "../../api/types";
import {
  APPOINTMENT_MAX_DAYS_AHEAD,
  APPOINTMENT_MINUTES,
  appointmentToForm,
  DEFAULT_APPOINTMENT_MINUTES,
  toAppointmentInput,
  validateAppointmentForm,
  viewerTimeZone,
  type AppointmentFormValues,
} from "../../lib/appointments";
import { roleLabel } from "../../lib/labels";
import { charCount, LIMITS } from "../../lib/validation";

/** Requesting a new appointment (with whom), or changing an existing one's time. */
export type AppointmentFormMode =
  | { kind: "request"; invitees: readonly Person[] }
  | { kind: "change"; appointment: AppointmentView };

type Props = {
  opened: boolean;
  mode: AppointmentFormMode | null;
  loading: boolean;
  /** The last server error: shown on its field when it names one. */
  error: CommandError | null;
  onSubmit: (withId: string, input: AppointmentInput) => void;
  onClose: () => void;
};

function title(mode: AppointmentFormMode): string {
  if (mode.kind === "request") return "Request appointment";
  return mode.appointment.status === "accepted" ? "Reschedule appointment" : "Edit appointment";
}

export function AppointmentFormModal({ opened, mode, ...props }: Props) {
  return (
    <Modal opened={opened && mode !== null} onClose={props.onClose} title={mode ? title(mode) : ""} centered size="lg">
      {opened && mode && <AppointmentForm mode={mode} {...props} />}
    </Modal>
  );
}

// Typed loosely: the button's props do not list data-* attributes, which it renders all the same.
const DONE_BUTTON: Record<string, string> = { "aria-label": "Done", "data-testid": "appointment-starts-at-done" };

const FIELDS: readonly (keyof AppointmentFormValues)[] = ["withId", "startsAt", "durationMinutes", "purpose"];

function AppointmentForm({ mode, loading, error, onSubmit, onClose }: Omit<Props, "opened" | "mode"> & { mode: AppointmentFormMode }) {
  const requesting = mode.kind === "request";
  const zone = viewerTimeZone();
  const form = useForm<AppointmentFormValues>({
    mode: "controlled",
    initialValues:
      mode.kind === "request"
        ? {
            // One person to meet: chosen already.
            withId: mode.invitees.length === 1 ? (mode.invitees[0]?.id ?? "") : "",
            startsAt: "",
            durationMinutes: DEFAULT_APPOINTMENT_MINUTES,
            purpose: "",
          }
        : appointmentToForm(mode.appointment),
    validate: (values) => validateAppointmentForm(values, requesting),
  });
  // "startsAt" for an unknown time zone too: the user fixes the time, not the zone.
  const serverField = (() => {
    const key = fieldKey(error?.field);
    if (key === "timeZone") return "startsAt";
    return FIELDS.find((f) => f === key) ?? null;
  })();
  const serverError = (field: keyof AppointmentFormValues) => (serverField === field ? error?.message : undefined);
  const purposeLength = charCount(form.getValues().purpose.trim());
  const accepted = mode.kind === "change" && mode.appointment.status === "accepted";

  return (
    <form
      onSubmit={form.onSubmit((values) => onSubmit(values.withId, toAppointmentInput(values, zone)))}
      data-testid="appointment-form"
    >
      <Stack>
        {accepted && (
          <Text size="sm" data-testid="appointment-reschedule-note">
            The appointment goes back to pending: the other person is told and answers again.
          </Text>
        )}
        {mode.kind === "request" && (
          <NativeSelect
            label="With"
            withAsterisk
            data-testid="appointment-with"
            data={[
              ...(mode.invitees.length === 1 ? [] : [{ value: "", label: "Choose a person…", disabled: true }]),
              ...mode.invitees.map((p) => ({ value: p.id, label: `${p.name} (${roleLabel(p.role)})` })),
            ]}
            {...form.getInputProps("withId")}
            error={form.errors.withId ?? serverError("withId")}
          />
        )}
        <DateTimePicker
          label="Date and time"
          withAsterisk
          description={`In your time zone, ${zone}.`}
          placeholder="Pick the date and time"
          valueFormat="YYYY-MM-DD HH:mm"
          minDate={dayjs().format("YYYY-MM-DD")}
          maxDate={dayjs().add(APPOINTMENT_MAX_DAYS_AHEAD, "day").format("YYYY-MM-DD")}
          // A picked day starts at 09:00 when requesting (the time is changed in the same dropdown).
          defaultTimeValue={requesting ? "09:00" : undefined}
          clearable
          data-testid="appointment-starts-at"
          getDayProps={(date) => ({ "data-date": date })}
          timePickerProps={{
            hoursInputLabel: "Hours",
            minutesInputLabel: "Minutes",
            hoursInputProps: { "data-testid": "appointment-hours" },
            minutesInputProps: { "data-testid": "appointment-minutes" },
          }}
          submitButtonProps={DONE_BUTTON}
          value={form.getValues().startsAt || null}
          onChange={(value) => form.setFieldValue("startsAt", value ?? "")}
          error={form.errors.startsAt ?? serverError("startsAt")}
        />
        <NumberInput
          label="Duration (minutes)"
          withAsterisk
          min={APPOINTMENT_MINUTES.min}
          max={APPOINTMENT_MINUTES.max}
          step={5}
          allowDecimal={false}
          allowNegative={false}
          data-testid="appointment-duration"
          {...form.getInputProps("durationMinutes")}
          error={form.errors.durationMinutes ?? serverError("durationMinutes")}
        />
        <Textarea
          label="Purpose"
          description={`Optional · ${purposeLength.toLocaleString("en")} / ${LIMITS.reason.toLocaleString("en")}`}
          autosize
          minRows={2}
          maxRows={8}
          data-testid="appointment-purpose"
          {...form.getInputProps("purpose")}
          error={form.errors.purpose ?? serverError("purpose")}
        />
        {error && serverField === null && (
          <Alert color="red" variant="light" data-testid="appointment-form-error">
            {error.message}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={loading}>
            Back
          </Button>
          <Button type="submit" loading={loading} data-testid="appointment-submit">
            {mode.kind === "request" ? "Send request" : accepted ? "Reschedule" : "Save"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
