import { Group, Text } from "@mantine/core";
import type { SyncStatus } from "../api/types";
import { syncSummary } from "../lib/sync";

export function SyncIndicator({ status }: { status: SyncStatus | undefined }) {
  const standalone = !status || status.serverUrl === null;
  const color = standalone ? "dimmed" : status.online ? "teal" : "orange";
  return (
    <Group gap={4} wrap="nowrap">
      <Text
        size="sm"
        c={color}
        data-testid="sync-status"
        data-state={standalone ? "standalone" : status.online ? "online" : "offline"}
        title={status?.serverUrl ?? undefined}
      >
        {syncSummary(status)}
      </Text>
    </Group>
  );
}
