import { i18n, SERVER_LANGUAGE, tCode } from "../i18n";

/** What the UI needs of an error or a refusal from the core: its stable code and English message. */
export type CoreMessage = { code: string; message: string; localised?: boolean };

/** An error or refusal in the UI's language: `text` to show, `detail` the core's own English sentence, if it is not the text. */
export type Explained = { text: string; detail: string | null };

// Left-to-right isolates around the core's English inside a sentence of another language.
const LRI = "\u2066";
const PDI = "\u2069";

/**
 * The core writes its messages in English (docs/decisions.md, "Languages"). In English they
 * are shown as sent: they say more than the code. In any other language the code's own text
 * is shown, with the English message kept as the detail; a message the UI made itself
 * (`localised`) is already in the user's language.
 */
export function explain(e: CoreMessage): Explained {
  if (e.localised || i18n.language === SERVER_LANGUAGE || e.message === "") {
    return { text: e.message || tCode(`error.text.${e.code}`, i18n.t("error.text.internal")), detail: null };
  }
  return { text: tCode(`error.text.${e.code}`, i18n.t("error.text.internal")), detail: e.message };
}

/** The same on one line (form fields, tooltips): the English detail isolated in parentheses. */
export function errorText(e: CoreMessage): string {
  const { text, detail } = explain(e);
  return detail ? i18n.t("error.withDetail", { text, detail: `${LRI}${detail}${PDI}` }) : text;
}

/** A short heading for an error code (the message says the rest). */
export function errorTitle(code: string): string {
  return tCode(`error.title.${code}`, i18n.t("error.title.internal"));
}
