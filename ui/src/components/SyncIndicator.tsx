import { Button, Group, Text } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import type { SyncStatus } from "../api/types";
import { notifyError } from "../lib/notify";
import { syncSummary } from "../lib/sync";

/** The header's sync line, and "Sync now" while signed in to a server. */
export function SyncIndicator({ status }: { status: SyncStatus | undefined }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const syncNow = useMutation({
    mutationFn: api.syncNow,
    // Whatever came back may change any screen.
    onSettled: () => client.invalidateQueries(),
    onError: (error) => notifyError(error, t("sync.syncFailed")),
  });
  const standalone = !status || status.serverUrl === null;
  const color = standalone ? "dimmed" : status.online ? "teal" : "orange";
  return (
    <Group gap="xs" wrap="nowrap">
      <Text
        size="sm"
        c={color}
        data-testid="sync-status"
        data-state={standalone ? "standalone" : status.online ? "online" : "offline"}
        data-live={!standalone && status.live ? "true" : "false"}
        title={status?.serverUrl ?? undefined}
      >
        {syncSummary(status)}
      </Text>
      {!standalone && status.signedIn && (
        <Button
          size="compact-sm"
          variant="subtle"
          onClick={() => syncNow.mutate()}
          loading={syncNow.isPending}
          data-testid="sync-now"
        >
          {t("sync.syncNow")}
        </Button>
      )}
    </Group>
  );
}
