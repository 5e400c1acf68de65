import { keepPreviousData, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, type CommandError } from "./client";
import type { CaseDetail, CaseFilter, UserSummary } from "./types";

declare module "@tanstack/react-query" {
  interface Register {
    defaultError: CommandError;
  }
}

export const queryKeys = {
  currentUser: ["current-user"] as const,
  users: ["users"] as const,
  catalog: ["catalog"] as const,
  patients: ["patients"] as const,
  cases: ["cases"] as const,
  caseList: (filter: CaseFilter) => ["cases", filter] as const,
  case: (caseId: string) => ["case", caseId] as const,
  syncStatus: ["sync-status"] as const,
  attention: ["needs-attention"] as const,
  invoices: ["invoices"] as const,
  serviceRecords: ["service-records"] as const,
};

export function useCurrentUser() {
  return useQuery({ queryKey: queryKeys.currentUser, queryFn: api.currentUser });
}

export function useUsers() {
  return useQuery({ queryKey: queryKeys.users, queryFn: api.listUsers });
}

export function useCatalog() {
  return useQuery({ queryKey: queryKeys.catalog, queryFn: api.catalog, staleTime: 5 * 60_000 });
}

export function usePatients(enabled = true) {
  return useQuery({ queryKey: queryKeys.patients, queryFn: api.listPatients, enabled });
}

export function useCases(filter: CaseFilter) {
  return useQuery({
    queryKey: queryKeys.caseList(filter),
    queryFn: () => api.listCases(filter),
    placeholderData: keepPreviousData,
  });
}

export function useCase(caseId: string) {
  return useQuery({ queryKey: queryKeys.case(caseId), queryFn: () => api.getCase(caseId) });
}

/** Sync state for the header, refreshed every 5 s. */
export function useSyncStatus(enabled = true) {
  return useQuery({ queryKey: queryKeys.syncStatus, queryFn: api.syncStatus, refetchInterval: 5000, enabled });
}

export function useInvoices() {
  return useQuery({ queryKey: queryKeys.invoices, queryFn: api.listInvoices });
}

export function useServiceRecords() {
  return useQuery({ queryKey: queryKeys.serviceRecords, queryFn: api.serviceRecords });
}

export function useNeedsAttention() {
  return useQuery({ queryKey: queryKeys.attention, queryFn: api.needsAttention });
}

/** After any command returning a CaseDetail: store it and refresh the lists. */
export async function caseChanged(client: QueryClient, detail: CaseDetail): Promise<void> {
  client.setQueryData(queryKeys.case(detail.id), detail);
  await client.invalidateQueries({ queryKey: queryKeys.cases });
}

/** Signing in or out: forget everything cached for the previous user. */
export function userChanged(client: QueryClient, user: UserSummary | null): void {
  client.removeQueries({
    predicate: (q) => q.queryKey[0] !== queryKeys.currentUser[0] && q.queryKey[0] !== queryKeys.syncStatus[0],
  });
  void client.invalidateQueries({ queryKey: queryKeys.syncStatus });
  client.setQueryData(queryKeys.currentUser, user);
}

export { useQueryClient };
