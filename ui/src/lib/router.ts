// A tiny hash router: the app is loaded from files (Tauri's asset protocol), so
// there are no server routes; the location hash holds the screen.
import { useSyncExternalStore } from "react";

/** The case screen's tabs a link may open (#/cases/<id>/chat). */
export type CaseTab = "appointments" | "issues" | "chat";

const CASE_TABS: readonly CaseTab[] = ["appointments", "issues", "chat"];

/** The configuration screen's tabs (#/configuration/review-types). */
export type ConfigTab = "specialties" | "review-types" | "disease-categories" | "people";

export const CONFIG_TABS: readonly ConfigTab[] = ["specialties", "review-types", "disease-categories", "people"];

export type Route =
  | { name: "cases" }
  | { name: "new-case" }
  | { name: "case"; caseId: string; tab?: CaseTab }
  | { name: "patients" }
  | { name: "server" }
  | { name: "attention" }
  | { name: "invoices" }
  | { name: "service-records" }
  | { name: "appointments" }
  | { name: "notification-settings" }
  | { name: "settings" }
  | { name: "configuration"; tab?: ConfigTab }
  | { name: "not-found"; path: string };

export const DEFAULT_ROUTE: Route = { name: "cases" };

/** "#/cases/abc" → { name: "case", caseId: "abc" }. An empty hash is the default route. */
export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, "").replace(/^\/+/, "").replace(/\/+$/, "");
  if (path === "") return DEFAULT_ROUTE;
  const parts = path.split("/").map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  if (parts[0] === "patients" && parts.length === 1) return { name: "patients" };
  if (parts[0] === "server" && parts.length === 1) return { name: "server" };
  if (parts[0] === "attention" && parts.length === 1) return { name: "attention" };
  if (parts[0] === "invoices" && parts.length === 1) return { name: "invoices" };
  if (parts[0] === "service-records" && parts.length === 1) return { name: "service-records" };
  if (parts[0] === "appointments" && parts.length === 1) return { name: "appointments" };
  if (parts[0] === "notification-settings" && parts.length === 1) return { name: "notification-settings" };
  if (parts[0] === "settings" && parts.length === 1) return { name: "settings" };
  if (parts[0] === "configuration") {
    if (parts.length === 1) return { name: "configuration" };
    const tab = CONFIG_TABS.find((t) => t === parts[1]);
    if (parts.length === 2 && tab) return { name: "configuration", tab };
  }
  if (parts[0] === "cases") {
    if (parts.length === 1) return { name: "cases" };
    if (parts.length === 2 && parts[1] === "new") return { name: "new-case" };
    if (parts.length === 2 && parts[1]) return { name: "case", caseId: parts[1] };
    const tab = CASE_TABS.find((t) => t === parts[2]);
    if (parts.length === 3 && parts[1] && tab) return { name: "case", caseId: parts[1], tab };
  }
  return { name: "not-found", path: `/${path}` };
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case "cases":
      return "#/cases";
    case "new-case":
      return "#/cases/new";
    case "case":
      return `#/cases/${encodeURIComponent(route.caseId)}${route.tab ? `/${route.tab}` : ""}`;
    case "patients":
      return "#/patients";
    case "server":
      return "#/server";
    case "attention":
      return "#/attention";
    case "invoices":
      return "#/invoices";
    case "service-records":
      return "#/service-records";
    case "appointments":
      return "#/appointments";
    case "notification-settings":
      return "#/notification-settings";
    case "settings":
      return "#/settings";
    case "configuration":
      return `#/configuration${route.tab ? `/${route.tab}` : ""}`;
    case "not-found":
      return `#${route.path}`;
  }
}

export function navigate(route: Route): void {
  const href = routeHref(route);
  if (window.location.hash !== href) window.location.hash = href;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

function snapshot(): string {
  return window.location.hash;
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, snapshot, () => "");
  return parseHash(hash);
}
