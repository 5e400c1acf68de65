import { Alert, Anchor, Button, Container, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, fieldKey, normaliseError } from "../api/client";
import { queryKeys, userChanged, useSyncStatus } from "../api/queries";
import { errorTitle } from "../lib/notify";
import { DEFAULT_ROUTE, navigate, routeHref } from "../lib/router";

interface Problem {
  title: string;
  message: string;
}

function ConnectForm({ serverUrl }: { serverUrl: string | null }) {
  const client = useQueryClient();
  const [problem, setProblem] = useState<Problem | null>(null);
  const form = useForm({
    initialValues: { url: serverUrl ?? "" },
    validate: { url: (v) => (v.trim() === "" ? "Enter the server address" : null) },
  });
  const submit = form.onSubmit(async ({ url }) => {
    setProblem(null);
    try {
      await api.connectServer(url.trim());
      await client.invalidateQueries({ queryKey: queryKeys.syncStatus });
    } catch (raw) {
      const error = normaliseError(raw);
      if (fieldKey(error.field) === "url" || error.code === "invalid_input") form.setFieldError("url", error.message);
      else setProblem({ title: errorTitle(error.code), message: error.message });
    }
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <TextInput
          label="Server address"
          placeholder="https://second-opinion.example.org"
          data-testid="server-url"
          {...form.getInputProps("url")}
        />
        {problem && (
          <Alert color="red" title={problem.title} data-testid="server-error">
            {problem.message}
          </Alert>
        )}
        <Button type="submit" loading={form.submitting} data-testid="server-connect" style={{ alignSelf: "flex-start" }}>
          Connect
        </Button>
      </Stack>
    </form>
  );
}

function SignInForm() {
  const client = useQueryClient();
  const [problem, setProblem] = useState<Problem | null>(null);
  const form = useForm({
    initialValues: { email: "", password: "" },
    validate: {
      email: (v) => (/^\S+@\S+$/.test(v.trim()) ? null : "Enter your e-mail address"),
      password: (v) => (v === "" ? "Enter your password" : null),
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
      if (error.code === "invalid_credentials") form.setFieldError("password", error.message);
      else if (key === "email" || key === "password") form.setFieldError(key, error.message);
      else setProblem({ title: errorTitle(error.code), message: error.message });
    }
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <TextInput label="E-mail address" type="email" autoComplete="username" data-testid="server-email" {...form.getInputProps("email")} />
        <PasswordInput
          label="Password"
          autoComplete="current-password"
          data-testid="server-password"
          {...form.getInputProps("password")}
        />
        {problem && (
          <Alert color="red" title={problem.title} data-testid="server-error">
            {problem.message}
          </Alert>
        )}
        <Button type="submit" loading={form.submitting} data-testid="server-sign-in" style={{ alignSelf: "flex-start" }}>
          Sign in
        </Button>
      </Stack>
    </form>
  );
}

/** Back to working on this computer alone: refused while work waits to be sent. */
function LeaveServer() {
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
        Work standalone…
      </Button>
    );
  }
  return (
    <Stack gap="sm">
      <Text>
        This computer leaves the server: the server&apos;s cases are removed from it (they stay on the server) and the
        demo data comes back. Work not yet sent is never dropped — you will be asked to sync first.
      </Text>
      {problem && (
        <Alert color="red" title={errorTitle(problem.code)} data-testid="server-error">
          {problem.message}
        </Alert>
      )}
      <Group gap="sm">
        <Button color="red" onClick={() => leave.mutate()} loading={leave.isPending} data-testid="server-disconnect-confirm">
          Leave the server
        </Button>
        <Button variant="default" onClick={() => setConfirming(false)}>
          Stay connected
        </Button>
      </Group>
    </Stack>
  );
}

/** Server settings: connect this desktop to a central server, then sign in to it. */
export function ServerPage({ standalonePage = false }: { standalonePage?: boolean }) {
  const status = useSyncStatus();
  const serverUrl = status.data?.serverUrl ?? null;
  const body = (
    <Stack gap="lg">
      <div>
        <Title order={standalonePage ? 1 : 2}>Server</Title>
        <Text c="dimmed" mt="xs">
          Work with a central server instead of on this computer alone. Your changes are kept here and sent
          whenever the server can be reached.
        </Text>
      </div>
      <Paper withBorder p="md" radius="md">
        <ConnectForm key={serverUrl ?? ""} serverUrl={serverUrl} />
      </Paper>
      {serverUrl !== null && (
        <Paper withBorder p="md" radius="md">
          {status.data?.signedIn ? (
            <Text data-testid="server-signed-in">You are signed in to {serverUrl}.</Text>
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
          Back to choosing who you are
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
