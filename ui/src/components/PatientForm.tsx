import { Alert, Button, Group, Modal, NativeSelect, SimpleGrid, Stack, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
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
      if (key !== null && key in values) form.setFieldError(key, error.message);
      else setServerError(error.message);
    } finally {
      setSaving(false);
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput
          label="Full name"
          withAsterisk
          maxLength={LIMITS.fullName + 50}
          data-testid="patient-full-name"
          dir="auto"
          data-autofocus
          {...form.getInputProps("fullName")}
        />
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          <DateOfBirthInput
            label="Date of birth"
            withAsterisk
            data-testid="patient-dob"
            {...form.getInputProps("dateOfBirth")}
          />
          <NativeSelect
            label="Sex"
            withAsterisk
            data-testid="patient-sex"
            data={[{ value: "", label: "Choose…", disabled: true }, ...SEXES.map((s) => ({ value: s, label: sexLabel(s) }))]}
            {...form.getInputProps("sex")}
          />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          <TextInput
            label="Medical record number"
            description="Optional"
            data-testid="patient-mrn"
            {...form.getInputProps("medicalRecordNumber")}
          />
          <TextInput
            label="Phone"
            description="Optional"
            type="tel"
            data-testid="patient-phone"
            {...form.getInputProps("phone")}
          />
        </SimpleGrid>
        {serverError && (
          <Alert color="red" variant="light" title="Could not save the patient">
            {serverError}
          </Alert>
        )}
        <Group justify="flex-end">
          {onCancel && (
            <Button variant="default" onClick={onCancel} disabled={saving}>
              Cancel
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
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: (input: PatientInput) => (patient ? api.updatePatient(patient.id, input) : api.createPatient(input)),
    onSuccess: async (saved) => {
      // The name is isolated (FSI…PDI) so an Arabic name does not reorder the sentence.
      const name = `\u2068${saved.fullName}\u2069`;
      notifySuccess(patient ? `${name} was updated.` : `${name} was added.`, "Patient saved");
      await client.invalidateQueries({ queryKey: queryKeys.patients });
      await client.invalidateQueries({ queryKey: queryKeys.cases });
      onSaved?.(saved);
      onClose();
    },
    // Shown as a notification too; the form puts field errors on their field.
    onError: (error) => notifyError(error, "Could not save the patient"),
  });
  return (
    <Modal opened={opened} onClose={onClose} title={patient ? "Edit patient" : "New patient"} size="lg" centered>
      {opened && (
        <PatientForm
          key={patient?.id ?? "new"}
          initial={patient ? patientToForm(patient) : undefined}
          submitLabel={patient ? "Save changes" : "Add patient"}
          onSubmit={(input) => save.mutateAsync(input)}
          onCancel={onClose}
        />
      )}
    </Modal>
  );
}
