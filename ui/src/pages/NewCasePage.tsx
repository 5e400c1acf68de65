import { Alert, Center, Loader, Stack, Text, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import { ErrorText } from "../components/ErrorText";
import { i18n } from "../i18n";
import { caseChanged, useCatalog, usePatients } from "../api/queries";
import type { Capabilities } from "../api/types";
import { CaseForm } from "../components/CaseForm";
import { notifySuccess } from "../lib/notify";
import { navigate } from "../lib/router";
import { emptyCaseForm } from "../lib/validation";

export function NewCasePage({ capabilities }: { capabilities: Pick<Capabilities, "createCases"> }) {
  const { t } = useTranslation();
  const allowed = capabilities.createCases;
  const catalog = useCatalog();
  const patients = usePatients(allowed);
  const client = useQueryClient();

  if (!allowed) {
    return (
      <Stack>
        <Title order={2}>{t("nav.newCase")}</Title>
        <Alert color="gray">{t("newCase.notAllowed")}</Alert>
      </Stack>
    );
  }

  const error = catalog.error ?? patients.error;
  return (
    <Stack maw={900}>
      <div>
        <Title order={2}>{t("nav.newCase")}</Title>
        <Text size="sm" c="dimmed">
          {t("newCase.intro")}
        </Text>
      </div>
      {error && (
        <Alert color="red" title={t("newCase.loadFailed")}>
          <ErrorText error={error} />
        </Alert>
      )}
      {(catalog.isPending || patients.isPending) && !error && (
        <Center py="xl">
          <Loader aria-label={t("common.loading")} />
        </Center>
      )}
      {catalog.data && patients.data && (
        <CaseForm
          mode="new"
          catalog={catalog.data}
          patients={patients.data}
          initial={emptyCaseForm}
          canAddPatient
          onSave={async (input, intent, documents) => {
            const detail = await api.createCase({ ...input, documents }, intent === "submit");
            await caseChanged(client, detail);
            notifySuccess(
              intent === "submit" ? i18n.t("caseDetail.done.submit") : i18n.t("caseDetail.draftSaved"),
              detail.reference ? i18n.t("newCase.savedTitle", { reference: detail.reference }) : i18n.t("newCase.saved"),
            );
            navigate({ name: "case", caseId: detail.id });
          }}
          onCancel={() => navigate({ name: "cases" })}
        />
      )}
    </Stack>
  );
}
