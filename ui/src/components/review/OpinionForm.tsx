import { Alert, Button, Center, Group, Loader, Paper, Stack, Text, Textarea, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useDebouncedCallback } from "@mantine/hooks";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { i18n } from "../../i18n";
import { errorText } from "../../lib/errors";
import { ErrorText } from "../ErrorText";
import { api, fieldKey, normaliseError, type CommandError } from "../../api/client";
import { caseChanged } from "../../api/queries";
import type { CaseDetail, OpinionInput } from "../../api/types";
import type { ActionPresentation } from "../../lib/actions";
import { formatDateTime, formatNumber } from "../../lib/format";
import { notifyError, notifySuccess } from "../../lib/notify";
import { charCount, LIMITS } from "../../lib/validation";
import { ActionButton } from "../ActionButton";

/** How long typing must pause before the draft is saved. */
export const DRAFT_SAVE_DELAY_MS = 800;

const EMPTY: OpinionInput = { assessment: "", diagnosis: "", recommendations: "", answers: "", references: "" };

type Field = keyof OpinionInput;

// Labels and descriptions: opinion.field.<key>.label / .description in the catalogs.
const FIELDS: { key: Field; described: boolean; required: boolean; minRows: number }[] = [
  { key: "assessment", described: true, required: true, minRows: 4 },
  { key: "diagnosis", described: false, required: true, minRows: 2 },
  { key: "recommendations", described: true, required: true, minRows: 3 },
  { key: "answers", described: false, required: false, minRows: 3 },
  { key: "references", described: true, required: false, minRows: 2 },
];

const FIELD_KEYS = new Set<string>(FIELDS.map((f) => f.key));

function validate(required: boolean, key: Field) {
  return (value: string) => {
    const v = value.trim();
    if (required && v === "") return i18n.t(`opinion.field.${key}.required`);
    if (charCount(v) > LIMITS.longText)
      return i18n.t(`opinion.field.${key}.tooLong`, { max: formatNumber(LIMITS.longText) });
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
  const { t } = useTranslation();
  const draft = useQuery({
    queryKey: draftQueryKey(detail.id),
    queryFn: () => api.opinionDraft(detail.id),
    staleTime: Infinity,
    gcTime: 0,
  });
  return (
    <Paper withBorder p="md" radius="md" data-testid="opinion-form">
      <Title order={3} size="h4" mb="xs">
        {t("opinion.title")}
      </Title>
      {detail.question && (
        <Text size="sm" c="dimmed" mb="sm">
          {t("opinion.requesterAsks")} <span dir="auto">{detail.question}</span>
        </Text>
      )}
      {draft.isPending ? (
        <Center py="md">
          <Loader aria-label={t("opinion.loadingDraft")} />
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
  const { t } = useTranslation();
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
        if (!closed.current) setDraftState({ kind: "failed", message: errorText(normaliseError(raw)) });
      }
    },
    { delay: DRAFT_SAVE_DELAY_MS, flushOnUnmount: true },
  );

  const form = useForm<OpinionInput>({
    mode: "controlled",
    initialValues: initial,
    validate: Object.fromEntries(FIELDS.map((f) => [f.key, validate(f.required, f.key)])),
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
      notifySuccess(i18n.t("opinion.submitted"));
    },
    onError: (error) => {
      const key = fieldKey(error.field);
      if (key && FIELD_KEYS.has(key)) form.setFieldError(key, errorText(error));
      else setServerError(error);
      notifyError(error, i18n.t("opinion.submitFailed"));
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
            {t("opinion.draftUnreadable")} <ErrorText error={loadError} />
          </Alert>
        )}
        {FIELDS.map((f) => (
          <Textarea
            key={f.key}
            label={t(`opinion.field.${f.key}.label`)}
            description={f.described ? t(`opinion.field.${f.key}.description`) : undefined}
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
            <ErrorText error={serverError} />
          </Alert>
        )}
        <Group justify="space-between" align="center">
          <DraftIndicator state={draftState} />
          {submit.visible && submit.enabled ? (
            <Button type="submit" loading={mutation.isPending} data-testid="action-submit-opinion">
              {t("opinion.submit")}
            </Button>
          ) : (
            <ActionButton presentation={submit} onClick={() => {}} data-testid="action-submit-opinion">
              {t("opinion.submit")}
            </ActionButton>
          )}
        </Group>
      </Stack>
    </form>
  );
}

function DraftIndicator({ state }: { state: DraftState }) {
  const { t } = useTranslation();
  const text = (() => {
    switch (state.kind) {
      case "idle":
        return t("opinion.draft.idle");
      case "restored":
        return t("opinion.draft.restored");
      case "saving":
        return t("opinion.draft.saving");
      case "saved":
        return t("opinion.draft.saved", { at: formatDateTime(state.at) });
      case "failed":
        return t("opinion.draft.failed", { error: state.message });
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
