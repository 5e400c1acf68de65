import { humanise } from "../../lib/labels";
import type { AssignmentStatus, ProviderSummary } from "./types";

const ASSIGNMENT_LABELS: Record<AssignmentStatus, string> = {
  assigned: "Awaiting answer",
  accepted: "Accepted",
  declined: "Declined",
  in_progress: "In review",
  returned: "Returned",
  done: "Opinion submitted",
};

const ASSIGNMENT_COLORS: Record<AssignmentStatus, string> = {
  assigned: "yellow",
  accepted: "blue",
  declined: "gray",
  in_progress: "indigo",
  returned: "orange",
  done: "green",
};

/** A provider's assignment status as people read it; an unknown one (newer core) readably. */
export function assignmentLabel(status: string): string {
  return (ASSIGNMENT_LABELS as Record<string, string>)[status] ?? humanise(status);
}

export function assignmentColor(status: string): string {
  return (ASSIGNMENT_COLORS as Record<string, string>)[status] ?? "gray";
}

/** "Cardiology, Neurology", or "" when none is configured. */
export function specialtiesText(provider: ProviderSummary): string {
  return provider.specialties.join(", ");
}
