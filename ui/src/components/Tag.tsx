import { Box } from "@mantine/core";
import type { ReactNode } from "react";

type Props = {
  color: string;
  size?: "sm" | "lg";
  children: ReactNode;
  "data-testid"?: string;
  [data: `data-${string}`]: string | undefined;
};

/**
 * A small coloured label. A plain inline-block <span> rather than Mantine's Badge:
 * Badge lays its text out in a grid with clipped overflow, and WebKit's WebDriver
 * then reads its text as empty; this one reads (and looks) as what it says.
 */
export function Tag({ color, size = "sm", children, ...props }: Props) {
  return (
    <Box
      component="span"
      {...props}
      style={{
        display: "inline-block",
        padding: size === "lg" ? "3px 12px" : "1px 8px",
        borderRadius: 999,
        background: `var(--mantine-color-${color}-light)`,
        color: `var(--mantine-color-${color}-light-color)`,
        fontWeight: 600,
        fontSize: size === "lg" ? "var(--mantine-font-size-sm)" : "var(--mantine-font-size-xs)",
        lineHeight: 1.5,
        whiteSpace: "nowrap",
      }}
    >
      {children}
    </Box>
  );
}
