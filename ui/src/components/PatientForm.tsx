import { Alert, Button, Group, Modal, NativeSelect, SimpleGrid, Stack, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { i18n } from "../i18n";
import { errorText } from "../lib/errors";
import { api, fieldKey, normaliseError } from "../api/client";
import { queryKeys } from "../api/queries";
import type { Patient, PatientInput } from "../api/types";
import { todayIso } from "../lib/format";
import { SEXES, sexLabel } from "../lib/labels";
import { notifyError, notifySuccess } from "../lib/notify";
import {
  emptyPatientForm,
  LIMITS,
  patientToForm,
  toPatientInput,
  validatePatientForm,
  type PatientFormValues,
} from "../lib/validation";
import { DateOfBirthInput } from "./DateOfBirthInput";

type FormProps = {
  initial?: PatientFormValues;
  submitLabel: string;
  onSubmit: (input: PatientInput) => Promise<unknown>;
  onCancel?: () => void;
};

/** Create / edit a patient. Field errors from the core land on their field. */
export function PatientForm({ initial, submitLabel, onSubmit, onCancel }: FormProps) {
  const { t } = useTranslation();
  const [serverError, setServerError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const form = useForm<PatientFormValues>({
    mode: "controlled",
    initialValues: initial ?? emptyPatientForm,
    validate: (values) => validatePatientForm(values, todayIso()),
  });

  const submit = form.onSubmit(async (values) => {
    setServerError(null);
    setSaving(true);
    try {
      await onSubmit(toPatientInput(values));
    } catch (raw) {
      const error = normaliseError(raw);
      const key = fieldKey(error.field);
      if (key !== null && key in values) form.setFieldError(key, errorText(error));
      else setServerError(errorText(error));
    } finally {
      setSaving(false);
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput
          label={t("patients.fullName")}
          withAsterisk
          maxLength={LIMITS.fullName + 50}
          data-testid="patient-full-name"
          dir="auto"
          data-autofocus
          {...form.getInputProps("fullName")}
        />
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          <DateOfBirthInput
            label={t("patients.dateOfBirth")}
            withAsterisk
            data-testid="patient-dob"
            {...form.getInputProps("dateOfBirth")}
          />
          <NativeSelect
            label={t("patients.sex")}
            withAsterisk
            data-testid="patient-sex"
            data={[{ value: "", label: t("patients.chooseSex"), disabled: true }, ...SEXES.map((s) => ({ value: s, label: sexLabel(s) }))]}
            {...form.getInputProps("sex")}
          />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          <TextInput
            label={t("patients.mrn")}
            description={t("common.optional")}
            dir="ltr"
            data-testid="patient-mrn"
            {...form.getInputProps("medicalRecordNumber")}
          />
          <TextInput
            label={t("patients.phone")}
            description={t("common.optional")}
            type="tel"
            dir="ltr"
            data-testid="patient-phone"
            {...form.getInputProps("phone")}
          />
        </SimpleGrid>
        {serverError && (
          <Alert color="red" variant="light" title={t("patients.saveFailed")}>
            {serverError}
          </Alert>
        )}
        <Group justify="flex-end">
          {onCancel && (
            <Button variant="default" onClick={onCancel} disabled={saving}>
              {t("common.cancel")}
            </Button>
          )}
          <Button type="submit" loading={saving} data-testid="patient-save">
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

type ModalProps = {
  opened: boolean;
  onClose: () => void;
  /** The patient to edit; a new one is created when absent. */
  patient?: Patient | null;
  onSaved?: (patient: Patient) => void;
};

export function PatientFormModal({ opened, onClose, patient, onSaved }: ModalProps) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: (input: PatientInput) => (patient ? api.updatePatient(patient.id, input) : api.createPatient(input)),
    onSuccess: async (saved) => {
      // The name is isolated (FSI…PDI) so an Arabic name does not reorder the sentence.
      const name = `\u2068${saved.fullName}\u2069`;
      notifySuccess(patient ? i18n.t("patients.updated", { name }) : i18n.t("patients.added", { name }), i18n.t("patients.saved"));
      await client.invalidateQueries({ queryKey: queryKeys.patients });
      await client.invalidateQueries({ queryKey: queryKeys.cases });
      onSaved?.(saved);
      onClose();
    },
    // Shown as a notification too; the form puts field errors on their field.
    onError: (error) => notifyError(error, i18n.t("patients.saveFailed")),
  });
  return (
    <Modal opened={opened} onClose={onClose} title={patient ? t("patients.edit") : t("patients.new")} size="lg" centered>
      {opened && (
        <PatientForm
          key={patient?.id ?? "new"}
          initial={patient ? patientToForm(patient) : undefined}
          submitLabel={patient ? t("patients.saveChanges") : t("patients.add")}
          onSubmit={(input) => save.mutateAsync(input)}
          onCancel={onClose}
        />
      )}
    </Modal>
  );
}
