import { ActionIcon, Alert, Box, Button, Center, Group, Loader, Paper, ScrollArea, Stack, Text, Textarea } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { api, fieldKey, maxDocumentSizeText } from "../../api/client";
import { i18n } from "../../i18n";
import { errorText } from "../../lib/errors";
import { ErrorText } from "../ErrorText";
import { countsChanged, queryKeys, useChatThread } from "../../api/queries";
import type { CaseDetail, ChatMessageView } from "../../api/types";
import { toDocumentInput, useDocumentStaging, type StagedItem } from "../../hooks/useDocumentStaging";
import { formatBytes, formatDateTime, formatNumber } from "../../lib/format";
import { roleLabel } from "../../lib/labels";
import { notifyError } from "../../lib/notify";
import { charCount, LIMITS } from "../../lib/validation";
import { DocumentPicker } from "../DocumentPicker";
import { CrossIcon } from "../icons";

/**
 * The case's chat, oldest first, and the composer. Reading the thread marks it read; it is
 * read again after every sync (AppLayout refreshes every query) and after posting.
 */
export function ChatPanel({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const thread = useChatThread(detail.id, true);

  // Read: the counts (the navigation's, this case's tab) change.
  const readAt = thread.dataUpdatedAt;
  useEffect(() => {
    if (readAt === 0) return;
    void countsChanged(client);
    void client.invalidateQueries({ queryKey: queryKeys.case(detail.id) });
  }, [client, detail.id, readAt]);

  return (
    <Stack data-testid="chat-panel">
      {thread.isPending && (
        <Center py="md">
          <Loader aria-label={t("chat.loading")} />
        </Center>
      )}
      {thread.isError && (
        <Alert color="red" title={t("chat.loadFailed")}>
          <ErrorText error={thread.error} />
        </Alert>
      )}
      {thread.data && (
        <>
          <Messages messages={thread.data.messages} />
          {!thread.data.canPost && (
            <Alert color="gray" variant="light" data-testid="chat-closed">
              {detail.status === "draft" ? t("chat.closedDraft") : t("chat.closed")}
            </Alert>
          )}
          <Composer caseId={detail.id} disabled={!thread.data.canPost} />
        </>
      )}
    </Stack>
  );
}

function Messages({ messages }: { messages: readonly ChatMessageView[] }) {
  const { t } = useTranslation();
  const viewport = useRef<HTMLDivElement>(null);
  const last = messages.at(-1)?.id;
  // The newest message in view, as in any chat.
  useEffect(() => {
    const el = viewport.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [last]);
  if (messages.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="chat-empty">
        {t("chat.empty")}
      </Text>
    );
  }
  return (
    <ScrollArea.Autosize mah={420} viewportRef={viewport} type="auto" data-testid="chat-messages">
      <Stack gap="sm" pe="sm">
        {messages.map((m) => (
          <Message key={m.id} message={m} />
        ))}
      </Stack>
    </ScrollArea.Autosize>
  );
}

function Message({ message: m }: { message: ChatMessageView }) {
  const { t } = useTranslation();
  return (
    <Box
      maw="80%"
      style={{ alignSelf: m.mine ? "flex-end" : "flex-start" }}
      data-testid="chat-message"
      data-message-id={m.id}
      data-mine={m.mine ? "true" : "false"}
      data-pending={m.pending ? "true" : "false"}
    >
      <Paper p="sm" radius="md" withBorder bg={m.mine ? "var(--mantine-color-blue-light)" : undefined}>
        <Group gap="xs" justify="space-between" wrap="nowrap">
          <Text size="xs" fw={600} data-testid="chat-message-author">
            <bdi>{m.author.name}</bdi> · {roleLabel(m.author.role)}
          </Text>
          <Text size="xs" c="dimmed" data-testid="chat-message-time">
            {m.pending ? t("chat.sending") : formatDateTime(m.sentAt)}
          </Text>
        </Group>
        {m.body && (
          <Text size="sm" dir="auto" className="so-pre" mt={4} data-testid="chat-message-body">
            {m.body}
          </Text>
        )}
        {m.attachment && (
          <Text size="xs" mt={4} c="dimmed" dir="auto" data-testid="chat-message-attachment" style={{ overflowWrap: "anywhere" }}>
            <Trans
              i18nKey="chat.attachment"
              values={{ name: m.attachment.name, size: formatBytes(m.attachment.sizeBytes) }}
              components={{ bdi: <bdi /> }}
            />
          </Text>
        )}
      </Paper>
    </Box>
  );
}

/** `disabled`: the case takes no messages now (the reason is said above it). */
function Composer({ caseId, disabled }: { caseId: string; disabled: boolean }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [body, setBody] = useState("");
  const [attachment, setAttachment] = useState<StagedItem | null>(null);
  const [touched, setTouched] = useState(false);
  const staging = useDocumentStaging((item) => setAttachment(item));
  const post = useMutation({
    mutationFn: () => api.postMessage(caseId, body.trim(), attachment ? toDocumentInput(attachment) : null),
    onSuccess: async (thread) => {
      client.setQueryData(queryKeys.chat(caseId), thread);
      setBody("");
      setAttachment(null);
      setTouched(false);
      await countsChanged(client);
    },
    onError: (error) => notifyError(error, i18n.t("chat.sendFailed")),
  });
  const length = charCount(body.trim());
  const tooLong = length > LIMITS.chatMessage;
  const empty = length === 0 && attachment === null;
  const localError = tooLong
    ? t("validation.tooLong.any", { max: formatNumber(LIMITS.chatMessage) })
    : touched && empty
      ? t("chat.writeSomething")
      : null;
  const serverError = post.error && fieldKey(post.error.field) === "body" ? errorText(post.error) : null;
  const send = () => {
    setTouched(true);
    if (disabled || tooLong || empty || staging.busy) return;
    post.mutate();
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
      data-testid="chat-composer"
    >
      <Stack gap="xs">
        <Textarea
          label={t("chat.message")}
          placeholder={t("chat.placeholder")}
          dir="auto"
          autosize
          minRows={2}
          maxRows={8}
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              send();
            }
          }}
          description={t("common.counter", { n: formatNumber(length), max: formatNumber(LIMITS.chatMessage) })}
          error={localError ?? serverError ?? undefined}
          disabled={disabled}
          data-testid="chat-input"
        />
        {post.error && !serverError && (
          <Alert color="red" variant="light" data-testid="chat-send-error">
            <ErrorText error={post.error} />
          </Alert>
        )}
        <Group justify="space-between" align="flex-end">
          {attachment ? (
            <Group gap={4} data-testid="chat-attachment">
              <Text size="sm" dir="auto">
                <Trans
                  i18nKey="chat.attached"
                  values={{ name: attachment.name, size: formatBytes(attachment.sizeBytes) }}
                  components={{ bdi: <bdi /> }}
                />
              </Text>
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label={t("documents.removeNamed", { name: attachment.name })}
                onClick={() => setAttachment(null)}
                data-testid="chat-attachment-remove"
              >
                <CrossIcon />
              </ActionIcon>
            </Group>
          ) : (
            <DocumentPicker
              label={t("chat.attach")}
              description={t("chat.attachHint", { max: maxDocumentSizeText() })}
              multiple={false}
              disabled={disabled || staging.busy || post.isPending}
              error={staging.error ?? undefined}
              onFiles={(files) => void staging.stageFiles(files.slice(0, 1))}
              data-testid="chat-file"
            />
          )}
          <Button type="submit" disabled={disabled} loading={post.isPending || staging.busy} data-testid="chat-send">
            {t("chat.send")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
