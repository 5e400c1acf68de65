import { Alert, Center, Loader, Stack, Switch, Table, Text, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { countsChanged, queryKeys, useNotificationSettings, useSyncStatus } from "../api/queries";
import type { Channel, NoticeKind, NotificationSetting } from "../api/types";
import { notifyError } from "../lib/notify";

const CHANNELS: readonly { channel: Channel; label: string; key: "inApp" | "desktop" | "email" }[] = [
  { channel: "in_app", label: "In-app", key: "inApp" },
  { channel: "desktop", label: "Desktop", key: "desktop" },
  { channel: "email", label: "E-mail", key: "email" },
];

type Change = { kind: NoticeKind; channel: Channel; enabled: boolean };

/** Each kind of notification and the ways it reaches the signed-in user, each one on or off. */
export function NotificationSettingsPage() {
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
    onError: (error) => notifyError(error, "Could not change the setting"),
  });
  const busy = (s: NotificationSetting, channel: Channel) =>
    change.isPending && change.variables.kind === s.kind && change.variables.channel === channel;

  return (
    <Stack>
      <div>
        <Title order={2}>Notification settings</Title>
        <Text c="dimmed" mt="xs">
          Choose how you are told about each kind of event. In-app notifications appear under the bell; desktop
          notifications are shown by your computer while the app is in the background.
        </Text>
      </div>
      {standalone && (
        <Alert color="blue" variant="light" data-testid="settings-email-standalone">
          E-mail is sent by the central server. This app is standalone, so no e-mail goes out; your choice is kept for
          when it connects.
        </Alert>
      )}
      {settings.isPending && (
        <Center py="xl">
          <Loader aria-label="Loading the settings" />
        </Center>
      )}
      {settings.isError && (
        <Alert color="red" title="Could not load the settings">
          {settings.error.message}
        </Alert>
      )}
      {settings.data && (
        <Table.ScrollContainer minWidth={560}>
          <Table striped verticalSpacing="sm" aria-label="Notification settings" data-testid="notification-settings-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Notification</Table.Th>
                {CHANNELS.map((c) => (
                  <Table.Th key={c.channel} style={{ textAlign: "center" }}>
                    {c.label}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {settings.data.map((s) => (
                <Table.Tr key={s.kind} data-testid="notification-setting-row" data-kind={s.kind}>
                  <Table.Td>{s.label}</Table.Td>
                  {CHANNELS.map((c) => (
                    <Table.Td key={c.channel}>
                      <Center>
                        <Switch
                          checked={s[c.key]}
                          disabled={busy(s, c.channel)}
                          aria-label={`${s.label}: ${c.label}`}
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
