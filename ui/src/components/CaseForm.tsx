import {
  ActionIcon,
  Alert,
  Button,
  Group,
  NativeSelect,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
  Tooltip,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { fieldKey, maxDocumentSizeText, normaliseError, type CommandError } from "../api/client";
import type { Catalog, CaseDraftInput, DocumentInput, DocumentKind, Patient } from "../api/types";
import { toDocumentInput, useDocumentStaging, type StagedItem } from "../hooks/useDocumentStaging";
import {
  categoriesForReviewType,
  diseaseCategoryLabel,
  otherLanguageName,
  patientOptions,
  reviewTypeName,
  selectableReviewTypes,
  specialtyName,
} from "../lib/catalog";
import { errorText } from "../lib/errors";
import { ErrorText } from "./ErrorText";
import { formatBytes, formatMoney, pluralDays } from "../lib/format";
import { DOCUMENT_KINDS, documentKindLabel } from "../lib/labels";
import { notifyError } from "../lib/notify";
import {
  LIMITS,
  toCaseDraftInput,
  validateCaseForm,
  type CaseFormValues,
  type CaseIntent,
} from "../lib/validation";
import { DocumentPicker } from "./DocumentPicker";
import { CrossIcon } from "./icons";
import { PatientFormModal } from "./PatientForm";

/** Server field names that are about the documents rather than a form field. */
const DOCUMENT_FIELDS = new Set(["documents", "document", "name", "kind", "mediaType", "sha256", "sizeBytes"]);

const CASE_FIELDS = new Set<string>(["patientId", "reviewTypeId", "diseaseCategoryId", "question", "clinicalSummary"]);

export type CaseFormProps = {
  catalog: Catalog;
  patients: readonly Patient[];
  initial: CaseFormValues;
  /** "new": documents are staged here and the case can be saved or submitted; "edit": the draft's fields only. */
  mode: "new" | "edit";
  /** May reject with a CommandError; its field error lands on the field. */
  onSave: (input: CaseDraftInput, intent: CaseIntent, documents: DocumentInput[]) => Promise<unknown>;
  onCancel?: () => void;
  /** Whether the user may add patients from here (requesters). */
  canAddPatient?: boolean;
};

export function CaseForm({ catalog, patients, initial, mode, onSave, onCancel, canAddPatient }: CaseFormProps) {
  const { t } = useTranslation();
  const form = useForm<CaseFormValues>({ mode: "controlled", initialValues: initial });
  const [documents, setDocuments] = useState<StagedItem[]>([]);
  const [documentsError, setDocumentsError] = useState<string | null>(null);
  const [serverError, setServerError] = useState<CommandError | null>(null);
  const [saving, setSaving] = useState<CaseIntent | null>(null);
  const [patientModal, setPatientModal] = useState(false);
  const staging = useDocumentStaging((item) => {
    setDocuments((docs) => [...docs, item]);
    setDocumentsError(null);
  });

  const values = form.getValues();
  const reviewTypes = selectableReviewTypes(catalog, initial.reviewTypeId);
  const reviewType = catalog.reviewTypes.find((r) => r.id === values.reviewTypeId);
  const categories = categoriesForReviewType(catalog, values.reviewTypeId, initial.diseaseCategoryId);
  const category = categories.find((c) => c.id === values.diseaseCategoryId);

  const save = async (intent: CaseIntent) => {
    setServerError(null);
    const current = form.getValues();
    const { documents: docError, ...fieldErrors } = validateCaseForm(
      current,
      intent,
      mode === "new" ? documents.length : null,
    );
    form.setErrors(fieldErrors);
    setDocumentsError(docError ?? null);
    if (Object.keys(fieldErrors).length > 0 || docError) return;
    setSaving(intent);
    try {
      await onSave(toCaseDraftInput(current), intent, documents.map(toDocumentInput));
    } catch (raw) {
      const error = normaliseError(raw);
      notifyError(error, intent === "submit" ? t("caseForm.submitFailed") : t("caseForm.saveFailed"));
      const key = fieldKey(error.field);
      if (key !== null && CASE_FIELDS.has(key)) form.setFieldError(key, errorText(error));
      else if (key !== null && DOCUMENT_FIELDS.has(key)) setDocumentsError(errorText(error));
      else setServerError(error);
    } finally {
      setSaving(null);
    }
  };

  const busy = saving !== null || staging.busy;

  return (
    <>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save("draft");
        }}
      >
        <Stack gap="lg">
          {/* In "edit" mode the caller frames the form already. */}
          <Paper withBorder={mode === "new"} p={mode === "new" ? "md" : 0} radius="md">
            <Stack>
              <Group align="flex-end" gap="xs" wrap="nowrap">
                <NativeSelect
                  style={{ flex: 1 }}
                  label={t("caseForm.patient")}
                  withAsterisk
                  data-testid="case-patient"
                  data={[{ value: "", label: t("caseForm.choosePatient"), disabled: true }, ...patientOptions(patients)]}
                  {...form.getInputProps("patientId")}
                />
                {canAddPatient && (
                  <Button variant="default" onClick={() => setPatientModal(true)} data-testid="case-new-patient">
                    {t("caseForm.newPatient")}
                  </Button>
                )}
              </Group>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <NativeSelect
                  label={t("caseForm.reviewType")}
                  withAsterisk
                  data-testid="case-review-type"
                  data={[
                    { value: "", label: t("caseForm.chooseReviewType"), disabled: true },
                    ...reviewTypes.map((rt) => ({ value: rt.id, label: reviewTypeName(rt) })),
                  ]}
                  description={
                    reviewType ? (
                      <Bilingual other={otherLanguageName(reviewType.nameEn, reviewType.nameAr)}>
                        {t("caseForm.reviewTypeFacts", {
                          price: formatMoney(reviewType.priceMinor, reviewType.currency),
                          days: pluralDays(reviewType.expectedReviewDays),
                        })}
                        {specialtyName(catalog, reviewType.specialtyId) &&
                          ` · ${specialtyName(catalog, reviewType.specialtyId)}`}
                      </Bilingual>
                    ) : undefined
                  }
                  {...form.getInputProps("reviewTypeId")}
                  onChange={(event) => {
                    const id = event.currentTarget.value;
                    form.setFieldValue("reviewTypeId", id);
                    const stillValid = categoriesForReviewType(catalog, id).some(
                      (c) => c.id === form.getValues().diseaseCategoryId,
                    );
                    if (!stillValid) form.setFieldValue("diseaseCategoryId", "");
                  }}
                />
                <NativeSelect
                  label={t("caseForm.diseaseCategory")}
                  withAsterisk
                  data-testid="case-disease-category"
                  disabled={!reviewType}
                  data={[
                    {
                      value: "",
                      label: reviewType ? t("caseForm.chooseDiseaseCategory") : t("caseForm.chooseReviewTypeFirst"),
                      disabled: true,
                    },
                    ...categories.map((c) => ({ value: c.id, label: diseaseCategoryLabel(c) })),
                  ]}
                  description={category ? <Bilingual other={otherLanguageName(category.labelEn, category.labelAr)} /> : undefined}
                  {...form.getInputProps("diseaseCategoryId")}
                />
              </SimpleGrid>
              <Textarea
                label={t("caseForm.question")}
                description={mode === "new" ? t("caseForm.requiredToSubmit") : undefined}
                autosize
                minRows={3}
                maxRows={12}
                dir="auto"
                data-testid="case-question"
                maxLength={LIMITS.question + 100}
                {...form.getInputProps("question")}
              />
              <Textarea
                label={t("caseForm.clinicalSummary")}
                description={mode === "new" ? t("caseForm.clinicalSummaryHint") : undefined}
                autosize
                minRows={5}
                maxRows={20}
                dir="auto"
                data-testid="case-summary"
                maxLength={LIMITS.clinicalSummary + 100}
                {...form.getInputProps("clinicalSummary")}
              />
            </Stack>
          </Paper>

          {mode === "new" && (
            <Paper withBorder p="md" radius="md">
              <Stack>
                <Title order={3} size="h4">
                  {t("caseForm.documents")}
                </Title>
                <StagedDocumentsTable
                  documents={documents}
                  pending={staging.pending.map((p) => p.name)}
                  onKind={(key, kind) => setDocuments((docs) => docs.map((d) => (d.key === key ? { ...d, kind } : d)))}
                  onRemove={(key) => setDocuments((docs) => docs.filter((d) => d.key !== key))}
                />
                <DocumentPicker
                  label={t("caseForm.addDocuments")}
                  description={t("caseForm.addDocumentsHint", { max: maxDocumentSizeText() })}
                  error={staging.error ?? documentsError ?? undefined}
                  disabled={saving !== null}
                  onFiles={(files) => void staging.stageFiles(files)}
                  data-testid="case-files"
                />
              </Stack>
            </Paper>
          )}

          {serverError && (
            <Alert color="red" variant="light" title={t("caseForm.notSaved")} data-testid="case-form-error">
              <ErrorText error={serverError} />
            </Alert>
          )}

          <Group justify="flex-end">
            {onCancel && (
              <Button variant="default" onClick={onCancel} disabled={saving !== null}>
                {t("common.cancel")}
              </Button>
            )}
            <Button
              variant={mode === "new" ? "default" : "filled"}
              onClick={() => void save("draft")}
              loading={saving === "draft"}
              disabled={busy && saving !== "draft"}
              data-testid="case-save-draft"
            >
              {t("caseForm.saveDraft")}
            </Button>
            {mode === "new" && (
              <Button
                onClick={() => void save("submit")}
                loading={saving === "submit"}
                disabled={busy && saving !== "submit"}
                data-testid="case-submit"
              >
                {t("caseForm.submit")}
              </Button>
            )}
          </Group>
        </Stack>
      </form>
      {canAddPatient && (
        <PatientFormModal
          opened={patientModal}
          onClose={() => setPatientModal(false)}
          onSaved={(p) => form.setFieldValue("patientId", p.id)}
        />
      )}
    </>
  );
}

/** The catalog name in the other language (its own direction), with optional details. */
function Bilingual({ other, children }: { other: { text: string; lang: string } | null; children?: ReactNode }) {
  return (
    <>
      {other && (
        <span dir="auto" lang={other.lang}>
          {other.text}
        </span>
      )}
      {other && children && " · "}
      {children}
    </>
  );
}

type StagedTableProps = {
  documents: readonly StagedItem[];
  pending: readonly string[];
  onKind: (key: string, kind: DocumentKind) => void;
  onRemove: (key: string) => void;
};

function StagedDocumentsTable({ documents, pending, onKind, onRemove }: StagedTableProps) {
  const { t } = useTranslation();
  if (documents.length === 0 && pending.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t("caseForm.noDocumentsYet")}
      </Text>
    );
  }
  return (
    <Table verticalSpacing="xs" data-testid="documents-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t("documents.name")}</Table.Th>
          <Table.Th>{t("documents.kind")}</Table.Th>
          <Table.Th>{t("documents.size")}</Table.Th>
          <Table.Th aria-label={t("documents.actions")} />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {documents.map((d) => (
          <Table.Tr key={d.key} data-testid="document-row">
            <Table.Td dir="auto" style={{ overflowWrap: "anywhere" }}>
              {d.name}
            </Table.Td>
            <Table.Td>
              <NativeSelect
                size="xs"
                aria-label={t("documents.kindOf", { name: d.name })}
                data-testid="document-kind"
                value={d.kind}
                data={DOCUMENT_KINDS.map((k) => ({ value: k, label: documentKindLabel(k) }))}
                onChange={(e) => onKind(d.key, e.currentTarget.value as DocumentKind)}
              />
            </Table.Td>
            <Table.Td>{formatBytes(d.sizeBytes)}</Table.Td>
            <Table.Td>
              <Tooltip label={t("documents.remove")}>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={t("documents.removeNamed", { name: d.name })}
                  data-testid="document-remove"
                  onClick={() => onRemove(d.key)}
                >
                  <CrossIcon />
                </ActionIcon>
              </Tooltip>
            </Table.Td>
          </Table.Tr>
        ))}
        {pending.map((name, i) => (
          <Table.Tr key={`pending-${i}`} data-testid="document-uploading">
            <Table.Td dir="auto">{name}</Table.Td>
            <Table.Td colSpan={3}>
              <Text size="sm" c="dimmed">
                {t("documents.uploading")}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
