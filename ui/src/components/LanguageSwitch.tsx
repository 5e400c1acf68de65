import { Box, SegmentedControl, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { chooseLanguage, currentLanguage, isLanguage, LANGUAGE_NAMES, LANGUAGES } from "../i18n";

/** English or Arabic, each named in itself; the choice applies at once and is kept on this computer. */
export function LanguageSwitch({ withLabel = true }: { withLabel?: boolean }) {
  const { t } = useTranslation();
  return (
    <Box>
      {withLabel && (
        <Text component="label" size="sm" fw={500} id="language-switch-label" display="block" mb={4}>
          {t("language.label")}
        </Text>
      )}
      <SegmentedControl
        aria-labelledby={withLabel ? "language-switch-label" : undefined}
        aria-label={withLabel ? undefined : t("language.label")}
        value={currentLanguage()}
        onChange={(value) => {
          if (isLanguage(value)) void chooseLanguage(value);
        }}
        data={LANGUAGES.map((lng) => ({
          value: lng,
          label: (
            <span lang={lng} dir="auto" data-testid={`language-${lng}`}>
              {LANGUAGE_NAMES[lng]}
            </span>
          ),
        }))}
        data-testid="language-switch"
      />
    </Box>
  );
}
