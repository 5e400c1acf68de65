import { Alert, Button, Center, Container, Loader, Stack } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useCapabilities, useCurrentUser, useSyncStatus } from "../api/queries";
import { useRoute } from "../lib/router";
import { ChooseUserPage } from "../pages/ChooseUserPage";
import { ServerPage } from "../pages/ServerPage";
import { AppLayout } from "./AppLayout";
import type { CommandError } from "../api/client";
import { ErrorText } from "../components/ErrorText";

function Loading() {
  const { t } = useTranslation();
  return (
    <Center h="100vh">
      <Loader aria-label={t("common.loading")} />
    </Center>
  );
}

function CouldNotStart({ error, onRetry }: { error: CommandError; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <Container size="sm" py="xl">
      <Alert color="red" title={t("app.couldNotStart")}>
        <Stack align="flex-start">
          <div>
            <ErrorText error={error} />
          </div>
          <Button variant="default" onClick={onRetry}>
            {t("common.tryAgain")}
          </Button>
        </Stack>
      </Alert>
    </Container>
  );
}

/**
 * Signed in → the shell, once the core has said which screens the user has. Otherwise:
 * connected to a server → its sign-in page; standalone → the chooser (or the server
 * settings, when asked for).
 */
export function App() {
  const current = useCurrentUser();
  const route = useRoute();
  const signedOut = current.isSuccess && !current.data;
  // A failing sync_status (an older shell) counts as standalone.
  const sync = useSyncStatus(signedOut);
  const capabilities = useCapabilities(current.data?.id ?? null);
  if (current.isPending || (signedOut && sync.isPending)) return <Loading />;
  if (current.isError && current.error.code !== "not_signed_in") {
    return <CouldNotStart error={current.error} onRetry={() => void current.refetch()} />;
  }
  if (!current.data) {
    if (route.name === "server" || (sync.data?.serverUrl ?? null) !== null) return <ServerPage standalonePage />;
    return <ChooseUserPage />;
  }
  if (capabilities.isError && capabilities.error.code !== "not_signed_in") {
    return <CouldNotStart error={capabilities.error} onRetry={() => void capabilities.refetch()} />;
  }
  // not_signed_in: the query client sends the user back to the chooser.
  if (!capabilities.data) return <Loading />;
  return <AppLayout user={current.data} capabilities={capabilities.data} />;
}
