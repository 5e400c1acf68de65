import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "../app/App";
import { ActionButton } from "../components/ActionButton";
import { ErrorText } from "../components/ErrorText";
import { presentAction } from "../lib/actions";
import { formatDate, formatDateTime, formatMoney } from "../lib/format";
import { CaseDetailPage } from "../pages/CaseDetailPage";
import { actions, caseDetail, catalog, patient, requester } from "../test/fixtures";
import { invokeMock, routeInvoke } from "../test/invoke";
import { renderWithProviders } from "../test/render";
import { chooseLanguage, detectLanguage, i18n, LANGUAGE_STORAGE_KEY } from ".";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

describe("the language", () => {
  beforeEach(() => {
    invokeMock.mockReset();
  });

  it("is the one chosen on this computer, else the system's: ar* is Arabic, anything else English", () => {
    expect(detectLanguage(null, ["ar-SA", "en-US"])).toBe("ar");
    expect(detectLanguage(null, ["ar"])).toBe("ar");
    expect(detectLanguage(null, ["en-GB", "ar"])).toBe("en");
    expect(detectLanguage(null, ["fr-FR"])).toBe("en");
    expect(detectLanguage(null, [])).toBe("en");
    expect(detectLanguage("en", ["ar-EG"])).toBe("en");
    expect(detectLanguage("ar", ["en-US"])).toBe("ar");
    expect(detectLanguage("de", ["en-US"])).toBe("en");
  });

  it("switches to Arabic from the first screen: right to left, lang=ar, Arabic text, kept on this computer", async () => {
    routeInvoke({ current_user: () => null, list_users: () => [requester], sync_status: () => ({ serverUrl: null }) });
    const user = userEvent.setup();
    renderWithProviders(<App />);
    expect(await screen.findByRole("heading", { name: "Choose who you are" })).toBeInTheDocument();
    expect(document.documentElement).toHaveAttribute("dir", "ltr");
    expect(document.documentElement).toHaveAttribute("lang", "en");

    await user.click(screen.getByRole("radio", { name: "العربية" }));
    expect(await screen.findByRole("heading", { name: "اختر هويتك" })).toBeInTheDocument();
    expect(document.documentElement).toHaveAttribute("dir", "rtl");
    expect(document.documentElement).toHaveAttribute("lang", "ar");
    expect(document.title).toBe("الرأي الطبي الثاني");
    expect(screen.getByRole("region", { name: "مقدّمو الطلبات" })).toBeInTheDocument();
    expect(window.localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe("ar");

    await user.click(screen.getByRole("radio", { name: "English" }));
    expect(await screen.findByRole("heading", { name: "Choose who you are" })).toBeInTheDocument();
    expect(document.documentElement).toHaveAttribute("dir", "ltr");
    expect(window.localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe("en");
  });

  it("shows the catalog's Arabic names in Arabic, the English one beside them", async () => {
    await chooseLanguage("ar");
    routeInvoke({
      get_case: () => caseDetail(),
      catalog: () => catalog,
      list_cases: () => [],
      list_patients: () => [patient],
      badges: () => ({ notifications: 0, appointments: 0, chat: 0, chatByCase: [] }),
    });
    renderWithProviders(<CaseDetailPage caseId="c-1" />);
    const reviewType = await screen.findByTestId("case-review-type-name");
    expect(reviewType.textContent?.startsWith("مراجعة القلب")).toBe(true);
    expect(within(reviewType).getByText("Cardiac review")).toHaveAttribute("lang", "en");
    // Amount and duration in Arabic, Latin digits.
    expect(reviewType).toHaveTextContent("1,500.00 ر.س.");
    expect(reviewType).toHaveTextContent("5 أيام");
    const category = screen.getByTestId("case-disease-category-name");
    expect(category.textContent?.startsWith("اضطراب النظم")).toBe(true);
    expect(screen.getByRole("heading", { name: "المراجعة" })).toBeInTheDocument();
    // The patient's name and the question stay as written, in their own direction.
    expect(screen.getByTestId("case-patient-name").querySelector('[dir="auto"]')).toHaveTextContent("Huda Patient");
  });

  it("says the core's refusals and errors in Arabic, keeping the English message as the detail", async () => {
    await i18n.changeLanguage("ar");
    const error = { code: "invalid_status", message: "The case was already cancelled." };
    renderWithProviders(<ErrorText error={error} />);
    expect(screen.getByText("هذا الإجراء غير ممكن والحالة في وضعها الحالي.")).toBeInTheDocument();
    expect(screen.getByTestId("error-detail")).toHaveTextContent("The case was already cancelled.");
    expect(screen.getByTestId("error-detail")).toHaveAttribute("lang", "en");

    const refused = presentAction(actions({ submit: { code: "documents_required", message: "Attach a document first." } }), "submit");
    renderWithProviders(
      <ActionButton presentation={refused} onClick={() => {}} data-testid="action-submit">
        {i18n.t("action.submit")}
      </ActionButton>,
    );
    const reason = screen.getByTestId("action-submit-reason");
    expect(reason).toHaveTextContent("يلزم مستند واحد على الأقل.");
    expect(reason).toHaveTextContent("Attach a document first.");
  });

  it("writes amounts and dates for the language through Intl, Gregorian with Latin digits", async () => {
    expect(formatMoney(150000, "SAR")).toBe("SAR 1,500.00");
    expect(formatDate("2025-02-01T09:05:00Z")).toBe("2025-02-01");
    await i18n.changeLanguage("ar");
    expect(formatMoney(150000, "SAR")).toMatch(/1,500\.00\s?ر\.س\./);
    expect(formatDate("2025-02-01T12:00:00Z")).toBe("1 فبراير 2025");
    expect(formatDateTime("2025-02-01T12:00:00Z")).toMatch(/^1 فبراير 2025/);
    expect(formatDateTime("2025-02-01T12:00:00Z")).not.toMatch(/[٠-٩]/);
  });

  it("keeps the choice across a restart of the UI", async () => {
    await chooseLanguage("ar");
    expect(detectLanguage()).toBe("ar");
    await waitFor(() => expect(document.documentElement).toHaveAttribute("dir", "rtl"));
  });
});
