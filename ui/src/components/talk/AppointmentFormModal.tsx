import { Alert, Button, Group, Modal, NativeSelect, NumberInput, Stack, Text, Textarea } from "@mantine/core";
import { DateTimePicker } from "@mantine/dates";
import { useForm } from "@mantine/form";
import dayjs from "dayjs";
import { useTranslation } from "react-i18next";
import { i18n } from "../../i18n";
import { errorText } from "../../lib/errors";
import { formatNumber } from "../../lib/format";
import { ErrorText } from "../ErrorText";
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
  if (mode.kind === "request") return i18n.t("appointments.request");
  return mode.appointment.status === "accepted" ? i18n.t("appointments.rescheduleTitle") : i18n.t("appointments.editTitle");
}

export function AppointmentFormModal({ opened, mode, ...props }: Props) {
  return (
    <Modal opened={opened && mode !== null} onClose={props.onClose} title={mode ? title(mode) : ""} centered size="lg">
      {opened && mode && <AppointmentForm mode={mode} {...props} />}
    </Modal>
  );
}

// Typed loosely: the button's props do not list data-* attributes, which it renders all the same.
const doneButton = (): Record<string, string> => ({ "aria-label": i18n.t("appointments.form.done"), "data-testid": "appointment-starts-at-done" });

const FIELDS: readonly (keyof AppointmentFormValues)[] = ["withId", "startsAt", "durationMinutes", "purpose"];

function AppointmentForm({ mode, loading, error, onSubmit, onClose }: Omit<Props, "opened" | "mode"> & { mode: AppointmentFormMode }) {
  const { t } = useTranslation();
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
  const serverError = (field: keyof AppointmentFormValues) => (serverField === field && error ? errorText(error) : undefined);
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
            {t("appointments.form.rescheduleNote")}
          </Text>
        )}
        {mode.kind === "request" && (
          <NativeSelect
            label={t("appointments.form.with")}
            withAsterisk
            data-testid="appointment-with"
            data={[
              ...(mode.invitees.length === 1 ? [] : [{ value: "", label: t("appointments.form.choosePerson"), disabled: true }]),
              ...mode.invitees.map((p) => ({ value: p.id, label: t("appointments.form.person", { name: p.name, role: roleLabel(p.role) }) })),
            ]}
            {...form.getInputProps("withId")}
            error={form.errors.withId ?? serverError("withId")}
          />
        )}
        <DateTimePicker
          label={t("appointments.form.when")}
          withAsterisk
          description={t("appointments.form.inYourZone", { zone })}
          placeholder={t("appointments.form.pick")}
          valueFormat="YYYY-MM-DD HH:mm"
          minDate={dayjs().format("YYYY-MM-DD")}
          maxDate={dayjs().add(APPOINTMENT_MAX_DAYS_AHEAD, "day").format("YYYY-MM-DD")}
          // A picked day starts at 09:00 when requesting (the time is changed in the same dropdown).
          defaultTimeValue={requesting ? "09:00" : undefined}
          clearable
          data-testid="appointment-starts-at"
          getDayProps={(date) => ({ "data-date": date })}
          timePickerProps={{
            hoursInputLabel: t("appointments.form.hours"),
            minutesInputLabel: t("appointments.form.minutes"),
            hoursInputProps: { "data-testid": "appointment-hours" },
            minutesInputProps: { "data-testid": "appointment-minutes" },
          }}
          submitButtonProps={doneButton()}
          value={form.getValues().startsAt || null}
          onChange={(value) => form.setFieldValue("startsAt", value ?? "")}
          error={form.errors.startsAt ?? serverError("startsAt")}
        />
        <NumberInput
          label={t("appointments.form.duration")}
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
          label={t("appointments.form.purpose")}
          description={t("appointments.form.purposeCounter", { n: formatNumber(purposeLength), max: formatNumber(LIMITS.reason) })}
          dir="auto"
          autosize
          minRows={2}
          maxRows={8}
          data-testid="appointment-purpose"
          {...form.getInputProps("purpose")}
          error={form.errors.purpose ?? serverError("purpose")}
        />
        {error && serverField === null && (
          <Alert color="red" variant="light" data-testid="appointment-form-error">
            <ErrorText error={error} />
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={loading}>
            {t("common.back")}
          </Button>
          <Button type="submit" loading={loading} data-testid="appointment-submit">
            {mode.kind === "request" ? t("appointments.form.send") : accepted ? t("appointments.reschedule") : t("common.save")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
