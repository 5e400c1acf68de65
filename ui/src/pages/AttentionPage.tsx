import { Alert, Button, Center, Group, Loader, Paper, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import { ErrorText } from "../components/ErrorText";
import { tCode } from "../i18n";
import { queryKeys, useNeedsAttention } from "../api/queries";
import { formatDateTime } from "../lib/format";
import { humanise } from "../lib/labels";
import { attentionTitle } from "../lib/sync";
import { notifyError } from "../lib/notify";

/** The commands the server refused, with the reason, until their author dismisses them. */
export function AttentionPage() {
  const { t } = useTranslation();
  const items = useNeedsAttention();
  const client = useQueryClient();
  const dismiss = useMutation({
    mutationFn: (commandId: string) => api.dismissAttention(commandId),
    onSuccess: async () => {
      await Promise.all([
        client.invalidateQueries({ queryKey: queryKeys.attention }),
        client.invalidateQueries({ queryKey: queryKeys.syncStatus }),
      ]);
    },
    onError: (error) => notifyError(error, t("attention.dismissFailed")),
  });

  return (
    <Stack gap="md">
      <div>
        <Title order={2}>{t("nav.attention")}</Title>
        <Text c="dimmed" mt="xs">
          {t("attention.intro")}
        </Text>
      </div>
      {items.isPending && (
        <Center py="xl">
          <Loader aria-label={t("common.loading")} />
        </Center>
      )}
      {items.isError && (
        <Alert color="red" title={t("attention.loadFailed")}>
          <ErrorText error={items.error} />
        </Alert>
      )}
      {items.data && items.data.length === 0 && (
        <Text c="dimmed" data-testid="attention-empty">
          {t("attention.empty")}
        </Text>
      )}
      {items.data?.map((item) => (
        <Paper key={item.commandId} withBorder p="md" radius="md" data-testid="attention-row">
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <Stack gap={4}>
              <Text fw={600}>{attentionTitle(item)}</Text>
              <Text size="sm" data-testid="attention-reason">
                <ErrorText error={item} />
              </Text>
              <Text size="xs" c="dimmed">
                {tCode(`errorCode.${item.code}`, humanise(item.code))} · {t("attention.issued", { at: formatDateTime(item.issuedAt) })}
                {item.decidedAt ? ` · ${t("attention.refused", { at: formatDateTime(item.decidedAt) })}` : ""}
              </Text>
            </Stack>
            <Button
              variant="default"
              size="xs"
              data-testid="attention-dismiss"
              loading={dismiss.isPending && dismiss.variables === item.commandId}
              onClick={() => dismiss.mutate(item.commandId)}
            >
              {t("attention.dismiss")}
            </Button>
          </Group>
        </Paper>
      ))}
    </Stack>
  );
}
