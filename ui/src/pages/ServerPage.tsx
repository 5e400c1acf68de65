import { Alert, Anchor, Button, Container, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { ErrorText } from "../components/ErrorText";
import { LanguageSwitch } from "../components/LanguageSwitch";
import { i18n } from "../i18n";
import { errorText } from "../lib/errors";
import type { CommandError } from "../api/client";
import { api, fieldKey, normaliseError } from "../api/client";
import { queryKeys, userChanged, useSyncStatus } from "../api/queries";
import { errorTitle } from "../lib/notify";
import { DEFAULT_ROUTE, navigate, routeHref } from "../lib/router";

interface Problem {
  title: string;
  error: CommandError;
}

function ConnectForm({ serverUrl }: { serverUrl: string | null }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [problem, setProblem] = useState<Problem | null>(null);
  const form = useForm({
    initialValues: { url: serverUrl ?? "" },
    validate: { url: (v) => (v.trim() === "" ? i18n.t("server.enterAddress") : null) },
  });
  const submit = form.onSubmit(async ({ url }) => {
    setProblem(null);
    try {
      await api.connectServer(url.trim());
      await client.invalidateQueries({ queryKey: queryKeys.syncStatus });
    } catch (raw) {
      const error = normaliseError(raw);
      if (fieldKey(error.field) === "url" || error.code === "invalid_input") form.setFieldError("url", errorText(error));
      else setProblem({ title: errorTitle(error.code), error });
    }
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <TextInput
          label={t("server.address")}
          placeholder={t("server.addressPlaceholder")}
          dir="ltr"
          data-testid="server-url"
          {...form.getInputProps("url")}
        />
        {problem && (
          <Alert color="red" title={problem.title} data-testid="server-error">
            <ErrorText error={problem.error} />
          </Alert>
        )}
        <Button type="submit" loading={form.submitting} data-testid="server-connect" style={{ alignSelf: "flex-start" }}>
          {t("server.connect")}
        </Button>
      </Stack>
    </form>
  );
}

function SignInForm() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [problem, setProblem] = useState<Problem | null>(null);
  const form = useForm({
    initialValues: { email: "", password: "" },
    validate: {
      email: (v) => (/^\S+@\S+$/.test(v.trim()) ? null : i18n.t("server.enterEmail")),
      password: (v) => (v === "" ? i18n.t("server.enterPassword") : null),
    },
  });
  const submit = form.onSubmit(async ({ email, password }) => {
    setProblem(null);
    try {
      await api.serverSignIn(email.trim(), password);
      const user = await api.currentUser();
      navigate(DEFAULT_ROUTE);
      userChanged(client, user);
    } catch (raw) {
      const error = normaliseError(raw);
      const key = fieldKey(error.field);
      if (error.code === "invalid_credentials") form.setFieldError("password", errorText(error));
      else if (key === "email" || key === "password") form.setFieldError(key, errorText(error));
      else setProblem({ title: errorTitle(error.code), error });
    }
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <TextInput
          label={t("server.email")}
          type="email"
          autoComplete="username"
          dir="ltr"
          data-testid="server-email"
          {...form.getInputProps("email")}
        />
        <PasswordInput
          label={t("server.password")}
          autoComplete="current-password"
          data-testid="server-password"
          {...form.getInputProps("password")}
        />
        {problem && (
          <Alert color="red" title={problem.title} data-testid="server-error">
            <ErrorText error={problem.error} />
          </Alert>
        )}
        <Button type="submit" loading={form.submitting} data-testid="server-sign-in" style={{ alignSelf: "flex-start" }}>
          {t("server.signIn")}
        </Button>
      </Stack>
    </form>
  );
}

/** Back to working on this computer alone: refused while work waits to be sent. */
function LeaveServer() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const leave = useMutation({
    mutationFn: api.disconnectServer,
    onSuccess: () => {
      navigate(DEFAULT_ROUTE);
      userChanged(client, null);
    },
  });
  const problem = leave.error ? normaliseError(leave.error) : null;
  if (!confirming) {
    return (
      <Button variant="default" onClick={() => setConfirming(true)} data-testid="server-disconnect">
        {t("server.workStandalone")}
      </Button>
    );
  }
  return (
    <Stack gap="sm">
      <Text>{t("server.leaveExplained")}</Text>
      {problem && (
        <Alert color="red" title={errorTitle(problem.code)} data-testid="server-error">
          <ErrorText error={problem} />
        </Alert>
      )}
      <Group gap="sm">
        <Button color="red" onClick={() => leave.mutate()} loading={leave.isPending} data-testid="server-disconnect-confirm">
          {t("server.leave")}
        </Button>
        <Button variant="default" onClick={() => setConfirming(false)}>
          {t("server.stay")}
        </Button>
      </Group>
    </Stack>
  );
}

/** Server settings: connect this desktop to a central server, then sign in to it. */
export function ServerPage({ standalonePage = false }: { standalonePage?: boolean }) {
  const { t } = useTranslation();
  const status = useSyncStatus();
  const serverUrl = status.data?.serverUrl ?? null;
  const body = (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <div>
          <Title order={standalonePage ? 1 : 2}>{t("nav.server")}</Title>
          <Text c="dimmed" mt="xs">
            {t("server.intro")}
          </Text>
        </div>
        {/* Signed out, this is the first screen: the language is chosen here too. */}
        {standalonePage && <LanguageSwitch />}
      </Group>
      <Paper withBorder p="md" radius="md">
        <ConnectForm key={serverUrl ?? ""} serverUrl={serverUrl} />
      </Paper>
      {serverUrl !== null && (
        <Paper withBorder p="md" radius="md">
          {status.data?.signedIn ? (
            <Text data-testid="server-signed-in">
              <Trans i18nKey="server.signedIn" values={{ url: serverUrl }} components={{ url: <bdi dir="ltr" /> }} />
            </Text>
          ) : (
            <SignInForm />
          )}
        </Paper>
      )}
      {serverUrl !== null && (
        <Paper withBorder p="md" radius="md">
          <LeaveServer />
        </Paper>
      )}
      {standalonePage && serverUrl === null && (
        <Anchor href={routeHref(DEFAULT_ROUTE)} data-testid="server-back">
          {t("server.back")}
        </Anchor>
      )}
    </Stack>
  );
  return standalonePage ? (
    <Container size="sm" py="xl">
      {body}
    </Container>
  ) : (
    body
  );
}
