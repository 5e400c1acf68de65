import { Alert, Anchor, Button, Center, Container, Group, Loader, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import { useUsers, userChanged } from "../api/queries";
import { roleGroupLabel } from "../lib/labels";
import { notifyError } from "../lib/notify";
import { DEFAULT_ROUTE, navigate, routeHref } from "../lib/router";
import { groupUsersByRole } from "../lib/users";
import { ErrorText } from "../components/ErrorText";
import { LanguageSwitch } from "../components/LanguageSwitch";

export function ChooseUserPage() {
  const { t } = useTranslation();
  const users = useUsers();
  const client = useQueryClient();
  const signIn = useMutation({
    mutationFn: (userId: string) => api.signInAs(userId),
    onSuccess: (user) => {
      navigate(DEFAULT_ROUTE);
      userChanged(client, user);
    },
    onError: (error) => notifyError(error, t("chooser.signInFailed")),
  });

  return (
    <Container size="md" py="xl">
      <Stack gap="lg">
        <Group justify="space-between" align="flex-start" wrap="wrap">
          <div>
            <Title order={1}>{t("chooser.title")}</Title>
            <Text c="dimmed" mt="xs">
              {t("chooser.intro")}
            </Text>
            <Text size="sm" mt="xs" data-testid="demo-notice">
              {t("chooser.demoNotice")}
            </Text>
            <Anchor href={routeHref({ name: "server" })} size="sm" data-testid="use-server">
              {t("chooser.useServer")}
            </Anchor>
          </div>
          <LanguageSwitch />
        </Group>
        {users.isPending && (
          <Center py="xl">
            <Loader aria-label={t("chooser.loadingUsers")} />
          </Center>
        )}
        {users.isError && (
          <Alert color="red" title={t("chooser.loadFailed")}>
            <ErrorText error={users.error} />
          </Alert>
        )}
        {users.data && users.data.length === 0 && <Text c="dimmed">{t("chooser.noUsers")}</Text>}
        {users.data &&
          groupUsersByRole(users.data).map((group) => (
            <section key={group.role} aria-labelledby={`role-${group.role}`}>
              <Title order={2} size="h4" id={`role-${group.role}`} mb="xs">
                {roleGroupLabel(group.role)}
              </Title>
              <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
                {group.users.map((user) => (
                  <Paper key={user.id} withBorder radius="md">
                    <Button
                      variant="subtle"
                      fullWidth
                      h="auto"
                      py="sm"
                      justify="flex-start"
                      data-testid={`user-${user.email}`}
                      loading={signIn.isPending && signIn.variables === user.id}
                      disabled={signIn.isPending && signIn.variables !== user.id}
                      onClick={() => signIn.mutate(user.id)}
                    >
                      <Stack gap={2} align="flex-start">
                        <Text fw={600} c="var(--mantine-color-text)" dir="auto">
                          {user.name}
                        </Text>
                        <Text size="sm" c="dimmed">
                          <bdi>{user.email}</bdi>
                        </Text>
                      </Stack>
                    </Button>
                  </Paper>
                ))}
              </SimpleGrid>
            </section>
          ))}
      </Stack>
    </Container>
  );
}
