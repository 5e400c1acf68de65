import { Alert, Button, Center, Group, Loader, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
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
  const allowed = capabilities.patients;
  const canEdit = capabilities.managePatients;
  const patients = usePatients(allowed);
  // The patient being edited (null: a new one); kept while the modal closes so its title does not flicker.
  const [editing, setEditing] = useState<{ opened: boolean; patient: Patient | null }>({ opened: false, patient: null });
  const [query, setQuery] = useState("");

  if (!allowed) {
    return (
      <Stack>
        <Title order={2}>Patients</Title>
        <Alert color="gray">Patients are managed by requesters. You see a patient through the cases you work on.</Alert>
      </Stack>
    );
  }

  const rows = (patients.data ?? []).filter((p) => matches(p, query));
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Patients</Title>
          {!canEdit && (
            <Text size="sm" c="dimmed">
              Read-only: patients are added and edited by their requesters.
            </Text>
          )}
        </div>
        {canEdit && (
          <Button onClick={() => setEditing({ opened: true, patient: null })} data-testid="patient-new">
            New patient
          </Button>
        )}
      </Group>
      <TextInput
        label="Search patients"
        placeholder="Name, medical record number or phone"
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
        dir="auto"
        maw={420}
        data-testid="patient-search"
      />
      {patients.isPending && (
        <Center py="xl">
          <Loader aria-label="Loading patients" />
        </Center>
      )}
      {patients.isError && (
        <Alert color="red" title="Could not load the patients">
          {patients.error.message}
        </Alert>
      )}
      {patients.data && patients.data.length === 0 && (
        <Text c="dimmed">{canEdit ? "No patients yet. Add the first one with “New patient”." : "No patients yet."}</Text>
      )}
      {patients.data && patients.data.length > 0 && rows.length === 0 && <Text c="dimmed">No patient matches.</Text>}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={700}>
          <Table striped highlightOnHover verticalSpacing="sm" data-testid="patients-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Full name</Table.Th>
                <Table.Th>Date of birth</Table.Th>
                <Table.Th>Sex</Table.Th>
                <Table.Th>Medical record number</Table.Th>
                <Table.Th>Phone</Table.Th>
                <Table.Th>Updated</Table.Th>
                {canEdit && <Table.Th aria-label="Actions" />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((p) => (
                <Table.Tr key={p.id} data-testid="patient-row" data-patient-id={p.id}>
                  <Table.Td dir="auto">{p.fullName}</Table.Td>
                  <Table.Td>{p.dateOfBirth}</Table.Td>
                  <Table.Td>{sexLabel(p.sex)}</Table.Td>
                  <Table.Td>{p.medicalRecordNumber ?? "—"}</Table.Td>
                  <Table.Td>{p.phone ?? "—"}</Table.Td>
                  <Table.Td>{formatDateTime(p.updatedAt)}</Table.Td>
                  {canEdit && (
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => setEditing({ opened: true, patient: p })}
                        aria-label={`Edit ${p.fullName}`}
                        data-testid="patient-edit"
                      >
                        Edit
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
