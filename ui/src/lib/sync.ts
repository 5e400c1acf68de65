import type { Attention, SyncStatus } from "../api/types";
import { formatDateTime, formatNumber } from "./format";
import { i18n, tCode } from "../i18n";
import { humanise } from "./labels";

/** One line for the header: "Standalone", or online (live when changes arrive as they happen)
 * or offline, pending count and last sync. */
export function syncSummary(status: SyncStatus | undefined): string {
  if (!status || status.serverUrl === null) return i18n.t("sync.standalone");
  const parts = [status.online ? (status.live ? i18n.t("sync.onlineLive") : i18n.t("sync.online")) : i18n.t("sync.offline")];
  if (!status.signedIn) parts.push(i18n.t("sync.signedOut"));
  if (status.pending > 0) parts.push(i18n.t("sync.pending", { count: status.pending, n: formatNumber(status.pending) }));
  parts.push(
    status.lastSyncAt ? i18n.t("sync.lastSync", { at: formatDateTime(status.lastSyncAt) }) : i18n.t("sync.notSyncedYet"),
  );
  return parts.join(" · ");
}

/** "Case: submit" — what a refused command tried to do. */
export function attentionTitle(item: Attention): string {
  const what = tCode(`commandAggregate.${item.command.aggregate}`, humanise(item.command.aggregate));
  if (!item.command.type) return what;
  const type = tCode(`commandType.${item.command.type}`, humanise(item.command.type).toLowerCase());
  return i18n.t("attention.commandTitle", { what, type });
}
