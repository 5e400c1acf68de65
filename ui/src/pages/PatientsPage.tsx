import { Alert, Button, Center, Group, Loader, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ErrorText } from "../components/ErrorText";
import { usePatients } from "../api/queries";
import type { Capabilities, Patient } from "../api/types";
import { PatientFormModal } from "../components/PatientForm";
import { formatDateTime } from "../lib/format";
import { sexLabel } from "../lib/labels";

function matches(p: Patient, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === "") return true;
  return [p.fullName, p.medicalRecordNumber ?? "", p.phone ?? "", p.dateOfBirth].some((v) => v.toLowerCase().includes(q));
}

/** The patients the user may see; adding and editing them only as `capabilities` say (the core's rules). */
export function PatientsPage({ capabilities }: { capabilities: Pick<Capabilities, "patients" | "managePatients"> }) {
  const { t } = useTranslation();
  const allowed = capabilities.patients;
  const canEdit = capabilities.managePatients;
  const patients = usePatients(allowed);
  // The patient being edited (null: a new one); kept while the modal closes so its title does not flicker.
  const [editing, setEditing] = useState<{ opened: boolean; patient: Patient | null }>({ opened: false, patient: null });
  const [query, setQuery] = useState("");

  if (!allowed) {
    return (
      <Stack>
        <Title order={2}>{t("patients.title")}</Title>
        <Alert color="gray">{t("patients.notAllowed")}</Alert>
      </Stack>
    );
  }

  const rows = (patients.data ?? []).filter((p) => matches(p, query));
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>{t("patients.title")}</Title>
          {!canEdit && (
            <Text size="sm" c="dimmed">
              {t("patients.readOnly")}
            </Text>
          )}
        </div>
        {canEdit && (
          <Button onClick={() => setEditing({ opened: true, patient: null })} data-testid="patient-new">
            {t("patients.new")}
          </Button>
        )}
      </Group>
      <TextInput
        label={t("patients.search")}
        placeholder={t("patients.searchPlaceholder")}
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
        dir="auto"
        maw={420}
        data-testid="patient-search"
      />
      {patients.isPending && (
        <Center py="xl">
          <Loader aria-label={t("patients.loading")} />
        </Center>
      )}
      {patients.isError && (
        <Alert color="red" title={t("patients.loadFailed")}>
          <ErrorText error={patients.error} />
        </Alert>
      )}
      {patients.data && patients.data.length === 0 && (
        <Text c="dimmed">{canEdit ? t("patients.emptyCanAdd") : t("patients.empty")}</Text>
      )}
      {patients.data && patients.data.length > 0 && rows.length === 0 && <Text c="dimmed">{t("patients.noMatch")}</Text>}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={700}>
          <Table striped highlightOnHover verticalSpacing="sm" data-testid="patients-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("patients.fullName")}</Table.Th>
                <Table.Th>{t("patients.dateOfBirth")}</Table.Th>
                <Table.Th>{t("patients.sex")}</Table.Th>
                <Table.Th>{t("patients.mrn")}</Table.Th>
                <Table.Th>{t("patients.phone")}</Table.Th>
                <Table.Th>{t("patients.updatedColumn")}</Table.Th>
                {canEdit && <Table.Th aria-label={t("documents.actions")} />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((p) => (
                <Table.Tr key={p.id} data-testid="patient-row" data-patient-id={p.id}>
                  <Table.Td dir="auto">{p.fullName}</Table.Td>
                  <Table.Td>
                    <bdi dir="ltr">{p.dateOfBirth}</bdi>
                  </Table.Td>
                  <Table.Td>{sexLabel(p.sex)}</Table.Td>
                  <Table.Td>
                    <bdi dir="ltr">{p.medicalRecordNumber ?? "—"}</bdi>
                  </Table.Td>
                  <Table.Td>
                    <bdi dir="ltr">{p.phone ?? "—"}</bdi>
                  </Table.Td>
                  <Table.Td>{formatDateTime(p.updatedAt)}</Table.Td>
                  {canEdit && (
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => setEditing({ opened: true, patient: p })}
                        aria-label={t("patients.editNamed", { name: p.fullName })}
                        data-testid="patient-edit"
                      >
                        {t("common.edit")}
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {canEdit && (
        <PatientFormModal
          opened={editing.opened}
          onClose={() => setEditing((e) => ({ ...e, opened: false }))}
          patient={editing.patient}
        />
      )}
    </Stack>
  );
}
