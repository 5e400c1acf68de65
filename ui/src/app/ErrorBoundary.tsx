import { Alert, Button, Container, Stack, Text } from "@mantine/core";
import { Component, type ErrorInfo, type ReactNode } from "react";
import { i18n } from "../i18n";

type State = { error: Error | null };

/** Last resort: a rendering bug shows a message and a way back instead of a blank window. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error("UI error", error, info.componentStack);
  }

  render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <Container size="sm" py="xl">
        <Alert color="red" title={i18n.t("app.screenFailed")}>
          <Stack>
            <Text size="sm">{this.state.error.message}</Text>
            <Button
              variant="default"
              onClick={() => {
                window.location.hash = "";
                this.setState({ error: null });
              }}
            >
              {i18n.t("app.startAgain")}
            </Button>
          </Stack>
        </Alert>
      </Container>
    );
  }
}
