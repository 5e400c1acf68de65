import {
  ActionIcon,
  Alert,
  Anchor,
  Button,
  Center,
  Grid,
  Group,
  Loader,
  NativeSelect,
  Paper,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ErrorText } from "../components/ErrorText";
import { i18n } from "../i18n";
import { diseaseCategoryLabel, otherLanguageName, reviewTypeName } from "../lib/catalog";
import { api, maxDocumentSizeText, type CommandError } from "../api/client";
import { caseChanged, queryKeys, useCase, useCatalog, usePatients } from "../api/queries";
import type { CaseDetail, CaseDocument, Catalog, DocumentKind } from "../api/types";
import { ActionButton } from "../components/ActionButton";
import { AssignCoordinatorModal } from "../components/AssignCoordinatorModal";
import { CasePapers, RefundPanel } from "../components/CasePapers";
import { CaseForm } from "../components/CaseForm";
import { CaseTimeline } from "../components/CaseTimeline";
import { DocumentPicker } from "../components/DocumentPicker";
import { PayNow } from "../components/PayNow";
import { ArrowLeftIcon, CrossIcon } from "../components/icons";
import { ReasonModal } from "../components/ReasonModal";
import { AssignProvidersModal } from "../components/review/AssignProvidersModal";
import { OpinionForm } from "../components/review/OpinionForm";
import {
  AssignmentsPanel,
  DocumentRequestsPanel,
  FinalSummaryPanel,
  OpinionsPanel,
  ReturnIssuesPanel,
} from "../components/review/ReviewPanels";
import { TextModal } from "../components/review/TextModal";
import { StatusBadge } from "../components/StatusBadge";
import { toDocumentInput, useDocumentStaging } from "../hooks/useDocumentStaging";
import { presentAction, type ActionPresentation } from "../lib/actions";
import { specialtyName } from "../lib/catalog";
import { formatBytes, formatDateTime, formatMoney, pluralDays } from "../lib/format";
import { LIMITS } from "../lib/validation";
import { DOCUMENT_KINDS, documentKindLabel, sexLabel } from "../lib/labels";
import { notifyError, notifySuccess } from "../lib/notify";
import { navigate, routeHref, type CaseTab } from "../lib/router";
import { CaseTalk } from "../components/talk/CaseTalk";

/** The case screen. What the signed-in user may do here comes with the case (`CaseDetail`), computed for them by the core. */
export function CaseDetailPage({ caseId, tab }: { caseId: string; tab?: CaseTab }) {
  const { t } = useTranslation();
  const query = useCase(caseId);
  const catalog = useCatalog();
  return (
    <Stack>
      <Anchor href={routeHref({ name: "cases" })} size="sm" w="fit-content">
        <Group gap={4} component="span">
          <ArrowLeftIcon /> {t("nav.cases")}
        </Group>
      </Anchor>
      {query.isPending && (
        <Center py="xl">
          <Loader aria-label={t("caseDetail.loading")} />
        </Center>
      )}
      {query.isError && (
        <Alert color="red" title={query.error.code === "not_found" ? t("caseDetail.notFound") : t("caseDetail.loadFailed")}>
          {query.error.code === "not_found" ? t("caseDetail.notFoundText") : <ErrorText error={query.error} />}
        </Alert>
      )}
      {query.data && <CaseDetailView detail={query.data} catalog={catalog.data} tab={tab} />}
    </Stack>
  );
}

type CaseCommand =
  | { kind: "submit" }
  | { kind: "assign"; coordinatorId: string }
  | { kind: "reject"; reason: string }
  | { kind: "cancel"; reason: string | null }
  | { kind: "remove-document"; document: CaseDocument }
  | { kind: "assign-providers"; providerIds: string[] }
  | { kind: "accept" }
  | { kind: "decline"; reason: string }
  | { kind: "start-review" }
  | { kind: "request-documents"; note: string }
  | { kind: "return"; reason: string }
  | { kind: "resolve-return"; issueId: string }
  | { kind: "final-summary"; summary: string }
  | { kind: "overdue-reminder" };

/** The case as it now is; `null` when it is no longer the user's to see (after declining). */
function runCommand(caseId: string, c: CaseCommand): Promise<CaseDetail | null> {
  switch (c.kind) {
    case "submit":
      return api.submitCase(caseId);
    case "assign":
      return api.assignCoordinator(caseId, c.coordinatorId);
    case "reject":
      return api.rejectCase(caseId, c.reason);
    case "cancel":
      return api.cancelCase(caseId, c.reason);
    case "remove-document":
      return api.removeDocument(caseId, c.document.id);
    case "assign-providers":
      return api.assignProviders(caseId, c.providerIds);
    case "accept":
      return api.respondToAssignment(caseId, true, null);
    case "decline":
      return api.respondToAssignment(caseId, false, c.reason);
    case "start-review":
      return api.startReview(caseId);
    case "request-documents":
      return api.requestDocuments(caseId, c.note);
    case "return":
      return api.returnCase(caseId, c.reason);
    case "resolve-return":
      return api.resolveReturn(caseId, c.issueId);
    case "final-summary":
      return api.submitFinalSummary(caseId, c.summary);
    case "overdue-reminder":
      return api.sendOverdueReminder(caseId);
  }
}

const SUCCESS: Record<CaseCommand["kind"], () => string> = {
  submit: () => i18n.t("caseDetail.done.submit"),
  assign: () => i18n.t("caseDetail.done.assign"),
  reject: () => i18n.t("caseDetail.done.reject"),
  cancel: () => i18n.t("caseDetail.done.cancel"),
  "remove-document": () => i18n.t("caseDetail.done.removeDocument"),
  "assign-providers": () => i18n.t("caseDetail.done.assignProviders"),
  accept: () => i18n.t("caseDetail.done.accept"),
  decline: () => i18n.t("caseDetail.done.decline"),
  "start-review": () => i18n.t("caseDetail.done.startReview"),
  "request-documents": () => i18n.t("caseDetail.done.requestDocuments"),
  return: () => i18n.t("caseDetail.done.return"),
  "resolve-return": () => i18n.t("caseDetail.done.resolveReturn"),
  "final-summary": () => i18n.t("caseDetail.done.finalSummary"),
  "overdue-reminder": () => i18n.t("caseDetail.done.overdueReminder"),
};

const FAILURE: Record<CaseCommand["kind"], () => string> = {
  submit: () => i18n.t("caseDetail.failed.submit"),
  assign: () => i18n.t("caseDetail.failed.assign"),
  reject: () => i18n.t("caseDetail.failed.reject"),
  cancel: () => i18n.t("caseDetail.failed.cancel"),
  "remove-document": () => i18n.t("caseDetail.failed.removeDocument"),
  "assign-providers": () => i18n.t("caseDetail.failed.assignProviders"),
  accept: () => i18n.t("caseDetail.failed.accept"),
  decline: () => i18n.t("caseDetail.failed.decline"),
  "start-review": () => i18n.t("caseDetail.failed.startReview"),
  "request-documents": () => i18n.t("caseDetail.failed.requestDocuments"),
  return: () => i18n.t("caseDetail.failed.return"),
  "resolve-return": () => i18n.t("caseDetail.failed.resolveReturn"),
  "final-summary": () => i18n.t("caseDetail.failed.finalSummary"),
  "overdue-reminder": () => i18n.t("caseDetail.failed.overdueReminder"),
};

type Modal =
  | "assign"
  | "reject"
  | "cancel"
  | "assign-providers"
  | "decline"
  | "return"
  | "request-documents"
  | "final-summary"
  | null;

function CaseDetailView({
  detail,
  catalog,
  tab,
}: {
  detail: CaseDetail;
  catalog: Catalog | undefined;
  tab: CaseTab | undefined;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [modal, setModal] = useState<Modal>(null);
  const [editing, setEditing] = useState(false);
  const command = useMutation({
    mutationFn: (c: CaseCommand) => runCommand(detail.id, c),
    onSuccess: async (updated, c) => {
      setModal(null);
      if (updated) {
        await caseChanged(client, updated);
      } else {
        // Declined: the case has left this user's desk.
        navigate({ name: "cases" });
        client.removeQueries({ queryKey: queryKeys.case(detail.id) });
        await client.invalidateQueries({ queryKey: queryKeys.cases });
      }
      notifySuccess(SUCCESS[c.kind]());
    },
    onError: (error, c) => notifyError(error, FAILURE[c.kind]()),
  });
  const modalError = (kind: CaseCommand["kind"]): CommandError | null =>
    command.variables?.kind === kind ? command.error : null;
  const open = (m: Modal) => {
    command.reset();
    setModal(m);
  };

  const present = (kind: Parameters<typeof presentAction>[1]) => presentAction(detail.actions, kind);
  const editDraft = present("update_draft");
  const pending = (kind: CaseCommand["kind"]) => command.isPending && command.variables.kind === kind;
  const respond = present("respond_to_assignment");
  const submitOpinion = present("submit_opinion");
  // The opinion form is open while the provider may keep a draft: while they may submit,
  // and while their review waits on a return (the core's rule for saving drafts).
  const writing = detail.opinionDraftAllowed;

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={2}>
              <span data-testid="case-reference">{detail.reference ?? t("caseDetail.noReference")}</span>
            </Title>
            <StatusBadge status={detail.status} size="lg" data-testid="case-status" />
          </Group>
          <Text size="sm" c="dimmed">
            {t("caseDetail.createdUpdated", { created: formatDateTime(detail.createdAt), updated: formatDateTime(detail.updatedAt) })}
          </Text>
        </Stack>
        <Group gap="sm" align="flex-start" data-testid="case-actions">
          {!editing && (
            <ActionButton presentation={editDraft} variant="default" onClick={() => setEditing(true)} data-testid="action-edit-draft">
              {t("action.update_draft")}
            </ActionButton>
          )}
          <ActionButton
            presentation={present("submit")}
            onClick={() => command.mutate({ kind: "submit" })}
            loading={command.isPending && command.variables.kind === "submit"}
            data-testid="action-submit"
          >
            {t("action.submit")}
          </ActionButton>
          <ActionButton
            presentation={present("assign_coordinator")}
            onClick={() => open("assign")}
            data-testid="action-assign-coordinator"
          >
            {detail.coordinator ? t("assignCoordinator.change") : t("assignCoordinator.assign")}
          </ActionButton>
          <ActionButton
            presentation={present("reject")}
            color="red"
            variant="light"
            onClick={() => open("reject")}
            data-testid="action-reject"
          >
            {t("action.reject")}
          </ActionButton>
          <ActionButton
            presentation={present("assign_providers")}
            onClick={() => open("assign-providers")}
            data-testid="action-assign-providers"
          >
            {detail.assignments.length === 0 ? t("assignProviders.assign") : t("assignProviders.add")}
          </ActionButton>
          <ActionButton
            presentation={respond}
            onClick={() => command.mutate({ kind: "accept" })}
            loading={pending("accept")}
            data-testid="action-accept-assignment"
          >
            {t("caseDetail.accept")}
          </ActionButton>
          {respond.visible &&
            (respond.enabled ? (
              <Button variant="default" color="red" onClick={() => open("decline")} data-testid="action-decline-assignment">
                {t("caseDetail.decline")}
              </Button>
            ) : (
              // The reason is already under "Accept": the same action refused for the same reason.
              <Button variant="default" disabled data-reason={respond.reason} data-testid="action-decline-assignment">
                {t("caseDetail.decline")}
              </Button>
            ))}
          <ActionButton
            presentation={present("start_review")}
            onClick={() => command.mutate({ kind: "start-review" })}
            loading={pending("start-review")}
            data-testid="action-start-review"
          >
            {t("action.start_review")}
          </ActionButton>
          <ActionButton
            presentation={present("request_documents")}
            variant="light"
            onClick={() => open("request-documents")}
            data-testid="action-request-documents"
          >
            {t("action.request_documents")}
          </ActionButton>
          <ActionButton
            presentation={present("return_case")}
            variant="light"
            color="orange"
            onClick={() => open("return")}
            data-testid="action-return-case"
          >
            {t("action.return_case")}
          </ActionButton>
          {!writing && (
            <ActionButton presentation={submitOpinion} onClick={() => {}} data-testid="action-submit-opinion">
              {t("action.submit_opinion")}
            </ActionButton>
          )}
          <ActionButton
            presentation={present("submit_final_summary")}
            onClick={() => open("final-summary")}
            data-testid="action-submit-final-summary"
          >
            {t("action.submit_final_summary")}
          </ActionButton>
          {detail.talk.canSendOverdueReminder && (
            <Button
              variant="light"
              color="orange"
              onClick={() => command.mutate({ kind: "overdue-reminder" })}
              loading={pending("overdue-reminder")}
              data-testid="action-send-overdue-reminder"
            >
              {t("caseDetail.sendOverdueReminder")}
            </Button>
          )}
          <ActionButton
            presentation={present("cancel")}
            color="red"
            variant="default"
            onClick={() => open("cancel")}
            data-testid="action-cancel"
          >
            {t("action.cancel")}
          </ActionButton>
        </Group>
      </Group>

      {respond.visible && respond.enabled && (
        <Alert color="blue" title={t("caseDetail.askedToReview")} data-testid="respond-prompt">
          {t("caseDetail.askedToReviewText")}
        </Alert>
      )}

      <PayNow detail={detail} />

      {detail.status === "cancelled" && detail.cancelReason && (
        <Alert color="gray" title={t("caseStatus.cancelled")} data-testid="case-cancel-reason">
          <Text size="sm" dir="auto" className="so-pre">
            {detail.cancelReason}
          </Text>
        </Alert>
      )}
      {detail.status === "rejected" && detail.rejectReason && (
        <Alert color="red" title={t("caseStatus.rejected")} data-testid="case-reject-reason">
          <Text size="sm" dir="auto" className="so-pre">
            {detail.rejectReason}
          </Text>
        </Alert>
      )}
      <RefundPanel detail={detail} />
      <CasePapers detail={detail} />

      {editing && editDraft.visible ? (
        <DraftEditor detail={detail} catalog={catalog} onDone={() => setEditing(false)} />
      ) : (
        <CaseFacts detail={detail} catalog={catalog} />
      )}

      <FinalSummaryPanel detail={detail} />
      <AssignmentsPanel detail={detail} assign={present("assign_providers")} onAssign={() => open("assign-providers")} />
      <RequestedDocuments detail={detail} add={present("add_document")} />
      <ReturnIssuesPanel
        detail={detail}
        resolve={present("resolve_return")}
        resolving={command.isPending && command.variables.kind === "resolve-return" ? command.variables.issueId : null}
        onResolve={(issueId) => command.mutate({ kind: "resolve-return", issueId })}
      />
      {writing && <OpinionForm detail={detail} submit={submitOpinion} />}
      <OpinionsPanel detail={detail} />

      <CaseDocuments
        detail={detail}
        add={present("add_document")}
        remove={present("remove_document")}
        removing={command.isPending && command.variables.kind === "remove-document" ? command.variables.document.id : null}
        onRemove={(document) => command.mutate({ kind: "remove-document", document })}
      />

      <CaseTalk
        detail={detail}
        initialTab={tab}
        resolveReturn={present("resolve_return")}
        resolvingReturn={command.isPending && command.variables.kind === "resolve-return" ? command.variables.issueId : null}
        onResolveReturn={(issueId) => command.mutate({ kind: "resolve-return", issueId })}
      />

      <Paper withBorder p="md" radius="md">
        <Title order={3} size="h4" mb="md">
          {t("caseDetail.timeline")}
        </Title>
        <CaseTimeline entries={detail.timeline} />
      </Paper>

      <AssignCoordinatorModal
        opened={modal === "assign"}
        detail={detail}
        catalog={catalog}
        loading={command.isPending}
        error={modalError("assign")}
        onConfirm={(coordinatorId) => command.mutate({ kind: "assign", coordinatorId })}
        onClose={() => setModal(null)}
      />
      <ReasonModal
        opened={modal === "reject"}
        title={t("action.reject")}
        description={t("caseDetail.rejectDescription")}
        label={t("caseDetail.rejectReason")}
        required
        confirmLabel={t("action.reject")}
        confirmColor="red"
        loading={command.isPending}
        error={modalError("reject")}
        onConfirm={(reason) => command.mutate({ kind: "reject", reason: reason ?? "" })}
        onClose={() => setModal(null)}
      />
      <ReasonModal
        opened={modal === "cancel"}
        title={t("action.cancel")}
        description={detail.cancelTerms.refundDue ? t("caseDetail.refundDue") : undefined}
        label={t("caseDetail.cancelReason")}
        required={detail.cancelTerms.reasonRequired}
        confirmLabel={t("action.cancel")}
        confirmColor="red"
        loading={command.isPending}
        error={modalError("cancel")}
        onConfirm={(reason) => command.mutate({ kind: "cancel", reason })}
        onClose={() => setModal(null)}
      />
      <AssignProvidersModal
        opened={modal === "assign-providers"}
        detail={detail}
        loading={command.isPending}
        error={modalError("assign-providers")}
        onConfirm={(providerIds) => command.mutate({ kind: "assign-providers", providerIds })}
        onClose={() => setModal(null)}
      />
      <ReasonModal
        opened={modal === "decline"}
        title={t("caseDetail.declineTitle")}
        description={t("caseDetail.declineDescription")}
        label={t("caseDetail.declineReason")}
        required
        confirmLabel={t("caseDetail.decline")}
        confirmColor="red"
        loading={command.isPending}
        error={modalError("decline")}
        onConfirm={(reason) => command.mutate({ kind: "decline", reason: reason ?? "" })}
        onClose={() => setModal(null)}
      />
      <ReasonModal
        opened={modal === "return"}
        title={t("caseDetail.returnTitle")}
        description={t("caseDetail.returnDescription")}
        label={t("caseDetail.returnReason")}
        required
        confirmLabel={t("action.return_case")}
        confirmColor="orange"
        loading={command.isPending}
        error={modalError("return")}
        onConfirm={(reason) => command.mutate({ kind: "return", reason: reason ?? "" })}
        onClose={() => setModal(null)}
      />
      <TextModal
        opened={modal === "request-documents"}
        title={t("action.request_documents")}
        description={t("caseDetail.requestDescription")}
        label={t("caseDetail.requestLabel")}
        requiredMessage={t("caseDetail.requestRequired")}
        maxLength={LIMITS.reason}
        field="note"
        confirmLabel={t("caseDetail.request")}
        loading={command.isPending}
        error={modalError("request-documents")}
        minRows={3}
        testId="request-note"
        onConfirm={(note) => command.mutate({ kind: "request-documents", note })}
        onClose={() => setModal(null)}
      />
      <TextModal
        opened={modal === "final-summary"}
        title={t("review.finalSummary")}
        description={t("caseDetail.finalSummaryDescription")}
        label={t("review.finalSummary")}
        requiredMessage={t("caseDetail.finalSummaryRequired")}
        maxLength={LIMITS.longText}
        field="summary"
        confirmLabel={t("caseDetail.submitAndComplete")}
        loading={command.isPending}
        error={modalError("final-summary")}
        minRows={8}
        testId="final-summary"
        onConfirm={(summary) => command.mutate({ kind: "final-summary", summary })}
        onClose={() => setModal(null)}
      />
    </Stack>
  );
}

/** Open document requests, and the requester's upload that answers them. */
function RequestedDocuments({ detail, add }: { detail: CaseDetail; add: ActionPresentation }) {
  const client = useQueryClient();
  const staging = useDocumentStaging(async (item) => {
    const updated = await api.addDocument(detail.id, toDocumentInput(item));
    await caseChanged(client, updated);
    notifySuccess(i18n.t("caseDetail.addedTold", { name: item.name }));
  });
  return (
    <DocumentRequestsPanel
      detail={detail}
      add={add}
      uploadError={staging.error}
      uploading={staging.busy}
      onFiles={(files) => void staging.stageFiles(files)}
    />
  );
}

function Field({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      <Text component="div" size="sm" data-testid={testId}>
        {children}
      </Text>
    </div>
  );
}

/** A catalog name in the language the UI is not in, under the main one. */
function OtherLanguage({ name }: { name: { text: string; lang: string } | null }) {
  if (!name) return null;
  return (
    <Text component="span" size="sm" c="dimmed" dir="auto" lang={name.lang} display="block">
      {name.text}
    </Text>
  );
}

function CaseFacts({ detail, catalog }: { detail: CaseDetail; catalog: Catalog | undefined }) {
  const { t } = useTranslation();
  const { patient, reviewType, diseaseCategory, coordinator } = detail;
  const specialty = specialtyName(catalog, reviewType.specialtyId);
  return (
    <Grid>
      <Grid.Col span={{ base: 12, md: 6 }}>
        <Paper withBorder p="md" radius="md" h="100%" data-testid="case-patient-block">
          <Title order={3} size="h4" mb="sm">
            {t("cases.column.patient")}
          </Title>
          <Stack gap="xs">
            <Field label={t("patients.fullName")} testId="case-patient-name">
              <span dir="auto">{patient.fullName}</span>
            </Field>
            <Group grow>
              <Field label={t("patients.dateOfBirth")}>
                <bdi dir="ltr">{patient.dateOfBirth}</bdi>
              </Field>
              <Field label={t("patients.sex")}>{sexLabel(patient.sex)}</Field>
            </Group>
            <Group grow>
              <Field label={t("patients.mrn")}>
                <bdi dir="ltr">{patient.medicalRecordNumber ?? "—"}</bdi>
              </Field>
              <Field label={t("patients.phone")}>
                <bdi dir="ltr">{patient.phone ?? "—"}</bdi>
              </Field>
            </Group>
          </Stack>
        </Paper>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 6 }}>
        <Paper withBorder p="md" radius="md" h="100%">
          <Title order={3} size="h4" mb="sm">
            {t("caseDetail.review")}
          </Title>
          <Stack gap="xs">
            <Field label={t("cases.column.reviewType")} testId="case-review-type-name">
              {reviewTypeName(reviewType)}
              <OtherLanguage name={otherLanguageName(reviewType.nameEn, reviewType.nameAr)} />
              <Text component="span" size="xs" c="dimmed" display="block">
                {t("caseDetail.reviewFacts", {
                  price: formatMoney(reviewType.priceMinor, reviewType.currency),
                  days: pluralDays(reviewType.expectedReviewDays),
                })}
                {specialty && ` · ${specialty}`}
              </Text>
            </Field>
            <Field label={t("cases.column.diseaseCategory")} testId="case-disease-category-name">
              {diseaseCategoryLabel(diseaseCategory)}
              <OtherLanguage name={otherLanguageName(diseaseCategory.labelEn, diseaseCategory.labelAr)} />
            </Field>
            <Field label={t("cases.column.coordinator")} testId="case-coordinator">
              {coordinator ? (
                <>
                  <span dir="auto">{coordinator.name}</span>
                  <Text component="span" size="xs" c="dimmed" display="block">
                    <bdi>{coordinator.email}</bdi>
                  </Text>
                </>
              ) : (
                <Text component="span" size="sm" c="dimmed">
                  {t("caseDetail.notAssigned")}
                </Text>
              )}
            </Field>
          </Stack>
        </Paper>
      </Grid.Col>
      <Grid.Col span={12}>
        <Paper withBorder p="md" radius="md">
          <Stack gap="md">
            <Field label={t("caseForm.question")} testId="case-question-text">
              <Text size="sm" dir="auto" className="so-pre">
                {detail.question || <EmptyText />}
              </Text>
            </Field>
            <Field label={t("caseForm.clinicalSummary")} testId="case-summary-text">
              <Text size="sm" dir="auto" className="so-pre">
                {detail.clinicalSummary || <EmptyText />}
              </Text>
            </Field>
          </Stack>
        </Paper>
      </Grid.Col>
    </Grid>
  );
}

function EmptyText() {
  const { t } = useTranslation();
  return (
    <Text component="span" size="sm" c="dimmed">
      {t("caseDetail.notWritten")}
    </Text>
  );
}

function DraftEditor({
  detail,
  catalog,
  onDone,
}: {
  detail: CaseDetail;
  catalog: Catalog | undefined;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  // Shown only to whoever may edit the draft (its requester): the patients they may choose.
  const patients = usePatients();
  if (!catalog || patients.isPending) {
    return (
      <Center py="md">
        <Loader aria-label={t("caseDetail.loadingForm")} />
      </Center>
    );
  }
  // The case's own patient, review type and category are always offered, even if the
  // list could not be read or the catalog no longer lists them (retired).
  const list = patients.data ?? [];
  const withCurrent: Catalog = {
    ...catalog,
    reviewTypes: catalog.reviewTypes.some((r) => r.id === detail.reviewType.id)
      ? catalog.reviewTypes
      : [...catalog.reviewTypes, detail.reviewType],
    diseaseCategories: catalog.diseaseCategories.some((c) => c.id === detail.diseaseCategory.id)
      ? catalog.diseaseCategories
      : [...catalog.diseaseCategories, detail.diseaseCategory],
  };
  const withOwn = list.some((p) => p.id === detail.patient.id) ? list : [detail.patient, ...list];
  return (
    <Paper withBorder p="md" radius="md" data-testid="draft-editor">
      <Title order={3} size="h4" mb="sm">
        {t("action.update_draft")}
      </Title>
      <CaseForm
        mode="edit"
        catalog={withCurrent}
        patients={withOwn}
        initial={{
          patientId: detail.patient.id,
          reviewTypeId: detail.reviewType.id,
          diseaseCategoryId: detail.diseaseCategory.id,
          question: detail.question,
          clinicalSummary: detail.clinicalSummary,
        }}
        onSave={async (input) => {
          const updated = await api.updateDraft(detail.id, input);
          await caseChanged(client, updated);
          notifySuccess(i18n.t("caseDetail.draftSaved"));
          onDone();
        }}
        onCancel={onDone}
      />
    </Paper>
  );
}

type DocumentsProps = {
  detail: CaseDetail;
  add: ActionPresentation;
  remove: ActionPresentation;
  removing: string | null;
  onRemove: (document: CaseDocument) => void;
};

const AUTO_KIND = "";

function CaseDocuments({ detail, add, remove, removing, onRemove }: DocumentsProps) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [kind, setKind] = useState<DocumentKind | typeof AUTO_KIND>(AUTO_KIND);
  const answering = detail.documentRequests.some((r) => r.open);
  const staging = useDocumentStaging(async (item) => {
    const updated = await api.addDocument(detail.id, toDocumentInput({ ...item, kind: kind === AUTO_KIND ? item.kind : kind }));
    await caseChanged(client, updated);
    notifySuccess(i18n.t("caseDetail.added", { name: item.name }));
  });

  return (
    <Paper withBorder p="md" radius="md">
      <Title order={3} size="h4" mb="sm">
        {t("caseForm.documents")}
      </Title>
      {detail.documents.length === 0 && staging.pending.length === 0 ? (
        <Text size="sm" c="dimmed" mb="sm">
          {t("caseDetail.noDocuments")}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={600}>
          <Table verticalSpacing="xs" data-testid="documents-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("documents.name")}</Table.Th>
                <Table.Th>{t("documents.kind")}</Table.Th>
                <Table.Th>{t("documents.size")}</Table.Th>
                <Table.Th>{t("documents.added")}</Table.Th>
                {remove.visible && <Table.Th aria-label={t("documents.actions")} />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {detail.documents.map((d) => (
                <Table.Tr key={d.id} data-testid="document-row" data-document-id={d.id}>
                  <Table.Td dir="auto" style={{ overflowWrap: "anywhere" }}>
                    {d.name}
                  </Table.Td>
                  <Table.Td>{documentKindLabel(d.kind)}</Table.Td>
                  <Table.Td>{formatBytes(d.sizeBytes)}</Table.Td>
                  <Table.Td>{formatDateTime(d.uploadedAt)}</Table.Td>
                  {remove.visible && (
                    <Table.Td>
                      <Tooltip label={remove.enabled ? t("documents.removeNamed", { name: d.name }) : remove.reason} multiline maw={300}>
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          aria-label={t("documents.removeNamed", { name: d.name })}
                          data-testid="document-remove"
                          data-reason={remove.enabled ? undefined : remove.reason}
                          disabled={!remove.enabled || removing !== null}
                          loading={removing === d.id}
                          onClick={() => onRemove(d)}
                        >
                          <CrossIcon />
                        </ActionIcon>
                      </Tooltip>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
              {staging.pending.map((p) => (
                <Table.Tr key={p.key} data-testid="document-uploading">
                  <Table.Td dir="auto">{p.name}</Table.Td>
                  <Table.Td colSpan={remove.visible ? 4 : 3}>
                    <Text size="sm" c="dimmed">
                      {t("documents.uploading")}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {add.visible && !add.enabled && (
        <Text size="sm" c="dimmed" mt="sm" data-testid="add-document-reason">
          {t("caseDetail.addingDocuments", { reason: add.reason })}
        </Text>
      )}
      {add.visible && add.enabled && answering && (
        <Text size="sm" c="dimmed" mt="sm" data-testid="add-document-answering">
          {t("caseDetail.uploadUnderRequests")}
        </Text>
      )}
      {add.visible && add.enabled && !answering && (
        <Group align="flex-start" mt="sm" gap="md">
          <NativeSelect
            label={t("documents.kind")}
            data-testid="document-kind"
            value={kind}
            onChange={(e) => setKind(e.currentTarget.value as DocumentKind | typeof AUTO_KIND)}
            data={[
              { value: AUTO_KIND, label: t("caseDetail.detectKind") },
              ...DOCUMENT_KINDS.map((k) => ({ value: k, label: documentKindLabel(k) })),
            ]}
            w={200}
          />
          <DocumentPicker
            label={t("caseForm.addDocuments")}
            description={t("caseDetail.upTo", { max: maxDocumentSizeText() })}
            error={staging.error ?? undefined}
            onFiles={(files) => void staging.stageFiles(files)}
            data-testid="case-files"
          />
        </Group>
      )}
    </Paper>
  );
}
