import { Alert, Center, Loader, Stack, Tabs, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useConfiguration } from "../api/queries";
import type { UserSummary } from "../api/types";
import { DiseaseCategoriesTab } from "../components/config/DiseaseCategoriesTab";
import { PeopleTab } from "../components/config/PeopleTab";
import { ReviewTypesTab } from "../components/config/ReviewTypesTab";
import { SpecialtiesTab } from "../components/config/SpecialtiesTab";
import { ErrorText } from "../components/ErrorText";
import { CONFIG_TABS, navigate, type ConfigTab } from "../lib/router";

/**
 * The admin's configuration: specialties, review types, disease categories, and the
 * specialties of coordinators and providers. Nothing is deleted; review types and
 * categories are deactivated. `allowed` is the core's `capabilities.configure` (the core
 * refuses everyone else on its own).
 */
export function ConfigurationPage({ allowed, tab }: { allowed: boolean; tab?: ConfigTab }) {
  const { t } = useTranslation();
  const configuration = useConfiguration(allowed);
  const isActive = (u: UserSummary) => u.active;
  const shown: ConfigTab = tab ?? "specialties";

  if (!allowed) {
    return (
      <Stack>
        <Title order={2}>{t("config.title")}</Title>
        <Alert color="gray">{t("config.notAllowed")}</Alert>
      </Stack>
    );
  }

  const view = configuration.data;
  return (
    <Stack>
      <div>
        <Title order={2}>{t("config.title")}</Title>
        <Text c="dimmed" mt="xs">
          {t("config.intro")}
        </Text>
      </div>
      {configuration.isPending && (
        <Center py="xl">
          <Loader aria-label={t("config.loading")} />
        </Center>
      )}
      {configuration.isError && (
        <Alert color="red" title={t("config.loadFailed")}>
          <ErrorText error={configuration.error} />
        </Alert>
      )}
      {view && (
        <Tabs
          value={shown}
          onChange={(v) => {
            const next = CONFIG_TABS.find((c) => c === v);
            if (next) navigate({ name: "configuration", tab: next });
          }}
          keepMounted={false}
        >
          <Tabs.List mb="md">
            <Tabs.Tab value="specialties" data-testid="config-tab-specialties">
              {t("config.tab.specialties")}
            </Tabs.Tab>
            <Tabs.Tab value="review-types" data-testid="config-tab-review-types">
              {t("config.tab.reviewTypes")}
            </Tabs.Tab>
            <Tabs.Tab value="disease-categories" data-testid="config-tab-disease-categories">
              {t("config.tab.diseaseCategories")}
            </Tabs.Tab>
            <Tabs.Tab value="people" data-testid="config-tab-people">
              {t("config.tab.people")}
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="specialties">
            <SpecialtiesTab view={view} />
          </Tabs.Panel>
          <Tabs.Panel value="review-types">
            <ReviewTypesTab view={view} />
          </Tabs.Panel>
          <Tabs.Panel value="disease-categories">
            <DiseaseCategoriesTab view={view} isActive={isActive} />
          </Tabs.Panel>
          <Tabs.Panel value="people">
            <PeopleTab view={view} isActive={isActive} />
          </Tabs.Panel>
        </Tabs>
      )}
    </Stack>
  );
}
