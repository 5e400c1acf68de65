import { Alert, Button, Group, Modal, Stack, Textarea, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { fieldKey, type CommandError } from "../../api/client";
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
  return (
    <Modal opened={opened} onClose={props.onClose} title={initial ? "Edit issue" : "Report issue"} centered size="lg">
      {opened && <IssueForm initial={initial} {...props} />}
    </Modal>
  );
}

function IssueForm({ initial, loading, error, onSubmit, onClose }: Omit<Props, "opened">) {
  const form = useForm<IssueInput>({
    mode: "controlled",
    initialValues: initial ?? { title: "", description: "" },
    validate: {
      title: (v) => {
        const t = v.trim();
        if (t === "") return "The title is required";
        if (charCount(t) > LIMITS.issueTitle) return `At most ${LIMITS.issueTitle.toLocaleString("en")} characters`;
        return null;
      },
      description: (v) => (charCount(v.trim()) > LIMITS.reason ? `At most ${LIMITS.reason.toLocaleString("en")} characters` : null),
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
          label="Title"
          withAsterisk
          data-testid="issue-title"
          data-autofocus
          {...form.getInputProps("title")}
          error={form.errors.title ?? (onField === "title" ? error?.message : undefined)}
        />
        <Textarea
          label="Description"
          autosize
          minRows={3}
          maxRows={10}
          data-testid="issue-description"
          {...form.getInputProps("description")}
          error={form.errors.description ?? (onField === "description" ? error?.message : undefined)}
        />
        {error && onField === null && (
          <Alert color="red" variant="light">
            {error.message}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={loading}>
            Back
          </Button>
          <Button type="submit" loading={loading} data-testid="issue-submit">
            {initial ? "Save" : "Report issue"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
