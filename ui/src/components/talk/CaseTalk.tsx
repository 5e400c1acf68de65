import { Group, Paper, Tabs } from "@mantine/core";
import { useEffect, useRef, useState } from "react";
import type { CaseDetail } from "../../api/types";
import type { ActionPresentation } from "../../lib/actions";
import type { CaseTab } from "../../lib/router";
import { Tag } from "../Tag";
import { useTranslation } from "react-i18next";
import { AppointmentsPanel } from "./AppointmentsPanel";
import { ChatPanel } from "./ChatPanel";
import { IssuesPanel } from "./IssuesPanel";

type Props = {
  detail: CaseDetail;
  /** The tab a link asked for (a notification about a chat message opens the chat). */
  initialTab?: CaseTab;
  resolveReturn: ActionPresentation;
  resolvingReturn: string | null;
  onResolveReturn: (issueId: string) => void;
};

function Count({ value, color, testId }: { value: number; color: string; testId: string }) {
  if (value <= 0) return null;
  return (
    <Tag color={color} data-testid={testId} data-count={String(value)}>
      {value}
    </Tag>
  );
}

/**
 * The people of the case working together: its appointments, its issues and (for anyone
 * but an admin) its chat, as tabs. Only the shown tab is mounted, so the chat is read —
 * and marked read — only while it is on screen, and appointments are marked seen only
 * when their tab is.
 */
export function CaseTalk({ detail, initialTab, resolveReturn, resolvingReturn, onResolveReturn }: Props) {
  const { t } = useTranslation();
  const { talk } = detail;
  const pick = (wanted: CaseTab | undefined): CaseTab => (wanted === "chat" && !talk.chatAvailable ? "appointments" : (wanted ?? "appointments"));
  const [tab, setTab] = useState<CaseTab>(() => pick(initialTab));
  // Another link to this same case asked for another tab: follow it.
  const [asked, setAsked] = useState(initialTab);
  if (asked !== initialTab) {
    setAsked(initialTab);
    if (initialTab) setTab(pick(initialTab));
  }
  const shown: CaseTab = tab === "chat" && !talk.chatAvailable ? "appointments" : tab;

  // Opened from a link to a tab: bring the tabs into view (after the layout's scroll to the top).
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!initialTab) return;
    const timer = window.setTimeout(() => ref.current?.scrollIntoView({ block: "start" }), 0);
    return () => window.clearTimeout(timer);
  }, [initialTab]);

  const newAppointments = talk.appointments.filter((a) => a.unread).length;
  const openIssues = talk.issues.filter((i) => !i.resolved).length;
  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      ref={ref}
      // Scrolled to, its tabs stay clear of the app's fixed header.
      style={{ scrollMarginTop: "calc(var(--app-shell-header-height, 60px) + var(--mantine-spacing-md))" }}
      data-testid="case-talk"
    >
      <Tabs value={shown} onChange={(v) => v && setTab(v as CaseTab)} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="appointments" data-testid="tab-appointments">
            <Group gap={6} wrap="nowrap">
              {t("talk.appointments")}
              <Count value={newAppointments} color="red" testId="tab-appointments-new" />
            </Group>
          </Tabs.Tab>
          <Tabs.Tab value="issues" data-testid="tab-issues">
            <Group gap={6} wrap="nowrap">
              {t("talk.issues")}
              <Count value={openIssues} color="yellow" testId="tab-issues-open" />
            </Group>
          </Tabs.Tab>
          {talk.chatAvailable && (
            <Tabs.Tab value="chat" data-testid="tab-chat">
              <Group gap={6} wrap="nowrap">
                {t("talk.chat")}
                {shown !== "chat" && <Count value={talk.chatUnread} color="red" testId="tab-chat-unread" />}
              </Group>
            </Tabs.Tab>
          )}
        </Tabs.List>
        <Tabs.Panel value="appointments">
          <AppointmentsPanel detail={detail} />
        </Tabs.Panel>
        <Tabs.Panel value="issues">
          <IssuesPanel
            detail={detail}
            resolveReturn={resolveReturn}
            resolvingReturn={resolvingReturn}
            onResolveReturn={onResolveReturn}
          />
        </Tabs.Panel>
        {talk.chatAvailable && (
          <Tabs.Panel value="chat">
            <ChatPanel detail={detail} />
          </Tabs.Panel>
        )}
      </Tabs>
    </Paper>
  );
}
