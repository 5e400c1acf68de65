import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { queryKeys } from "../api/queries";
import type { DiseaseCategory, ReviewType, UserSummary } from "../api/types";
import type { ConfigurationView } from "../bindings/ConfigurationView";
import type { ReviewTypeInput } from "../bindings/ReviewTypeInput";
import { i18n } from "../i18n";
import { useRoute } from "../lib/router";
import { admin, cardioCoordinator, catalog, oncoCoordinator, provider } from "../test/fixtures";
import { callsOf, fail, type Handler, invokeMock, routeInvoke } from "../test/invoke";
import { renderWithProviders } from "../test/render";
import { ConfigurationPage } from "./ConfigurationPage";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

/** A provider who has left: deactivated, still named where the configuration maps them. */
const formerProvider: UserSummary = {
  id: "u-prov-old",
  name: "Dr. Former",
  role: "provider",
  email: "former@hospital.test",
  specialtyIds: ["sp-cardio"],
  active: false,
};

function configuration(): ConfigurationView {
  return {
    specialties: catalog.specialties.map((s) => ({ ...s })),
    reviewTypes: [
      ...catalog.reviewTypes.map((r) => ({ ...r })),
      {
        id: "rt-old",
        nameEn: "Retired review",
        nameAr: "مراجعة متقاعدة",
        priceMinor: 5000,
        currency: "SAR",
        expectedReviewDays: 3,
        specialtyId: "sp-cardio",
        active: false,
      },
    ],
    diseaseCategories: catalog.diseaseCategories.map((c) =>
      c.id === "dc-arrhythmia" ? { ...c, providerIds: [provider.id, formerProvider.id] } : { ...c },
    ),
    coordinators: [cardioCoordinator, oncoCoordinator],
    providers: [provider, formerProvider],
  };
}

/** A fake core keeping one configuration; `extra` replaces handlers. */
function backend(extra: Partial<Record<string, Handler>> = {}) {
  const view = configuration();
  routeInvoke({
    configuration: () => structuredClone(view),
    list_users: () => [admin, cardioCoordinator, oncoCoordinator, provider],
    catalog: () => catalog,
    save_review_type: (args) => {
      const { reviewTypeId, input } = args as { reviewTypeId: string | null; input: ReviewTypeInput };
      const saved: ReviewType = { ...input, id: reviewTypeId ?? `rt-${view.reviewTypes.length + 1}`, active: true };
      view.reviewTypes = [...view.reviewTypes.filter((r) => r.id !== saved.id), saved];
      return structuredClone(view);
    },
    set_review_type_active: (args) => {
      const { reviewTypeId, active } = args as { reviewTypeId: string; active: boolean };
      view.reviewTypes = view.reviewTypes.map((r) => (r.id === reviewTypeId ? { ...r, active } : r));
      return structuredClone(view);
    },
    set_user_specialties: (args) => {
      const { userId, specialtyIds } = args as { userId: string; specialtyIds: string[] };
      view.coordinators = view.coordinators.map((u) => (u.id === userId ? { ...u, specialtyIds } : u));
      return structuredClone(view);
    },
    save_disease_category: (args) => {
      const { categoryId, input } = args as { categoryId: string | null; input: Omit<DiseaseCategory, "id" | "active"> };
      view.diseaseCategories = view.diseaseCategories.map((c) => (c.id === categoryId ? { ...c, ...input } : c));
      return structuredClone(view);
    },
    ...extra,
  });
}

/** The page as the shell shows it: its tab follows the location. */
function Routed({ allowed = true }: { allowed?: boolean }) {
  const route = useRoute();
  return <ConfigurationPage allowed={allowed} tab={route.name === "configuration" ? route.tab : undefined} />;
}

async function openReviewTypes(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByTestId("config-tab-review-types"));
  return screen.findByTestId("config-table-review-types");
}

describe("ConfigurationPage", () => {
  beforeEach(() => {
    invokeMock.mockReset();
    window.location.hash = "#/configuration";
  });

  it("lists the specialties, review types (inactive ones marked), disease categories and people", async () => {
    backend();
    const user = userEvent.setup();
    renderWithProviders(<Routed />);
    const cardiology = await screen.findByTestId("config-row-sp-cardio");
    expect(cardiology).toHaveTextContent("Cardiology");
    expect(cardiology).toHaveTextContent("أمراض القلب");
    expect(screen.getByTestId("config-row-sp-onco")).toBeInTheDocument();

    await openReviewTypes(user);
    expect(window.location.hash).toBe("#/configuration/review-types");
    const cardiac = screen.getByTestId("config-row-rt-cardio");
    expect(within(cardiac).getByTestId("config-price")).toHaveTextContent("SAR 1,500.00");
    expect(within(cardiac).getByTestId("config-status")).toHaveTextContent("Active");
    expect(within(screen.getByTestId("config-row-rt-old")).getByTestId("config-status")).toHaveTextContent("Inactive");
    expect(screen.getByTestId("config-toggle-rt-old")).toHaveTextContent("Activate");

    // The search matches either language.
    await user.type(screen.getByTestId("config-search"), "مجلس");
    expect(screen.getByTestId("config-row-rt-onco")).toBeInTheDocument();
    expect(screen.queryByTestId("config-row-rt-cardio")).not.toBeInTheDocument();

    await user.click(screen.getByTestId("config-tab-disease-categories"));
    const arrhythmia = await screen.findByTestId("config-row-dc-arrhythmia");
    expect(within(arrhythmia).getByTestId("config-providers")).toHaveTextContent("Dr. Pia Provider");
    expect(within(arrhythmia).getByTestId("config-providers")).toHaveTextContent("Dr. Former (inactive)");

    await user.click(screen.getByTestId("config-tab-people"));
    expect(within(await screen.findByTestId("config-row-u-coord-onco")).getByTestId("config-specialties")).toHaveTextContent("Oncology");
    expect(screen.getByTestId("config-row-u-prov-old")).toHaveTextContent("Inactive");
  });

  it("creates a review type: the price typed in major units is sent in minor units, and the list shows it", async () => {
    backend();
    const user = userEvent.setup();
    window.location.hash = "#/configuration/review-types";
    renderWithProviders(<Routed />);
    await user.click(await screen.findByTestId("config-new-review-type"));
    await user.type(await screen.findByTestId("config-field-nameEn"), "  Valve review ");
    await user.click(screen.getByTestId("config-field-nameAr"));
    await user.paste("مراجعة الصمامات");
    await user.selectOptions(screen.getByTestId("config-field-specialtyId"), "Cardiology");
    // The usual currency is the default.
    expect(screen.getByTestId("config-field-currency")).toHaveValue("SAR · Saudi Riyal");
    await user.type(screen.getByTestId("config-field-priceMinor"), "1250.5");
    await user.type(screen.getByTestId("config-field-expectedReviewDays"), "10");
    await user.click(screen.getByTestId("config-save"));

    await waitFor(() => expect(callsOf("save_review_type")).toHaveLength(1));
    expect(callsOf("save_review_type")[0]![0]).toEqual({
      reviewTypeId: null,
      input: {
        nameEn: "Valve review",
        nameAr: "مراجعة الصمامات",
        priceMinor: 125050,
        currency: "SAR",
        expectedReviewDays: 10,
        specialtyId: "sp-cardio",
      },
    });
    const row = await screen.findByTestId("config-row-rt-4");
    expect(row).toHaveTextContent("Valve review");
    expect(within(row).getByTestId("config-price")).toHaveTextContent("SAR 1,250.50");
    await waitFor(() => expect(screen.queryByTestId("config-save")).not.toBeInTheDocument());
  }, 15_000);

  it("checks the form before sending", async () => {
    backend();
    const user = userEvent.setup();
    window.location.hash = "#/configuration/review-types";
    renderWithProviders(<Routed />);
    await user.click(await screen.findByTestId("config-new-review-type"));
    await user.type(await screen.findByTestId("config-field-expectedReviewDays"), "400");
    await user.click(screen.getByTestId("config-save"));
    expect(await screen.findByText("The price is required")).toBeInTheDocument();
    expect(screen.getAllByText("Required")).toHaveLength(2);
    expect(screen.getByText("Between 1 and 365 days")).toBeInTheDocument();
    expect(screen.getByText("Choose a specialty")).toBeInTheDocument();
    expect(callsOf("save_review_type")).toHaveLength(0);
  });

  it("shows the core's refusal under the field it names, and keeps the dialog open", async () => {
    backend({
      save_review_type: () => fail("conflict", "Another review type in this specialty is already called “Cardiac review”.", "nameEn"),
    });
    const user = userEvent.setup();
    window.location.hash = "#/configuration/review-types";
    renderWithProviders(<Routed />);
    await user.click(await screen.findByTestId("config-edit-rt-onco"));
    const name = await screen.findByTestId("config-field-nameEn");
    expect(name).toHaveValue("Tumour board");
    expect(screen.getByTestId("config-field-priceMinor")).toHaveValue("2500");
    await user.clear(name);
    await user.type(name, "Cardiac review");
    await user.click(screen.getByTestId("config-save"));

    await waitFor(() => expect(name).toHaveAttribute("aria-invalid", "true"));
    expect(screen.getByText("Another review type in this specialty is already called “Cardiac review”.")).toBeInTheDocument();
    expect(callsOf("save_review_type")[0]![0]).toMatchObject({ reviewTypeId: "rt-onco" });
    expect(screen.getByTestId("config-save")).toBeInTheDocument();
    expect(name).toHaveValue("Cardiac review");
    expect(screen.queryByTestId("config-form-error")).not.toBeInTheDocument();
  });

  it("shows a refusal that names no field of the form above its buttons", async () => {
    backend({ save_review_type: () => fail("forbidden", "Only admins change the configuration.") });
    const user = userEvent.setup();
    window.location.hash = "#/configuration/review-types";
    renderWithProviders(<Routed />);
    await user.click(await screen.findByTestId("config-edit-rt-onco"));
    await user.click(await screen.findByTestId("config-save"));
    expect(await screen.findByTestId("config-form-error")).toHaveTextContent("Only admins change the configuration.");
    expect(screen.getByTestId("config-save")).toBeInTheDocument();
  });

  it("deactivates a review type only once confirmed, and has the catalog read again", async () => {
    backend();
    const user = userEvent.setup();
    const { client } = renderWithProviders(<Routed />);
    client.setQueryData(queryKeys.catalog, catalog);
    await openReviewTypes(user);
    await user.click(screen.getByTestId("config-toggle-rt-cardio"));
    const dialog = await screen.findByTestId("config-confirm");
    expect(dialog).toHaveTextContent("\u2068Cardiac review\u2069 will no longer be offered for new cases.");
    expect(callsOf("set_review_type_active")).toHaveLength(0);

    await user.click(screen.getByTestId("config-confirm-confirm"));
    await waitFor(() => expect(callsOf("set_review_type_active")).toHaveLength(1));
    expect(callsOf("set_review_type_active")[0]![0]).toEqual({ reviewTypeId: "rt-cardio", active: false });
    await waitFor(() =>
      expect(within(screen.getByTestId("config-row-rt-cardio")).getByTestId("config-status")).toHaveTextContent("Inactive"),
    );
    expect(screen.getByTestId("config-toggle-rt-cardio")).toHaveTextContent("Activate");
    expect(client.getQueryState(queryKeys.catalog)?.isInvalidated).toBe(true);
  });

  it("sends nothing when the confirmation is dismissed", async () => {
    backend();
    const user = userEvent.setup();
    renderWithProviders(<Routed />);
    await openReviewTypes(user);
    await user.click(screen.getByTestId("config-toggle-rt-cardio"));
    await screen.findByTestId("config-confirm");
    await user.click(screen.getByRole("button", { name: "Back" }));
    await waitFor(() => expect(screen.queryByTestId("config-confirm")).not.toBeInTheDocument());
    expect(callsOf("set_review_type_active")).toHaveLength(0);
  });

  it("changes a coordinator's specialties with set_user_specialties", async () => {
    backend();
    const user = userEvent.setup();
    window.location.hash = "#/configuration/people";
    renderWithProviders(<Routed />);
    await user.click(await screen.findByTestId("config-edit-u-coord-onco"));
    await user.click(await screen.findByTestId("config-field-specialtyIds"));
    await user.click(await screen.findByRole("option", { name: "Cardiology" }));
    await user.click(screen.getByTestId("config-save"));
    await waitFor(() => expect(callsOf("set_user_specialties")).toHaveLength(1));
    expect(callsOf("set_user_specialties")[0]![0]).toEqual({ userId: "u-coord-onco", specialtyIds: ["sp-onco", "sp-cardio"] });
    await waitFor(() =>
      expect(within(screen.getByTestId("config-row-u-coord-onco")).getByTestId("config-specialties")).toHaveTextContent(
        "Oncology, Cardiology",
      ),
    );
  });

  it("offers active providers for a disease category, keeping an inactive one already mapped", async () => {
    backend();
    const user = userEvent.setup();
    window.location.hash = "#/configuration/disease-categories";
    renderWithProviders(<Routed />);
    await user.click(await screen.findByTestId("config-edit-dc-valve"));
    await user.click(await screen.findByTestId("config-field-providerIds"));
    expect(await screen.findByRole("option", { name: "Dr. Pia Provider" })).toBeInTheDocument();
    expect(screen.queryByRole("option", { name: /Dr. Former/ })).not.toBeInTheDocument();
    await user.click(screen.getByRole("option", { name: "Dr. Pia Provider" }));
    await user.click(screen.getByTestId("config-save"));
    await waitFor(() => expect(callsOf("save_disease_category")).toHaveLength(1));
    expect(callsOf("save_disease_category")[0]![0]).toEqual({
      categoryId: "dc-valve",
      input: { labelEn: "Valve disease", labelAr: "أمراض الصمامات", specialtyId: "sp-cardio", providerIds: [provider.id] },
    });

    await user.click(await screen.findByTestId("config-edit-dc-arrhythmia"));
    await user.click(await screen.findByTestId("config-field-providerIds"));
    expect(await screen.findByRole("option", { name: "Dr. Former (inactive)" })).toBeInTheDocument();
  });

  it("names everything in Arabic in Arabic, the English name beside it", async () => {
    backend();
    await i18n.changeLanguage("ar");
    renderWithProviders(<Routed />);
    const row = await screen.findByTestId("config-row-sp-cardio");
    const [main, other] = within(row).getAllByText(/أمراض القلب|Cardiology/);
    expect(main).toHaveTextContent("أمراض القلب");
    expect(other).toHaveTextContent("Cardiology");
    expect(other).toHaveAttribute("lang", "en");
    expect(screen.getByTestId("config-tab-review-types")).toHaveTextContent("أنواع المراجعة");
  });

  it("asks nothing of the core for someone who is not an admin", async () => {
    backend();
    renderWithProviders(<Routed allowed={false} />);
    expect(await screen.findByText("The configuration is changed by admins.")).toBeInTheDocument();
    expect(callsOf("configuration")).toHaveLength(0);
  });
});
