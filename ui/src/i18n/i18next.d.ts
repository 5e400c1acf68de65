import "i18next";
import type en from "./en.json";

// Keys are checked against the English catalog (the reference); a test checks that the
// Arabic one has the same keys.
declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "translation";
    resources: { translation: typeof en };
    returnNull: false;
  }
}
