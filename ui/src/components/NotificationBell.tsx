import { ActionIcon, Alert, Anchor, Box, Button, Center, Group, Indicator, Loader, Popover, ScrollArea, Stack, Text, UnstyledButton } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { i18n, SERVER_LANGUAGE, tCode } from "../i18n";
import { ErrorText } from "./ErrorText";
import { api } from "../api/client";
import { countsChanged, queryKeys, useNotifications } from "../api/queries";
import type { NotificationView } from "../api/types";
import { formatDateTime, formatNumber } from "../lib/format";
import { noticeTab } from "../lib/notifications";
import { notifyError } from "../lib/notify";
import { navigate, routeHref } from "../lib/router";
import { BellIcon } from "./icons";

/**
 * The top bar's bell: the unread count (from the badges), and the notification centre
 * it opens. Opening one marks it read and opens its case (on the tab it is about).
 */
export function NotificationBell({ unread }: { unread: number }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [opened, setOpened] = useState(false);
  const centre = useNotifications(opened);
  const read = useMutation({
    mutationFn: (id: string | null) => api.markNotificationsRead(id),
    onSuccess: async (updated) => {
      client.setQueryData(queryKeys.notifications, updated);
      await countsChanged(client);
    },
    onError: (error) => notifyError(error, i18n.t("notifications.markReadFailed")),
  });
  const openItem = (n: NotificationView) => {
    if (!n.read) read.mutate(n.id);
    setOpened(false);
    navigate({ name: "case", caseId: n.caseId, tab: noticeTab(n.kind) });
  };
  const label = unread === 0 ? t("notifications.title") : t("notifications.unreadLabel", { count: unread, n: formatNumber(unread) });
  const items = centre.data?.items ?? [];
  return (
    <Popover opened={opened} onChange={setOpened} width={400} position="bottom-end" shadow="md" withArrow>
      <Popover.Target>
        <Indicator
          label={unread > 99 ? t("notifications.many") : formatNumber(unread)}
          disabled={unread === 0}
          size={18}
          color="red"
          offset={4}
          data-testid="notification-count"
          data-count={String(unread)}
        >
          <ActionIcon
            variant="subtle"
            color="gray"
            size="lg"
            aria-label={label}
            onClick={() => setOpened((o) => !o)}
            data-testid="notification-bell"
            data-count={String(unread)}
          >
            <BellIcon />
          </ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown p={0} data-testid="notification-centre">
        <Group justify="space-between" px="md" py="xs" style={{ borderBottom: "1px solid var(--mantine-color-default-border)" }}>
          <Text fw={600}>{t("notifications.title")}</Text>
          <Button
            size="compact-xs"
            variant="subtle"
            disabled={(centre.data?.unread ?? unread) === 0}
            loading={read.isPending && read.variables === null}
            onClick={() => read.mutate(null)}
            data-testid="notifications-mark-all-read"
          >
            {t("notifications.markAllRead")}
          </Button>
        </Group>
        {centre.isPending && (
          <Center py="md">
            <Loader size="sm" aria-label={t("notifications.loading")} />
          </Center>
        )}
        {centre.isError && (
          <Alert color="red" m="sm" variant="light">
            <ErrorText error={centre.error} />
          </Alert>
        )}
        {centre.data && items.length === 0 && (
          <Text size="sm" c="dimmed" p="md" data-testid="notifications-empty">
            {t("notifications.empty")}
          </Text>
        )}
        {items.length > 0 && (
          <ScrollArea.Autosize mah={420} type="auto">
            <Stack gap={0}>
              {items.map((n) => (
                <NotificationItem key={n.id} notification={n} onOpen={() => openItem(n)} />
              ))}
            </Stack>
          </ScrollArea.Autosize>
        )}
        <Box px="md" py="xs" style={{ borderTop: "1px solid var(--mantine-color-default-border)" }}>
          <Anchor
            size="sm"
            href={routeHref({ name: "notification-settings" })}
            onClick={() => setOpened(false)}
            data-testid="notifications-settings-link"
          >
            {t("notifications.settings")}
          </Anchor>
        </Box>
      </Popover.Dropdown>
    </Popover>
  );
}

function NotificationItem({ notification: n, onOpen }: { notification: NotificationView; onOpen: () => void }) {
  return (
    <UnstyledButton
      onClick={onOpen}
      px="md"
      py="sm"
      data-testid="notification-item"
      data-read={n.read ? "true" : "false"}
      data-kind={n.kind}
      style={{
        borderBottom: "1px solid var(--mantine-color-default-border)",
        background: n.read ? undefined : "var(--mantine-color-blue-light)",
      }}
    >
      {/* The title and body are the core's English sentences (docs/decisions.md, "Languages"); in
          another language the kind's name in that language comes first. */}
      {i18n.language !== SERVER_LANGUAGE && (
        <Text size="xs" c="dimmed" data-testid="notification-kind">
          {tCode(`notice.${n.kind}`, n.kind)}
        </Text>
      )}
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
        <Text size="sm" fw={n.read ? 400 : 700} dir="auto" data-testid="notification-title">
          {n.title}
        </Text>
        <Text size="xs" c="dimmed" style={{ whiteSpace: "nowrap" }}>
          {formatDateTime(n.createdAt)}
        </Text>
      </Group>
      <Text size="sm" c={n.read ? "dimmed" : undefined} dir="auto" data-testid="notification-body">
        {n.body}
      </Text>
    </UnstyledButton>
  );
}
