import { Alert, Button, Checkbox, Group, Modal, Stack, Text } from "@mantine/core";
import { useState } from "react";
import type { CommandError } from "../../api/client";
import type { CaseDetail } from "../../api/types";
import { specialtiesText } from "./labels";

type Props = {
  opened: boolean;
  detail: CaseDetail;
  loading: boolean;
  error: CommandError | null;
  onConfirm: (providerIds: string[]) => void;
  onClose: () => void;
};

/**
 * The coordinator picks one or more of the providers eligible for the case's disease
 * category (`detail.eligibleProviders`, computed by the core's rules, which check again).
 */
export function AssignProvidersModal(props: Props) {
  const replacing = props.detail.assignments.some((a) => a.status === "declined");
  const title = props.detail.assignments.length === 0 ? "Assign providers" : replacing ? "Replace or add providers" : "Add providers";
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={title} centered>
      {props.opened && <AssignForm {...props} />}
    </Modal>
  );
}

function AssignForm({ detail, loading, error, onConfirm, onClose }: Props) {
  const [chosen, setChosen] = useState<string[]>([]);
  const [touched, setTouched] = useState(false);
  const options = detail.eligibleProviders;
  const declined = detail.assignments.filter((a) => a.status === "declined");
  const fieldError =
    (touched && chosen.length === 0 ? "Choose at least one provider" : null) ??
    (error && error.field === "providerIds" ? error.message : null);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        setTouched(true);
        if (chosen.length > 0) onConfirm(chosen);
      }}
    >
      <Stack>
        {declined.length > 0 && (
          <Text size="sm" data-testid="assign-providers-declined">
            Declined: {declined.map((a) => a.provider.name).join(", ")}. Choose who takes their place.
          </Text>
        )}
        {options.length === 0 ? (
          <Alert color="yellow" variant="light" data-testid="assign-providers-none">
            No {detail.assignments.length > 0 ? "other " : ""}provider is mapped to {detail.diseaseCategory.labelEn}.
          </Alert>
        ) : (
          <Checkbox.Group
            label="Providers"
            description={`Specialists mapped to ${detail.diseaseCategory.labelEn}`}
            withAsterisk
            value={chosen}
            onChange={setChosen}
            error={fieldError ?? undefined}
            data-testid="provider-options"
          >
            <Stack gap="xs" mt="xs">
              {options.map((p) => (
                <Checkbox
                  key={p.id}
                  value={p.id}
                  label={p.name}
                  description={specialtiesText(p) || undefined}
                  data-testid="provider-option"
                  data-provider-id={p.id}
                />
              ))}
            </Stack>
          </Checkbox.Group>
        )}
        {error && fieldError === null && (
          <Alert color="red" variant="light">
            {error.message}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={loading}>
            Back
          </Button>
          <Button type="submit" loading={loading} disabled={options.length === 0} data-testid="assign-providers-confirm">
            Assign
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
