// A pseudo language for tests: every catalog string of `en` wrapped as ⟦…⟧, so that a
// rendered text without the markers is one that did not come from the catalogs.
import en from "../i18n/en.json";
import { i18n } from "../i18n";

export const PSEUDO = "xx";
export const OPEN = "⟦";
export const CLOSE = "⟧";

type Tree = { [key: string]: string | Tree };

function wrap(tree: Tree): Tree {
  return Object.fromEntries(
    Object.entries(tree).map(([k, v]) => [k, typeof v === "string" ? (v === "" ? "" : `${OPEN}${v}${CLOSE}`) : wrap(v)]),
  );
}

/** Switches the UI to the pseudo language (built from `en` the first time). */
export async function usePseudoLanguage(): Promise<void> {
  if (!i18n.hasResourceBundle(PSEUDO, "translation")) i18n.addResourceBundle(PSEUDO, "translation", wrap(en));
  await i18n.changeLanguage(PSEUDO);
}

/** Every string anywhere inside `values` (fixtures: names, questions, messages…). */
export function stringsIn(...values: unknown[]): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === "string") {
      if (v.trim() !== "") out.add(v.trim());
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
  };
  values.forEach(walk);
  return out;
}

const LETTER = /\p{L}/u;

/**
 * The texts under `root` (text nodes, and the aria-label, title, placeholder and alt
 * attributes) that neither come from the catalogs (the markers) nor are user data
 * (`allowed`, e.g. the fixtures' strings): after removing every allowed string, a letter
 * is left.
 */
export function untranslatedTexts(root: HTMLElement, allowed: Set<string>): string[] {
  const data = [...allowed].sort((a, b) => b.length - a.length);
  const bad = (text: string): boolean => {
    if (text.includes(OPEN) || text.includes(CLOSE)) return false;
    let rest = text;
    for (const d of data) if (rest.includes(d)) rest = rest.split(d).join(" ");
    return LETTER.test(rest);
  };
  const found: string[] = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent && (parent.closest("style, script") || parent.closest("[hidden]"))) continue;
    const text = node.textContent?.trim() ?? "";
    if (text !== "" && bad(text)) found.push(text);
  }
  for (const el of root.querySelectorAll("[aria-label], [title], [placeholder], [alt]")) {
    for (const attr of ["aria-label", "title", "placeholder", "alt"]) {
      const value = el.getAttribute(attr)?.trim();
      if (value && bad(value)) found.push(`${attr}="${value}"`);
    }
  }
  return [...new Set(found)];
}
