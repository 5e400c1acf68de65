import { Box, Button, Stack, Text, Tooltip, type ButtonProps } from "@mantine/core";
import type { ReactNode } from "react";
import type { ActionPresentation } from "../lib/actions";

type Props = ButtonProps & {
  presentation: ActionPresentation;
  onClick: () => void;
  children: ReactNode;
  "data-testid"?: string;
};

/**
 * A case action button: hidden, enabled, or disabled with the core's refusal
 * shown both as a tooltip and as small visible text under the button.
 */
export function ActionButton({ presentation, onClick, children, ...props }: Props) {
  if (!presentation.visible) return null;
  if (presentation.enabled) {
    return (
      <Button onClick={onClick} {...props}>
        {children}
      </Button>
    );
  }
  const testId = props["data-testid"];
  // A disabled <button> swallows pointer events, so the tooltip listens on a wrapper.
  return (
    <Stack gap={4} align="flex-start" maw={280}>
      <Tooltip label={presentation.reason} multiline maw={320} withArrow>
        <Box component="span" display="inline-block" style={{ cursor: "not-allowed" }} tabIndex={0}>
          <Button {...props} disabled data-reason={presentation.reason} style={{ pointerEvents: "none" }}>
            {children}
          </Button>
        </Box>
      </Tooltip>
      <Text size="xs" c="dimmed" data-testid={testId ? `${testId}-reason` : undefined}>
        {presentation.reason}
      </Text>
    </Stack>
  );
}
