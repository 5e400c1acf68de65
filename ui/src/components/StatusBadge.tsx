import type { CaseStatus } from "../api/types";
import { statusColor, statusLabel } from "../lib/labels";
import { Tag } from "./Tag";

type Props = { status: CaseStatus; size?: "sm" | "lg"; "data-testid"?: string };

/** The status as people read it ("Awaiting payment"): its text is exactly the label. */
export function StatusBadge({ status, size, ...props }: Props) {
  return (
    <Tag color={statusColor(status)} size={size} data-status={status} {...props}>
      {statusLabel(status)}
    </Tag>
  );
}
