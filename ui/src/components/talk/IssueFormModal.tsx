import { Alert, Button, Group, Modal, Stack, Textarea, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useTranslation } from "react-i18next";
import { fieldKey, type CommandError } from "../../api/client";
import { i18n } from "../../i18n";
import { errorText } from "../../lib/errors";
import { formatNumber } from "../../lib/format";
import { ErrorText } from "../ErrorText";
import type { IssueInput } from "../../api/types";
import { charCount, LIMITS } from "../../lib/validation";

type Props = {
  opened: boolean;
  /** The issue being edited; null to report a new one. */
  initial: IssueInput | null;
  loading: boolean;
  error: CommandError | null;
  onSubmit: (input: IssueInput) => void;
  onClose: () => void;
};

export function IssueFormModal({ opened, initial, ...props }: Props) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={props.onClose} title={initial ? t("issues.editTitle") : t("issues.report")} centered size="lg">
      {opened && <IssueForm initial={initial} {...props} />}
    </Modal>
  );
}

function IssueForm({ initial, loading, error, onSubmit, onClose }: Omit<Props, "opened">) {
  const { t } = useTranslation();
  const form = useForm<IssueInput>({
    mode: "controlled",
    initialValues: initial ?? { title: "", description: "" },
    validate: {
      title: (v) => {
        const title = v.trim();
        if (title === "") return i18n.t("issues.titleRequired");
        if (charCount(title) > LIMITS.issueTitle) return i18n.t("validation.tooLong.any", { max: formatNumber(LIMITS.issueTitle) });
        return null;
      },
      description: (v) =>
        charCount(v.trim()) > LIMITS.reason ? i18n.t("validation.tooLong.any", { max: formatNumber(LIMITS.reason) }) : null,
    },
  });
  const key = fieldKey(error?.field);
  const onField = key === "title" || key === "description" ? key : null;
  return (
    <form
      onSubmit={form.onSubmit((v) => onSubmit({ title: v.title.trim(), description: v.description.trim() }))}
      data-testid="issue-form"
    >
      <Stack>
        <TextInput
          label={t("issues.title")}
          withAsterisk
          dir="auto"
          data-testid="issue-title"
          data-autofocus
          {...form.getInputProps("title")}
          error={form.errors.title ?? (onField === "title" && error ? errorText(error) : undefined)}
        />
        <Textarea
          label={t("issues.description")}
          dir="auto"
          autosize
          minRows={3}
          maxRows={10}
          data-testid="issue-description"
          {...form.getInputProps("description")}
          error={form.errors.description ?? (onField === "description" && error ? errorText(error) : undefined)}
        />
        {error && onField === null && (
          <Alert color="red" variant="light">
            <ErrorText error={error} />
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={loading}>
            {t("common.back")}
          </Button>
          <Button type="submit" loading={loading} data-testid="issue-submit">
            {initial ? t("common.save") : t("issues.report")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
