import { Alert, Button, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useTranslation } from "react-i18next";
import { fieldKey, type CommandError } from "../../api/client";
import { errorText } from "../../lib/errors";
import { formatNumber } from "../../lib/format";
import { ErrorText } from "../ErrorText";
import { charCount } from "../../lib/validation";

type Props = {
  opened: boolean;
  title: string;
  description?: string;
  label: string;
  /** Said when the text is left empty. */
  requiredMessage: string;
  maxLength: number;
  /** The field name the core uses for this text ("note", "summary"): its refusals land on the field. */
  field: string;
  confirmLabel: string;
  loading: boolean;
  error: CommandError | null;
  minRows?: number;
  /** `${testId}-input` and `${testId}-confirm`. */
  testId: string;
  onConfirm: (text: string) => void;
  onClose: () => void;
};

/** Asks for one required text (a document request's note, the final summary) before a command. */
export function TextModal(props: Props) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.title} centered size="lg">
      {props.opened && <TextForm {...props} />}
    </Modal>
  );
}

function TextForm({
  description,
  label,
  requiredMessage,
  maxLength,
  field,
  confirmLabel,
  loading,
  error,
  minRows = 4,
  testId,
  onConfirm,
  onClose,
}: Props) {
  const { t } = useTranslation();
  const form = useForm({
    mode: "controlled",
    initialValues: { text: "" },
    validate: {
      text: (value) => {
        const v = value.trim();
        if (v === "") return requiredMessage;
        if (charCount(v) > maxLength) return t("validation.tooLong.any", { max: formatNumber(maxLength) });
        return null;
      },
    },
  });
  const serverOnField = error !== null && fieldKey(error.field) === field;
  const length = charCount(form.getValues().text.trim());
  return (
    <form onSubmit={form.onSubmit((values) => onConfirm(values.text.trim()))}>
      <Stack>
        {description && <Text size="sm">{description}</Text>}
        <Textarea
          label={label}
          withAsterisk
          autosize
          minRows={minRows}
          maxRows={16}
          description={t("common.counter", { n: formatNumber(length), max: formatNumber(maxLength) })}
          dir="auto"
          data-testid={`${testId}-input`}
          data-autofocus
          {...form.getInputProps("text")}
          error={form.errors.text ?? (serverOnField ? errorText(error) : undefined)}
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
          <Button type="submit" loading={loading} data-testid={`${testId}-confirm`}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
