import { Alert, Button, Center, Container, Loader, Stack } from "@mantine/core";
import { useCurrentUser } from "../api/queries";
import { ChooseUserPage } from "../pages/ChooseUserPage";
import { AppLayout } from "./AppLayout";

/** Signed in → the shell; otherwise the chooser. */
export function App() {
  const current = useCurrentUser();
  if (current.isPending) {
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
  if (!current.data) return <ChooseUserPage />;
  return <AppLayout user={current.data} />;
}
