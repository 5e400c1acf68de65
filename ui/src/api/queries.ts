import { keepPreviousData, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, type CommandError } from "./client";
import type { AppointmentFilter, CaseDetail, CaseFilter, UserSummary } from "./types";
import type { ConfigurationView } from "../bindings/ConfigurationView";
import { forgetToasts } from "../lib/notify";
import { i18n, SERVER_LANGUAGE } from "../i18n";

declare module "@tanstack/react-query" {
  interface Register {
    defaultError: CommandError;
  }
}

export const queryKeys = {
  currentUser: ["current-user"] as const,
  capabilities: (userId: string) => ["capabilities", userId] as const,
  users: ["users"] as const,
  catalog: ["catalog"] as const,
  configuration: ["configuration"] as const,
  patients: ["patients"] as const,
  cases: ["cases"] as const,
  caseList: (filter: CaseFilter) => ["cases", filter] as const,
  case: (caseId: string) => ["case", caseId] as const,
  syncStatus: ["sync-status"] as const,
  attention: ["needs-attention"] as const,
  invoices: ["invoices"] as const,
  serviceRecords: ["service-records"] as const,
  appointments: ["appointments"] as const,
  appointmentList: (filter: AppointmentFilter) => ["appointments", filter] as const,
  chat: (caseId: string) => ["chat", caseId] as const,
  badges: ["badges"] as const,
  notifications: ["notifications"] as const,
  notificationSettings: ["notification-settings"] as const,
};

/** How often the navigation's counts are read again (besides after every sync). */
export const BADGES_EVERY_MS = 30_000;

export function useCurrentUser() {
  return useQuery({ queryKey: queryKeys.currentUser, queryFn: api.currentUser });
}

/** What the signed-in user's navigation offers; asked once per user (signing in or out forgets it). */
export function useCapabilities(userId: string | null) {
  return useQuery({
    queryKey: queryKeys.capabilities(userId ?? ""),
    queryFn: api.capabilities,
    enabled: userId !== null,
    staleTime: Infinity,
  });
}

export function useUsers() {
  return useQuery({ queryKey: queryKeys.users, queryFn: api.listUsers });
}

export function useCatalog(enabled = true) {
  return useQuery({ queryKey: queryKeys.catalog, queryFn: api.catalog, staleTime: 5 * 60_000, enabled });
}

/**
 * The catalog, only to name in the UI's language what the core sent by its English name
 * (case lists, providers' specialties): in English those names are shown as sent.
 */
export function useCatalogNames() {
  return useCatalog(i18n.language !== SERVER_LANGUAGE);
}

/** The admin's configuration, inactive items included (the core refuses it to other roles). */
export function useConfiguration(enabled = true) {
  return useQuery({ queryKey: queryKeys.configuration, queryFn: api.configuration, enabled });
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

export function useAppointments(filter: AppointmentFilter) {
  return useQuery({
    queryKey: queryKeys.appointmentList(filter),
    queryFn: () => api.listAppointments(filter),
    placeholderData: keepPreviousData,
  });
}

/** A case's chat; reading it marks it read, so it is read only while shown. */
export function useChatThread(caseId: string, enabled: boolean) {
  return useQuery({ queryKey: queryKeys.chat(caseId), queryFn: () => api.chatThread(caseId), enabled });
}

/** The navigation's counts: after every sync (AppLayout) and every BADGES_EVERY_MS. */
export function useBadges() {
  return useQuery({ queryKey: queryKeys.badges, queryFn: api.badges, refetchInterval: BADGES_EVERY_MS });
}

export function useNotifications(enabled = true) {
  return useQuery({ queryKey: queryKeys.notifications, queryFn: api.notifications, enabled });
}

export function useNotificationSettings() {
  return useQuery({ queryKey: queryKeys.notificationSettings, queryFn: api.notificationSettings });
}

/** After any command returning a CaseDetail: store it and refresh the lists and counts. */
export async function caseChanged(client: QueryClient, detail: CaseDetail): Promise<void> {
  client.setQueryData(queryKeys.case(detail.id), detail);
  await Promise.all([
    client.invalidateQueries({ queryKey: queryKeys.cases }),
    client.invalidateQueries({ queryKey: queryKeys.appointments }),
    client.invalidateQueries({ queryKey: queryKeys.badges }),
  ]);
}

/**
 * After a configuration command: store the configuration it returned and read the catalog
 * again (the pickers and the names shown in the UI's language). With a server the change
 * arrives with the next sync, which refreshes every query (AppLayout).
 */
export async function configurationChanged(client: QueryClient, view: ConfigurationView): Promise<void> {
  client.setQueryData(queryKeys.configuration, view);
  await client.invalidateQueries({ queryKey: queryKeys.catalog });
}

/** Something was read (a chat, appointments, notifications): the counts change. */
export function countsChanged(client: QueryClient): Promise<void> {
  return client.invalidateQueries({ queryKey: queryKeys.badges });
}

/** Signing in or out: forget everything cached for, and shown to, the previous user. */
export function userChanged(client: QueryClient, user: UserSummary | null): void {
  forgetToasts();
  client.removeQueries({
    predicate: (q) => q.queryKey[0] !== queryKeys.currentUser[0] && q.queryKey[0] !== queryKeys.syncStatus[0],
  });
  void client.invalidateQueries({ queryKey: queryKeys.syncStatus });
  client.setQueryData(queryKeys.currentUser, user);
}

export { useQueryClient };
