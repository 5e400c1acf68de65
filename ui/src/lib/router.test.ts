import { describe, expect, it } from "vitest";
import { parseHash, routeHref, type Route } from "./router";

describe("router", () => {
  it("parses every screen", () => {
    expect(parseHash("")).toEqual({ name: "cases" });
    expect(parseHash("#/")).toEqual({ name: "cases" });
    expect(parseHash("#/cases")).toEqual({ name: "cases" });
    expect(parseHash("#/cases/new")).toEqual({ name: "new-case" });
    expect(parseHash("#/cases/0192-abc")).toEqual({ name: "case", caseId: "0192-abc" });
    expect(parseHash("#/patients")).toEqual({ name: "patients" });
    expect(parseHash("#/invoices")).toEqual({ name: "invoices" });
    expect(parseHash("#/service-records")).toEqual({ name: "service-records" });
    expect(parseHash("#/appointments")).toEqual({ name: "appointments" });
    expect(parseHash("#/notification-settings")).toEqual({ name: "notification-settings" });
    expect(parseHash("#/cases/0192-abc/chat")).toEqual({ name: "case", caseId: "0192-abc", tab: "chat" });
    expect(parseHash("#/configuration")).toEqual({ name: "configuration" });
    expect(parseHash("#/configuration/review-types")).toEqual({ name: "configuration", tab: "review-types" });
    expect(parseHash("#/configuration/elsewhere")).toEqual({ name: "not-found", path: "/configuration/elsewhere" });
    expect(parseHash("#/cases/0192-abc/elsewhere")).toEqual({ name: "not-found", path: "/cases/0192-abc/elsewhere" });
    expect(parseHash("#/nowhere/at/all")).toEqual({ name: "not-found", path: "/nowhere/at/all" });
  });

  it("round-trips hrefs", () => {
    const routes: Route[] = [
      { name: "cases" },
      { name: "new-case" },
      { name: "case", caseId: "a b/c" },
      { name: "patients" },
      { name: "invoices" },
      { name: "service-records" },
      { name: "appointments" },
      { name: "notification-settings" },
      { name: "settings" },
      { name: "case", caseId: "c-1", tab: "appointments" },
      { name: "case", caseId: "c-1", tab: "issues" },
      { name: "configuration" },
      { name: "configuration", tab: "specialties" },
      { name: "configuration", tab: "review-types" },
      { name: "configuration", tab: "disease-categories" },
      { name: "configuration", tab: "people" },
    ];
    for (const r of routes) expect(parseHash(routeHref(r))).toEqual(r);
  });
});
