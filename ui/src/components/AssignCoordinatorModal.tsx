import { Alert, Button, Group, Modal, NativeSelect, Stack, Text } from "@mantine/core";
import { useState } from "react";
import type { CommandError } from "../api/client";
import type { Catalog, CaseDetail } from "../api/types";
import { coordinatorsForSpecialty, specialtyName } from "../lib/catalog";

type Props = {
  opened: boolean;
  detail: CaseDetail;
  catalog: Catalog | undefined;
  loading: boolean;
  error: CommandError | null;
  onConfirm: (coordinatorId: string) => void;
  onClose: () => void;
};

/** Picks a coordinator of the review type's specialty (the core checks eligibility again). */
export function AssignCoordinatorModal(props: Props) {
  const title = props.detail.coordinator ? "Change coordinator" : "Assign coordinator";
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={title} centered>
      {props.opened && <AssignForm {...props} />}
    </Modal>
  );
}

function AssignForm({ detail, catalog, loading, error, onConfirm, onClose }: Props) {
  const [coordinatorId, setCoordinatorId] = useState("");
  const [touched, setTouched] = useState(false);
  const specialtyId = detail.reviewType.specialtyId;
  const specialty = specialtyName(catalog, specialtyId) ?? "this specialty";
  const current = detail.coordinator?.id;
  const options = catalog ? coordinatorsForSpecialty(catalog, specialtyId).filter((c) => c.id !== current) : [];
  const fieldError =
    (touched && coordinatorId === "" ? "Choose a coordinator" : null) ??
    (error && (error.code === "not_eligible" || error.field === "coordinatorId") ? error.message : null);

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        setTouched(true);
        if (coordinatorId !== "") onConfirm(coordinatorId);
      }}
    >
      <Stack>
        {detail.coordinator && (
          <Text size="sm">
            Currently: <strong>{detail.coordinator.name}</strong>. The payment link stays the same.
          </Text>
        )}
        {!catalog && <Text size="sm">Loading the coordinators…</Text>}
        {catalog && options.length === 0 && (
          <Alert color="yellow" variant="light">
            No {detail.coordinator ? "other " : ""}coordinator is configured for {specialty}.
          </Alert>
        )}
        <NativeSelect
          label="Coordinator"
          description={`Coordinators for ${specialty}`}
          withAsterisk
          data-testid="coordinator-select"
          data-autofocus
          value={coordinatorId}
          onChange={(e) => setCoordinatorId(e.currentTarget.value)}
          data={[
            { value: "", label: "Choose a coordinator…", disabled: true },
            ...options.map((c) => ({ value: c.id, label: c.name })),
          ]}
          error={fieldError ?? undefined}
        />
        {error && fieldError === null && (
          <Alert color="red" variant="light">
            {error.message}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={loading}>
            Back
          </Button>
          <Button type="submit" loading={loading} data-testid="assign-confirm">
            {detail.coordinator ? "Change coordinator" : "Assign coordinator"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
