import js from "@eslint/js";
import i18next from "eslint-plugin-i18next";
import reactHooks from "eslint-plugin-react-hooks";
import reactRefresh from "eslint-plugin-react-refresh";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "node_modules", "coverage"] },
  {
    files: ["**/*.{ts,tsx}"],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      ecmaVersion: 2022,
      globals: globals.browser,
      parserOptions: {
        project: ["./tsconfig.json", "./tsconfig.node.json"],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: {
      "react-hooks": reactHooks,
      "react-refresh": reactRefresh,
    },
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      "react-refresh/only-export-components": ["warn", { allowConstantExport: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
    },
  },
  {
    // No English left in the screens (issue 17): text and user-visible attributes in JSX
    // come from the catalogs (src/i18n). Tests render fixtures; the pseudo-locale test
    // (src/i18n/pseudo.test.tsx) catches what is built outside JSX.
    files: ["src/**/*.tsx"],
    ignores: ["src/**/*.test.tsx", "src/test/**"],
    plugins: { i18next },
    rules: {
      "i18next/no-literal-string": [
        "error",
        {
          mode: "jsx-only",
          "jsx-attributes": {
            exclude: [
              "className", "style", "type", "key", "id", "width", "height", "href", "dir", "lang", "value",
              "data-.*", "aria-labelledby", "aria-describedby", "autoComplete", "inputMode", "valueFormat",
              "defaultDate", "defaultLevel", "defaultTimeValue", "minDate", "maxDate", "viewBox", "d", "stroke",
              "fill", "strokeWidth", "testId", "i18nKey", "component", "size", "c", "color", "variant", "position",
              "justify", "align", "gap", "p", "px", "py", "pe", "m", "mt", "mb", "maw", "mah", "w", "h", "fw", "ta", "display",
              "radius", "shadow", "bg", "underline", "rx", "x", "y", "confirmColor", "field", "settings",
            ],
          },
          "object-properties": { exclude: ["data-.*"] },
        },
      ],
    },
  },
  {
    files: ["eslint.config.js"],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
);
