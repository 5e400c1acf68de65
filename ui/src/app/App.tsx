import { Alert, Button, Center, Container, Loader, Stack } from "@mantine/core";
import { useCurrentUser, useSyncStatus } from "../api/queries";
import { useRoute } from "../lib/router";
import { ChooseUserPage } from "../pages/ChooseUserPage";
import { ServerPage } from "../pages/ServerPage";
import { AppLayout } from "./AppLayout";

/**
 * Signed in → the shell. Otherwise: connected to a server → its sign-in page;
 * standalone → the chooser (or the server settings, when asked for).
 */
export function App() {
  const current = useCurrentUser();
  const route = useRoute();
  const signedOut = current.isSuccess && !current.data;
  // A failing sync_status (an older shell) counts as standalone.
  const sync = useSyncStatus(signedOut);
  if (current.isPending || (signedOut && sync.isPending)) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (current.isError && current.error.code !== "not_signed_in") {
    return (
      <Container size="sm" py="xl">
        <Alert color="red" title="Could not start">
          <Stack align="flex-start">
            {current.error.message}
            <Button variant="default" onClick={() => void current.refetch()}>
              Try again
            </Button>
          </Stack>
        </Alert>
      </Container>
    );
  }
  if (!current.data) {
    if (route.name === "server" || (sync.data?.serverUrl ?? null) !== null) return <ServerPage standalonePage />;
    return <ChooseUserPage />;
  }
  return <AppLayout user={current.data} />;
}
