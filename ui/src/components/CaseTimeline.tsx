import { Text, Timeline } from "@mantine/core";
import { Trans, useTranslation } from "react-i18next";
import type { TimelineEntry } from "../api/types";
import { formatDateTime } from "../lib/format";
import { roleLabel } from "../lib/labels";

// The timeline's lines (`label`, `detail`) are written by the core in English: shown as
// sent, in their own direction (docs/decisions.md, "Languages").
export function CaseTimeline({ entries }: { entries: readonly TimelineEntry[] }) {
  const { t } = useTranslation();
  if (entries.length === 0) {
    return (
      <Text c="dimmed" size="sm" data-testid="timeline">
        {t("timeline.empty")}
      </Text>
    );
  }
  return (
    <Timeline active={entries.length - 1} bulletSize={16} lineWidth={2} data-testid="timeline">
      {entries.map((entry, i) => (
        <Timeline.Item key={`${entry.at}-${i}`} title={<bdi>{entry.label}</bdi>} data-testid="timeline-entry">
          <Text size="sm" c="dimmed">
            <Trans
              i18nKey="timeline.who"
              values={{ name: entry.actorName, role: roleLabel(entry.actorRole), at: formatDateTime(entry.at) }}
              components={{ bdi: <bdi /> }}
            />
          </Text>
          {entry.detail && (
            <Text size="sm" mt={4} dir="auto" style={{ whiteSpace: "pre-wrap" }}>
              {entry.detail}
            </Text>
          )}
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
