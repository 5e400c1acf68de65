import { Alert, Center, Loader, Stack, Switch, Table, Text, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import { ErrorText } from "../components/ErrorText";
import { tCode } from "../i18n";
import { countsChanged, queryKeys, useNotificationSettings, useSyncStatus } from "../api/queries";
import type { Channel, NoticeKind, NotificationSetting } from "../api/types";
import { notifyError } from "../lib/notify";

// Each channel's label is channel.<key> in the catalogs.
const CHANNELS: readonly { channel: Channel; key: "inApp" | "desktop" | "email" }[] = [
  { channel: "in_app", key: "inApp" },
  { channel: "desktop", key: "desktop" },
  { channel: "email", key: "email" },
];

type Change = { kind: NoticeKind; channel: Channel; enabled: boolean };

/** The kind's name in the UI's language; the core's English label for a kind this UI does not know. */
function kindLabel(s: NotificationSetting): string {
  return tCode(`notice.${s.kind}`, s.label);
}

/** Each kind of notification and the ways it reaches the signed-in user, each one on or off. */
export function NotificationSettingsPage({ titleOrder = 2 }: { titleOrder?: 2 | 3 }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const settings = useNotificationSettings();
  const sync = useSyncStatus();
  const standalone = (sync.data?.serverUrl ?? null) === null;
  const change = useMutation({
    mutationFn: (c: Change) => api.setNotificationChannel(c.kind, c.channel, c.enabled),
    onSuccess: async (updated) => {
      client.setQueryData(queryKeys.notificationSettings, updated);
      // The centre hides kinds whose in-app channel is off: its list and count change.
      await Promise.all([client.invalidateQueries({ queryKey: queryKeys.notifications }), countsChanged(client)]);
    },
    onError: (error) => notifyError(error, t("notificationSettings.changeFailed")),
  });
  const busy = (s: NotificationSetting, channel: Channel) =>
    change.isPending && change.variables.kind === s.kind && change.variables.channel === channel;

  return (
    <Stack>
      <div>
        <Title order={titleOrder}>{t("notifications.settings")}</Title>
        <Text c="dimmed" mt="xs">
          {t("notificationSettings.intro")}
        </Text>
      </div>
      {standalone && (
        <Alert color="blue" variant="light" data-testid="settings-email-standalone">
          {t("notificationSettings.standaloneEmail")}
        </Alert>
      )}
      {settings.isPending && (
        <Center py="xl">
          <Loader aria-label={t("notificationSettings.loading")} />
        </Center>
      )}
      {settings.isError && (
        <Alert color="red" title={t("notificationSettings.loadFailed")}>
          <ErrorText error={settings.error} />
        </Alert>
      )}
      {settings.data && (
        <Table.ScrollContainer minWidth={560}>
          <Table striped verticalSpacing="sm" aria-label={t("notifications.settings")} data-testid="notification-settings-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("notificationSettings.notification")}</Table.Th>
                {CHANNELS.map((c) => (
                  <Table.Th key={c.channel} style={{ textAlign: "center" }}>
                    {t(`channel.${c.key}`)}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {settings.data.map((s) => (
                <Table.Tr key={s.kind} data-testid="notification-setting-row" data-kind={s.kind}>
                  <Table.Td>{kindLabel(s)}</Table.Td>
                  {CHANNELS.map((c) => (
                    <Table.Td key={c.channel}>
                      <Center>
                        <Switch
                          checked={s[c.key]}
                          disabled={busy(s, c.channel)}
                          aria-label={t("notificationSettings.switchLabel", { kind: kindLabel(s), channel: t(`channel.${c.key}`) })}
                          onChange={(e) => change.mutate({ kind: s.kind, channel: c.channel, enabled: e.currentTarget.checked })}
                          data-testid={`setting-${s.kind}-${c.channel}`}
                        />
                      </Center>
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
