import { Alert, Button, Center, Group, Loader, Paper, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { queryKeys, useNeedsAttention } from "../api/queries";
import { formatDateTime } from "../lib/format";
import { humanise } from "../lib/labels";
import { attentionTitle } from "../lib/sync";
import { notifyError } from "../lib/notify";

/** The commands the server refused, with the reason, until their author dismisses them. */
export function AttentionPage() {
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
    onError: (error) => notifyError(error, "Could not dismiss"),
  });

  return (
    <Stack gap="md">
      <div>
        <Title order={2}>Needs attention</Title>
        <Text c="dimmed" mt="xs">
          The server refused these changes; they were not applied. Read the reason, then dismiss.
        </Text>
      </div>
      {items.isPending && (
        <Center py="xl">
          <Loader aria-label="Loading" />
        </Center>
      )}
      {items.isError && (
        <Alert color="red" title="Could not load the list">
          {items.error.message}
        </Alert>
      )}
      {items.data && items.data.length === 0 && (
        <Text c="dimmed" data-testid="attention-empty">
          Nothing needs your attention.
        </Text>
      )}
      {items.data?.map((item) => (
        <Paper key={item.commandId} withBorder p="md" radius="md" data-testid="attention-row">
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <Stack gap={4}>
              <Text fw={600}>{attentionTitle(item)}</Text>
              <Text size="sm" data-testid="attention-reason">
                {item.message}
              </Text>
              <Text size="xs" c="dimmed">
                {humanise(item.code)} · issued {formatDateTime(item.issuedAt)}
                {item.decidedAt ? ` · refused ${formatDateTime(item.decidedAt)}` : ""}
              </Text>
            </Stack>
            <Button
              variant="default"
              size="xs"
              data-testid="attention-dismiss"
              loading={dismiss.isPending && dismiss.variables === item.commandId}
              onClick={() => dismiss.mutate(item.commandId)}
            >
              Dismiss
            </Button>
          </Group>
        </Paper>
      ))}
    </Stack>
  );
}
