import { Alert, Button, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useCatalogNames } from "../../api/queries";
import type { CaseDetail } from "../../api/types";
import type { ActionPresentation } from "../../lib/actions";
import { presentItemAction } from "../../lib/actions";
import { formatDateTime } from "../../lib/format";
import { DocumentPicker } from "../DocumentPicker";
import { Tag } from "../Tag";
import { assignmentColor, assignmentLabel, specialtiesText } from "./labels";
import type { OpinionView, ProviderSummary } from "./types";

function Panel({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md" data-testid={testId}>
      <Title order={3} size="h4" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

function Who({ provider }: { provider: ProviderSummary }) {
  const catalog = useCatalogNames();
  const specialties = specialtiesText(provider, catalog.data);
  return (
    <>
      <span data-testid="provider-name" dir="auto">
        {provider.name}
      </span>
      {specialties && (
        <Text component="span" size="xs" c="dimmed" display="block" data-testid="provider-specialty">
          {specialties}
        </Text>
      )}
    </>
  );
}

/** The specialists on the case and where each one is; declined ones with their reason. */
export function AssignmentsPanel({
  detail,
  assign,
  onAssign,
}: {
  detail: CaseDetail;
  assign: ActionPresentation;
  onAssign: () => void;
}) {
  const { t } = useTranslation();
  if (detail.assignments.length === 0) return null;
  const canReplace = assign.visible && assign.enabled;
  return (
    <Panel title={t("review.specialists")} testId="assignments">
      <Table.ScrollContainer minWidth={560}>
        <Table verticalSpacing="xs" data-testid="assignments-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("review.specialist")}</Table.Th>
              <Table.Th>{t("review.status")}</Table.Th>
              <Table.Th>{t("review.assigned")}</Table.Th>
              <Table.Th>{t("review.note")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {detail.assignments.map((a) => (
              <Table.Tr
                key={a.provider.id}
                data-testid="assignment-row"
                data-provider-id={a.provider.id}
                data-status={a.status}
              >
                <Table.Td>
                  <Who provider={a.provider} />
                </Table.Td>
                <Table.Td>
                  <Tag color={assignmentColor(a.status)} data-testid="assignment-status" data-status={a.status}>
                    {assignmentLabel(a.status)}
                  </Tag>
                </Table.Td>
                <Table.Td>{formatDateTime(a.assignedAt)}</Table.Td>
                <Table.Td>
                  {a.declineReason && (
                    <Text size="sm" dir="auto" className="so-pre" data-testid="assignment-decline-reason">
                      {a.declineReason}
                    </Text>
                  )}
                  {a.status === "declined" && canReplace && (
                    <Button size="compact-sm" variant="light" mt={4} onClick={onAssign} data-testid="action-replace-provider">
                      {t("review.replace")}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Panel>
  );
}

function OpinionPart({ label, text, testId }: { label: string; text: string; testId: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      {text ? (
        <Text size="sm" dir="auto" className="so-pre" data-testid={testId}>
          {text}
        </Text>
      ) : (
        <Text size="sm" c="dimmed" data-testid={testId}>
          —
        </Text>
      )}
    </div>
  );
}

function OpinionCard({ opinion }: { opinion: OpinionView }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md" radius="sm" data-testid="opinion-card" data-provider-id={opinion.provider.id}>
      <Group justify="space-between" align="flex-start" mb="sm">
        <Text fw={600} component="div">
          <Who provider={opinion.provider} />
        </Text>
        <Text size="xs" c="dimmed">
          {t("review.submittedAt", { at: formatDateTime(opinion.submittedAt) })}
        </Text>
      </Group>
      <Stack gap="sm">
        <OpinionPart label={t("opinion.field.assessment.label")} text={opinion.assessment} testId="opinion-card-assessment" />
        <OpinionPart label={t("opinion.field.diagnosis.label")} text={opinion.diagnosis} testId="opinion-card-diagnosis" />
        <OpinionPart
          label={t("opinion.field.recommendations.label")}
          text={opinion.recommendations}
          testId="opinion-card-recommendations"
        />
        <OpinionPart label={t("opinion.field.answers.label")} text={opinion.answers} testId="opinion-card-answers" />
        <OpinionPart label={t("opinion.field.references.label")} text={opinion.references} testId="opinion-card-references" />
      </Stack>
    </Paper>
  );
}

/** The submitted opinions the user may read, one per specialist. */
export function OpinionsPanel({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  if (detail.opinions.length === 0) return null;
  return (
    <Panel title={t("review.opinions")} testId="opinions">
      <Stack>
        {detail.opinions.map((o) => (
          <OpinionCard key={o.provider.id} opinion={o} />
        ))}
      </Stack>
    </Panel>
  );
}

/**
 * The providers' document requests. The requester, when the rules let them add a document
 * (an open request), answers here with an upload.
 */
export function DocumentRequestsPanel({
  detail,
  add,
  uploadError,
  uploading,
  onFiles,
}: {
  detail: CaseDetail;
  add: ActionPresentation;
  uploadError: string | null;
  uploading: boolean;
  onFiles: (files: File[]) => void;
}) {
  const { t } = useTranslation();
  if (detail.documentRequests.length === 0) return null;
  const open = detail.documentRequests.some((r) => r.open);
  return (
    <Panel title={t("review.documentRequests")} testId="document-requests">
      <Stack gap="sm">
        {detail.documentRequests.map((r) => (
          <Group
            key={r.id}
            justify="space-between"
            align="flex-start"
            wrap="nowrap"
            data-testid="document-request"
            data-request-id={r.id}
            data-open={r.open ? "true" : "false"}
          >
            <div>
              <Text size="sm" dir="auto" className="so-pre" data-testid="document-request-note">
                {r.note}
              </Text>
              <Text size="xs" c="dimmed">
                <bdi>{r.provider.name}</bdi> · {formatDateTime(r.requestedAt)}
              </Text>
            </div>
            <Tag color={r.open ? "orange" : "green"} data-testid="document-request-status">
              {r.open ? t("review.open") : t("review.answered")}
            </Tag>
          </Group>
        ))}
        {open && add.visible && add.enabled && (
          <Alert color="orange" variant="light" title={t("review.needsDocuments")}>
            <DocumentPicker
              label={t("review.uploadRequested")}
              description={t("review.uploadRequestedHint")}
              error={uploadError ?? undefined}
              disabled={uploading}
              onFiles={onFiles}
              data-testid="request-upload"
            />
          </Alert>
        )}
      </Stack>
    </Panel>
  );
}

/** The providers' return issues; the user resolves the ones the rules let them. */
export function ReturnIssuesPanel({
  detail,
  resolve,
  resolving,
  onResolve,
}: {
  detail: CaseDetail;
  resolve: ActionPresentation;
  resolving: string | null;
  onResolve: (issueId: string) => void;
}) {
  const { t } = useTranslation();
  if (detail.returnIssues.length === 0) return null;
  return (
    <Panel title={t("review.returnIssues")} testId="return-issues">
      <Stack gap="sm">
        {detail.returnIssues.map((i) => {
          const here = presentItemAction(resolve, !i.resolved && i.resolvable);
          return (
            <Group
              key={i.id}
              justify="space-between"
              align="flex-start"
              wrap="nowrap"
              data-testid="return-issue"
              data-issue-id={i.id}
              data-resolved={i.resolved ? "true" : "false"}
            >
              <div>
                <Text size="sm" dir="auto" className="so-pre" data-testid="return-issue-reason">
                  {i.reason}
                </Text>
                <Text size="xs" c="dimmed">
                  <bdi>{i.provider.name}</bdi> · {formatDateTime(i.openedAt)}
                </Text>
              </div>
              <Group gap="xs" wrap="nowrap">
                <Tag color={i.resolved ? "green" : "orange"} data-testid="return-issue-status">
                  {i.resolved ? t("review.resolved") : t("review.open")}
                </Tag>
                {here.visible && (
                  <Button
                    size="compact-sm"
                    variant="light"
                    disabled={!here.enabled || resolving !== null}
                    title={here.enabled ? undefined : here.reason}
                    loading={resolving === i.id}
                    onClick={() => onResolve(i.id)}
                    data-testid="action-resolve-return"
                    data-issue-id={i.id}
                  >
                    {t("review.resolve")}
                  </Button>
                )}
              </Group>
            </Group>
          );
        })}
      </Stack>
    </Panel>
  );
}

/** The coordinator's final summary, once the case is completed. */
export function FinalSummaryPanel({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  if (detail.finalSummary === null) return null;
  return (
    <Panel title={t("review.finalSummary")} testId="final-summary">
      <Text size="sm" dir="auto" className="so-pre" data-testid="case-final-summary">
        {detail.finalSummary}
      </Text>
      {detail.completedAt && (
        <Text size="xs" c="dimmed" mt="xs">
          {t("review.completedAt", { at: formatDateTime(detail.completedAt) })}
        </Text>
      )}
    </Panel>
  );
}
