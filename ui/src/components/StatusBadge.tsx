import { Badge, type BadgeProps } from "@mantine/core";
import type { CaseStatus } from "../api/types";
import { statusColor, statusLabel } from "../lib/labels";

export function StatusBadge({ status, ...props }: { status: CaseStatus } & Omit<BadgeProps, "color" | "children">) {
  return (
    <Badge color={statusColor(status)} variant="light" data-status={status} {...props}>
      {statusLabel(status)}
    </Badge>
  );
}
