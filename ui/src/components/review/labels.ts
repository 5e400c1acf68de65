import type { Catalog } from "../../api/types";
import { i18n, tCode } from "../../i18n";
import { specialtyNameOf } from "../../lib/catalog";
import { humanise } from "../../lib/labels";
import type { AssignmentStatus, ProviderSummary } from "./types";

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
  return tCode(`assignmentStatus.${status}`, humanise(status));
}

export function assignmentColor(status: string): string {
  return (ASSIGNMENT_COLORS as Record<string, string>)[status] ?? "gray";
}

/** "Cardiology, Neurology" (in the UI's language where the catalog has the name), or "" when none is configured. */
export function specialtiesText(provider: ProviderSummary, catalog?: Catalog): string {
  return provider.specialties.map((s) => specialtyNameOf(catalog, s)).join(i18n.t("common.listSeparator"));
}
