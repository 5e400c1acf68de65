import { Paper, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { LanguageSwitch } from "../components/LanguageSwitch";
import { NotificationSettingsPage } from "./NotificationSettingsPage";

/** The signed-in user's settings: the UI's language (kept on this computer) and the notifications. */
export function SettingsPage() {
  const { t } = useTranslation();
  return (
    <Stack gap="lg">
      <Title order={2}>{t("settings.title")}</Title>
      <Paper withBorder p="md" radius="md" data-testid="settings-language">
        <Title order={3} size="h4" mb="xs">
          {t("language.label")}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t("settings.languageHint")}
        </Text>
        <LanguageSwitch withLabel={false} />
      </Paper>
      <NotificationSettingsPage titleOrder={3} />
    </Stack>
  );
}
