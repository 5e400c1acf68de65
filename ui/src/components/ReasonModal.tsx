import { Alert, Button, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { fieldKey, type CommandError } from "../api/client";
import { errorText } from "../lib/errors";
import { ErrorText } from "./ErrorText";
import { validateReason } from "../lib/validation";

type Props = {
  opened: boolean;
  title: string;
  description?: string;
  label: string;
  required: boolean;
  confirmLabel: string;
  confirmColor?: string;
  loading: boolean;
  /** The last server error: shown on the field when it is about the reason. */
  error: CommandError | null;
  onConfirm: (reason: string | null) => void;
  onClose: () => void;
};

/** Asks for a (required or optional) reason before rejecting or cancelling. */
export function ReasonModal(props: Props) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.title} centered>
      {props.opened && <ReasonForm {...props} />}
    </Modal>
  );
}

function ReasonForm({ description, label, required, confirmLabel, confirmColor, loading, error, onConfirm, onClose }: Props) {
  const { t } = useTranslation();
  const [reason, setReason] = useState("");
  const [touched, setTouched] = useState(false);
  const serverOnField = error !== null && (error.code === "reason_required" || fieldKey(error.field) === "reason");
  const fieldError = (touched ? validateReason(reason, required) : null) ?? (serverOnField ? errorText(error) : null);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        setTouched(true);
        if (validateReason(reason, required)) return;
        const trimmed = reason.trim();
        onConfirm(trimmed === "" ? null : trimmed);
      }}
    >
      <Stack>
        {description && <Text size="sm">{description}</Text>}
        <Textarea
          label={label}
          withAsterisk={required}
          description={required ? undefined : t("common.optional")}
          dir="auto"
          autosize
          minRows={3}
          maxRows={10}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          error={fieldError ?? undefined}
          data-testid="reason-input"
          data-autofocus
        />
        {error && !serverOnField && (
          <Alert color="red" variant="light">
            <ErrorText error={error} />
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={loading}>
            {t("common.back")}
          </Button>
          <Button type="submit" color={confirmColor} loading={loading} data-testid="reason-confirm">
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
