import { Text, Timeline } from "@mantine/core";
import type { TimelineEntry } from "../api/types";
import { formatDateTime } from "../lib/format";
import { roleLabel } from "../lib/labels";

export function CaseTimeline({ entries }: { entries: readonly TimelineEntry[] }) {
  if (entries.length === 0) {
    return (
      <Text c="dimmed" size="sm" data-testid="timeline">
        Nothing has happened yet.
      </Text>
    );
  }
  return (
    <Timeline active={entries.length - 1} bulletSize={16} lineWidth={2} data-testid="timeline">
      {entries.map((entry, i) => (
        <Timeline.Item key={`${entry.at}-${i}`} title={entry.label} data-testid="timeline-entry">
          <Text size="sm" c="dimmed">
            {entry.actorName} ({roleLabel(entry.actorRole)}) · {formatDateTime(entry.at)}
          </Text>
          {entry.detail && (
            <Text size="sm" mt={4} style={{ whiteSpace: "pre-wrap" }}>
              {entry.detail}
            </Text>
          )}
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
