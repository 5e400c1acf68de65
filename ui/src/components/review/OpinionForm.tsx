import { Alert, Button, Center, Group, Loader, Paper, Stack, Text, Textarea, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useDebouncedCallback } from "@mantine/hooks";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { api, fieldKey, normaliseError, type CommandError } from "../../api/client";
import { caseChanged } from "../../api/queries";
import type { CaseDetail, OpinionInput } from "../../api/types";
import type { ActionPresentation } from "../../lib/actions";
import { formatDateTime } from "../../lib/format";
import { notifyError, notifySuccess } from "../../lib/notify";
import { charCount, LIMITS } from "../../lib/validation";
import { ActionButton } from "../ActionButton";

/** How long typing must pause before the draft is saved. */
export const DRAFT_SAVE_DELAY_MS = 800;

const EMPTY: OpinionInput = { assessment: "", diagnosis: "", recommendations: "", answers: "", references: "" };

type Field = keyof OpinionInput;

const FIELDS: { key: Field; label: string; description?: string; required: boolean; minRows: number }[] = [
  { key: "assessment", label: "Assessment", description: "Your assessment of the case and its records", required: true, minRows: 4 },
  { key: "diagnosis", label: "Diagnosis", required: true, minRows: 2 },
  { key: "recommendations", label: "Recommendations", description: "Treatment and next steps", required: true, minRows: 3 },
  {
    key: "answers",
    label: "Answers to the requester's questions",
    required: false,
    minRows: 3,
  },
  { key: "references", label: "References", description: "Guidelines and literature", required: false, minRows: 2 },
];

const LABELS: Record<Field, string> = Object.fromEntries(FIELDS.map((f) => [f.key, f.label])) as Record<Field, string>;

function validate(required: boolean, label: string) {
  return (value: string) => {
    const v = value.trim();
    if (required && v === "") return `${label} is required`;
    if (charCount(v) > LIMITS.longText) return `${label} must be at most ${LIMITS.longText.toLocaleString("en")} characters`;
    return null;
  };
}

const draftQueryKey = (caseId: string) => ["opinion-draft", caseId] as const;

/**
 * The provider's structured opinion. What they type is kept as a draft on this computer
 * (debounced, `save_opinion_draft`) and restored when the form opens again; submitting it
 * (`submit_opinion`) deletes the draft.
 */
export function OpinionForm({ detail, submit }: { detail: CaseDetail; submit: ActionPresentation }) {
  const draft = useQuery({
    queryKey: draftQueryKey(detail.id),
    queryFn: () => api.opinionDraft(detail.id),
    staleTime: Infinity,
    gcTime: 0,
  });
  return (
    <Paper withBorder p="md" radius="md" data-testid="opinion-form">
      <Title order={3} size="h4" mb="xs">
        Your opinion
      </Title>
      {detail.question && (
        <Text size="sm" c="dimmed" mb="sm">
          The requester asks: <span dir="auto">{detail.question}</span>
        </Text>
      )}
      {draft.isPending ? (
        <Center py="md">
          <Loader aria-label="Loading your draft" />
        </Center>
      ) : (
        <OpinionFields
          detail={detail}
          submit={submit}
          initial={draft.data ?? EMPTY}
          restored={Boolean(draft.data)}
          loadError={draft.error}
        />
      )}
    </Paper>
  );
}

type DraftState =
  | { kind: "idle" }
  | { kind: "restored" }
  | { kind: "saving" }
  | { kind: "saved"; at: string }
  | { kind: "failed"; message: string };

function OpinionFields({
  detail,
  submit,
  initial,
  restored,
  loadError,
}: {
  detail: CaseDetail;
  submit: ActionPresentation;
  initial: OpinionInput;
  restored: boolean;
  loadError: CommandError | null;
}) {
  const client = useQueryClient();
  const [draftState, setDraftState] = useState<DraftState>(restored ? { kind: "restored" } : { kind: "idle" });
  const [serverError, setServerError] = useState<CommandError | null>(null);
  // After submitting, nothing may save the draft again.
  const closed = useRef(false);

  const saveDraft = useDebouncedCallback(
    async (values: OpinionInput) => {
      if (closed.current) return;
      setDraftState({ kind: "saving" });
      try {
        await api.saveOpinionDraft(detail.id, values);
        if (!closed.current) setDraftState({ kind: "saved", at: new Date().toISOString() });
      } catch (raw) {
        if (!closed.current) setDraftState({ kind: "failed", message: normaliseError(raw).message });
      }
    },
    { delay: DRAFT_SAVE_DELAY_MS, flushOnUnmount: true },
  );

  const form = useForm<OpinionInput>({
    mode: "controlled",
    initialValues: initial,
    validate: Object.fromEntries(FIELDS.map((f) => [f.key, validate(f.required, f.label)])),
    onValuesChange: (values) => {
      if (!closed.current) saveDraft(values);
    },
  });

  const mutation = useMutation({
    mutationFn: (opinion: OpinionInput) => api.submitOpinion(detail.id, opinion),
    onMutate: () => {
      saveDraft.cancel();
      setServerError(null);
    },
    onSuccess: async (updated) => {
      closed.current = true;
      client.removeQueries({ queryKey: draftQueryKey(detail.id) });
      await caseChanged(client, updated);
      notifySuccess("Your opinion was submitted.");
    },
    onError: (error) => {
      const key = fieldKey(error.field);
      if (key && key in LABELS) form.setFieldError(key, error.message);
      else setServerError(error);
      notifyError(error, "Could not submit the opinion");
    },
  });

  return (
    <form
      onSubmit={form.onSubmit((values) => {
        const trimmed = Object.fromEntries(FIELDS.map((f) => [f.key, values[f.key].trim()])) as OpinionInput;
        mutation.mutate(trimmed);
      })}
    >
      <Stack>
        {loadError && (
          <Alert color="yellow" variant="light">
            Your saved draft could not be read: {loadError.message}
          </Alert>
        )}
        {FIELDS.map((f) => (
          <Textarea
            key={f.key}
            label={f.label}
            description={f.description}
            withAsterisk={f.required}
            autosize
            minRows={f.minRows}
            maxRows={20}
            dir="auto"
            data-testid={`opinion-${f.key}`}
            {...form.getInputProps(f.key)}
          />
        ))}
        {serverError && (
          <Alert color="red" variant="light" data-testid="opinion-error">
            {serverError.message}
          </Alert>
        )}
        <Group justify="space-between" align="center">
          <DraftIndicator state={draftState} />
          {submit.visible && submit.enabled ? (
            <Button type="submit" loading={mutation.isPending} data-testid="action-submit-opinion">
              Submit opinion
            </Button>
          ) : (
            <ActionButton presentation={submit} onClick={() => {}} data-testid="action-submit-opinion">
              Submit opinion
            </ActionButton>
          )}
        </Group>
      </Stack>
    </form>
  );
}

function DraftIndicator({ state }: { state: DraftState }) {
  const text = (() => {
    switch (state.kind) {
      case "idle":
        return "Drafts are saved on this computer as you type.";
      case "restored":
        return "Draft restored from this computer.";
      case "saving":
        return "Saving draft…";
      case "saved":
        return `Draft saved ${formatDateTime(state.at)}`;
      case "failed":
        return `The draft could not be saved: ${state.message}`;
    }
  })();
  return (
    <Text
      size="xs"
      c={state.kind === "failed" ? "red" : "dimmed"}
      data-testid="opinion-draft-status"
      data-state={state.kind}
      aria-live="polite"
    >
      {text}
    </Text>
  );
}
