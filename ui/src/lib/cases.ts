import type { CaseFilter, CaseStatus } from "../api/types";

/** The list filter from the status select ("" = all) and the search box (blank = none). */
export function toCaseFilter(status: string, search: string): CaseFilter {
  const s = search.trim();
  return { status: status === "" ? null : (status as CaseStatus), search: s === "" ? null : s };
}
