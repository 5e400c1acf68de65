import type { ActionAvailability, ActionKind } from "../api/types";
import { i18n } from "../i18n";
import { errorText } from "./errors";

/** How one case action is presented. */
export type ActionPresentation =
  | { visible: false }
  | { visible: true; enabled: true }
  | { visible: true; enabled: false; reason: string };

/**
 * The UI offers exactly what `detail.actions` says:
 * - allowed → shown and enabled;
 * - refused with code "forbidden" (the user may never do this) → hidden;
 * - refused for any other reason (wrong status, missing documents…) → shown
 *   disabled, with the refusal as the explanation (in the UI's language: lib/errors);
 * - not listed at all → hidden.
 */
export function presentAction(actions: readonly ActionAvailability[], kind: ActionKind): ActionPresentation {
  const entry = actions.find((a) => a.action === kind);
  if (!entry) return { visible: false };
  if (entry.allowed) return { visible: true, enabled: true };
  if (entry.reason?.code === "forbidden") return { visible: false };
  const reason = entry.reason?.message ? errorText(entry.reason) : i18n.t("actions.notAvailable");
  return { visible: true, enabled: false, reason };
}

export function isAllowed(actions: readonly ActionAvailability[], kind: ActionKind): boolean {
  return actions.some((a) => a.action === kind && a.allowed);
}

/**
 * An action on one item of the case (resolving one return issue): as the case's action
 * says, but hidden on an item the rules say is not the user's to act on (`itemAllowed`,
 * computed by the core per item).
 */
export function presentItemAction(case_: ActionPresentation, itemAllowed: boolean): ActionPresentation {
  if (!case_.visible || !itemAllowed) return { visible: false };
  return case_;
}
