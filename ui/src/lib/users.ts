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

/** Patients are managed by requesters and listed read-only for admins. */
export function seesPatients(user: Pick<UserSummary, "role">): boolean {
  return user.role === "requester" || user.role === "admin";
}

export function managesPatients(user: Pick<UserSummary, "role">): boolean {
  return user.role === "requester";
}

/** Invoices are the requesters' and admins' (the core refuses the medical roles). */
export function seesInvoices(user: Pick<UserSummary, "role">): boolean {
  return user.role === "requester" || user.role === "admin";
}

/** Service records are a provider's record of their own completed reviews. */
export function keepsServiceRecords(user: Pick<UserSummary, "role">): boolean {
  return user.role === "provider";
}

/** Only requesters create cases (the core refuses anyone else). */
export function createsCases(user: Pick<UserSummary, "role">): boolean {
  return user.role === "requester";
}
