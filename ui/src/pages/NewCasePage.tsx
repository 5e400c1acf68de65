import { Alert, Center, Loader, Stack, Text, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { caseChanged, useCatalog, usePatients } from "../api/queries";
import type { Capabilities } from "../api/types";
import { CaseForm } from "../components/CaseForm";
import { notifySuccess } from "../lib/notify";
import { navigate } from "../lib/router";
import { emptyCaseForm } from "../lib/validation";

export function NewCasePage({ capabilities }: { capabilities: Pick<Capabilities, "createCases"> }) {
  const allowed = capabilities.createCases;
  const catalog = useCatalog();
  const patients = usePatients(allowed);
  const client = useQueryClient();

  if (!allowed) {
    return (
      <Stack>
        <Title order={2}>New case</Title>
        <Alert color="gray">Only requesters create cases.</Alert>
      </Stack>
    );
  }

  const error = catalog.error ?? patients.error;
  return (
    <Stack maw={900}>
      <div>
        <Title order={2}>New case</Title>
        <Text size="sm" c="dimmed">
          Save a draft to finish later, or submit it for review. Submitting needs the question, the clinical summary
          and at least one document.
        </Text>
      </div>
      {error && (
        <Alert color="red" title="Could not load the form">
          {error.message}
        </Alert>
      )}
      {(catalog.isPending || patients.isPending) && !error && (
        <Center py="xl">
          <Loader aria-label="Loading" />
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
              intent === "submit" ? "The case was submitted for review." : "The draft was saved.",
              detail.reference ? `Case ${detail.reference}` : "Case saved",
            );
            navigate({ name: "case", caseId: detail.id });
          }}
          onCancel={() => navigate({ name: "cases" })}
        />
      )}
    </Stack>
  );
}
