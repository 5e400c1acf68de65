// The UI's languages (issue 17): i18next with react-i18next, one catalog per language
// (./en.json, ./ar.json; both bundled, nothing is loaded from the network). Components take
// `t` from useTranslation(); the lib modules, which are not components, use `i18n.t`.
// The chosen language is kept on this computer (localStorage); until one is chosen the
// system's language decides (Arabic for any ar*, else English).
import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import ar from "./ar.json";
import en from "./en.json";

export const LANGUAGES = ["en", "ar"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Where the choice is kept (this computer only; see docs/decisions.md for the server side). */
export const LANGUAGE_STORAGE_KEY = "so.language";

/** The language the core's messages are written in (the server's `message`, timeline lines). */
export const SERVER_LANGUAGE: Language = "en";

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/** The stored choice, else the first of the system's languages: ar* is Arabic, anything else English. */
export function detectLanguage(
  stored: string | null = readStoredLanguage(),
  systemLanguages: readonly string[] = systemLanguageList(),
): Language {
  if (isLanguage(stored)) return stored;
  const first = systemLanguages[0] ?? "";
  return first.toLowerCase().startsWith("ar") ? "ar" : "en";
}

function readStoredLanguage(): string | null {
  try {
    return window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
  } catch {
    return null;
  }
}

function systemLanguageList(): readonly string[] {
  if (typeof navigator === "undefined") return [];
  if (navigator.languages && navigator.languages.length > 0) return navigator.languages;
  return navigator.language ? [navigator.language] : [];
}

export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, ar: { translation: ar } },
  lng: detectLanguage(),
  fallbackLng: "en",
  supportedLngs: false,
  // Both catalogs are in the bundle: ready before the first render.
  initAsync: false,
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** The UI's language now (a test-only pseudo language reads as English). */
export function currentLanguage(): Language {
  const lng = i18n.resolvedLanguage ?? i18n.language;
  return isLanguage(lng) ? lng : "en";
}

/**
 * The BCP 47 tag for Intl: Arabic with the Gregorian calendar and Latin digits (the
 * references, record numbers, phone numbers and amounts the app shows are Latin-digit
 * anyway; Hijri dates are not offered). English as it is.
 */
export function intlLocale(lng: string = i18n.language): string {
  return lng === "ar" ? "ar-u-ca-gregory-nu-latn" : "en";
}

export function directionOf(lng: string): "rtl" | "ltr" {
  return lng === "ar" ? "rtl" : "ltr";
}

/** `<html lang dir>` follow the language, for the browser, screen readers and Mantine's DirectionProvider. */
function applyToDocument(lng: string): void {
  if (typeof document === "undefined") return;
  const root = document.documentElement;
  root.setAttribute("lang", lng);
  root.setAttribute("dir", directionOf(lng));
  document.title = i18n.t("app.title");
}

applyToDocument(i18n.language);
i18n.on("languageChanged", applyToDocument);

/** The user's choice: shown at once and kept on this computer. */
export async function chooseLanguage(lng: Language): Promise<void> {
  try {
    window.localStorage.setItem(LANGUAGE_STORAGE_KEY, lng);
  } catch {
    // Storage refused (private mode): the choice lasts for this session.
  }
  await i18n.changeLanguage(lng);
}

/** The name of each language in itself, for the switch. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", ar: "العربية" };

/**
 * `t` for a key built at run time from a code the core sent (`caseStatus.${status}`), with
 * `fallback` for a code this UI does not know yet (a newer core).
 */
export function tCode(key: string, fallback: string, options: Record<string, unknown> = {}): string {
  return i18n.exists(key) ? (i18n.t as unknown as (k: string, o: object) => string)(key, options) : fallback;
}
