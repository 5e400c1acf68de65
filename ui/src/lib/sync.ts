import type { Attention, SyncStatus } from "../api/types";
import { formatDateTime } from "./format";
import { humanise } from "./labels";

/** One line for the header: "Standalone", or online (live when changes arrive as they happen)
 * or offline, pending count and last sync. */
export function syncSummary(status: SyncStatus | undefined): string {
  if (!status || status.serverUrl === null) return "Standalone";
  const parts = [status.online ? (status.live ? "Online, live" : "Online") : "Offline"];
  if (!status.signedIn) parts.push("signed out");
  if (status.pending > 0) parts.push(`${status.pending} pending`);
  parts.push(status.lastSyncAt ? `last sync ${formatDateTime(status.lastSyncAt)}` : "not synced yet");
  return parts.join(" · ");
}

/** "Case: submit" — what a refused command tried to do. */
export function attentionTitle(item: Attention): string {
  const what = humanise(item.command.aggregate);
  return item.command.type ? `${what}: ${humanise(item.command.type).toLowerCase()}` : what;
}
