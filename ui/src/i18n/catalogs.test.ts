import { describe, expect, it } from "vitest";
import ar from "./ar.json";
import en from "./en.json";
import { i18n } from ".";
import { ACTION_KINDS, CASE_STATUSES, DOCUMENT_KINDS, ROLES, SEXES } from "../lib/labels";
import { APPOINTMENT_STATUSES } from "../lib/appointments";

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === "string") out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}

const PLURAL = /_(zero|one|two|few|many|other)$/;
/** The plural forms each language has (CLDR, as Intl.PluralRules gives them). */
const FORMS = { en: ["one", "other"], ar: ["zero", "one", "two", "few", "many", "other"] } as const;

/** Keys without plural suffixes → the suffixes each has ("" for a plain key). */
function shape(keys: Iterable<string>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const key of keys) {
    const m = PLURAL.exec(key);
    const base = m ? key.slice(0, m.index) : key;
    const set = out.get(base) ?? new Set<string>();
    set.add(m ? m[1]! : "");
    out.set(base, set);
  }
  return out;
}

const enFlat = flatten(en);
const arFlat = flatten(ar);

describe("the catalogs", () => {
  it("have the same keys in English and Arabic, each plural with its language's forms", () => {
    const enShape = shape(enFlat.keys());
    const arShape = shape(arFlat.keys());
    expect([...arShape.keys()].sort()).toEqual([...enShape.keys()].sort());
    for (const [base, suffixes] of enShape) {
      if (suffixes.has("")) {
        expect(suffixes, base).toEqual(new Set([""]));
        expect(arShape.get(base), base).toEqual(new Set([""]));
      } else {
        expect([...suffixes].sort(), base).toEqual([...FORMS.en].sort());
        expect([...arShape.get(base)!].sort(), base).toEqual([...FORMS.ar].sort());
      }
    }
    expect(new Intl.PluralRules("en").resolvedOptions().pluralCategories.sort()).toEqual([...FORMS.en].sort());
    expect(new Intl.PluralRules("ar").resolvedOptions().pluralCategories.sort()).toEqual([...FORMS.ar].sort());
  });

  it("use the same placeholders and tags in both languages", () => {
    const marks = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}|<\/?(\w+)\s*\/?>/g)].map((m) => m[1] ?? `<${m[2]}>`);
    for (const [key, text] of arFlat) {
      const base = key.replace(PLURAL, "");
      const english = enFlat.get(key) ?? enFlat.get(`${base}_other`)!;
      // A plural form may spell its number out ("يومان") instead of {{n}}.
      const expected = new Set(marks(english).filter((m) => !(PLURAL.test(key) && m === "n")));
      const actual = new Set(marks(text).filter((m) => !(PLURAL.test(key) && m === "n")));
      expect(actual, key).toEqual(expected);
    }
  });

  it("have an Arabic text for every string (none left in English)", () => {
    const latinOnly = [...arFlat].filter(([, v]) => /[A-Za-z]/.test(v.replace(/\{\{\w+\}\}|<\/?\w+>/g, "")) && !/[\u0600-\u06ff]/.test(v));
    // Only what is not words: a date pattern, an example address, "{{text}} ({{detail}})".
    expect(latinOnly.map(([k]) => k).sort()).toEqual(["dateOfBirth.placeholder", "server.addressPlaceholder"]);
  });

  it("name every status, role, action, document kind, sex and error code the UI knows", () => {
    const groups: [string, readonly string[]][] = [
      ["caseStatus", CASE_STATUSES],
      ["role", ROLES],
      ["roleGroup", ROLES],
      ["action", ACTION_KINDS],
      ["documentKind", DOCUMENT_KINDS],
      ["sex", SEXES],
      ["appointmentStatus", APPOINTMENT_STATUSES],
    ];
    for (const [group, codes] of groups) for (const code of codes) expect(enFlat.has(`${group}.${code}`), `${group}.${code}`).toBe(true);
    for (const code of Object.keys(en.error.title)) {
      expect(enFlat.has(`error.text.${code}`), code).toBe(true);
      expect(enFlat.has(`errorCode.${code}`), code).toBe(true);
    }
  });
});

describe("Arabic plurals", () => {
  it("take the six forms by the number", async () => {
    const t = i18n.getFixedT("ar");
    const days = (count: number) => t("units.days", { count, n: String(count) });
    expect(days(0)).toBe("0 يوم");
    expect(days(1)).toBe("يوم واحد");
    expect(days(2)).toBe("يومان");
    expect(days(3)).toBe("3 أيام");
    expect(days(10)).toBe("10 أيام");
    expect(days(11)).toBe("11 يومًا");
    expect(days(99)).toBe("99 يومًا");
    expect(days(100)).toBe("100 يوم");
    expect(t("cases.unreadChat", { count: 2, n: "2" })).toBe("رسالتا محادثة غير مقروءتين");
    // English has two.
    await i18n.changeLanguage("en");
    expect(i18n.t("units.days", { count: 1, n: "1" })).toBe("1 day");
    expect(i18n.t("units.days", { count: 0, n: "0" })).toBe("0 days");
  });
});
