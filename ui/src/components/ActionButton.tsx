import { Box, Button, Tooltip, type ButtonProps } from "@mantine/core";
import type { ReactNode } from "react";
import type { ActionPresentation } from "../lib/actions";

type Props = ButtonProps & {
  presentation: ActionPresentation;
  onClick: () => void;
  children: ReactNode;
  "data-testid"?: string;
};

/** A case action button: hidden, enabled, or disabled with the refusal as tooltip. */
export function ActionButton({ presentation, onClick, children, ...props }: Props) {
  if (!presentation.visible) return null;
  if (presentation.enabled) {
    return (
      <Button onClick={onClick} {...props}>
        {children}
      </Button>
    );
  }
  // A disabled <button> swallows pointer events, so the tooltip listens on a wrapper.
  return (
    <Tooltip label={presentation.reason} multiline maw={320} withArrow>
      <Box component="span" display="inline-block" style={{ cursor: "not-allowed" }} tabIndex={0}>
        <Button {...props} disabled data-reason={presentation.reason} style={{ pointerEvents: "none" }}>
          {children}
        </Button>
      </Box>
    </Tooltip>
  );
}
