import type { UserSummary } from "../api/types";
import { ROLES } from "./labels";

/** Demo users grouped by role, in the order of ROLES, then any role this UI does not know. */
export function groupUsersByRole(users: readonly UserSummary[]): { role: string; users: UserSummary[] }[] {
  const order = [...ROLES, ...users.map((u) => u.role).filter((r) => !ROLES.includes(r))];
  const groups: { role: string; users: UserSummary[] }[] = [];
  for (const role of new Set<string>(order)) {
    const members = users.filter((u) => u.role === role).sort((a, b) => a.name.localeCompare(b.name));
    if (members.length > 0) groups.push({ role, users: members });
  }
  return groups;
}
