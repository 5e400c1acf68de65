import { Button, Group, Paper, Stack, Text } from "@mantine/core";
import { Trans, useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { i18n } from "../../i18n";
import type { CaseDetail, IssueInput, IssueView } from "../../api/types";
import { presentItemAction, type ActionPresentation } from "../../lib/actions";
import { formatDateTime } from "../../lib/format";
import { roleLabel } from "../../lib/labels";
import { ConfirmModal } from "../ConfirmModal";
import { Tag } from "../Tag";
import { IssueFormModal } from "./IssueFormModal";
import { useCaseCommand } from "./useCaseCommand";

type Command =
  | { kind: "report"; input: IssueInput }
  | { kind: "edit"; issueId: string; input: IssueInput }
  | { kind: "delete"; issueId: string }
  | { kind: "resolve"; issueId: string };

function run(caseId: string, c: Command): Promise<CaseDetail> {
  switch (c.kind) {
    case "report":
      return api.reportIssue(caseId, c.input);
    case "edit":
      return api.editIssue(caseId, c.issueId, c.input);
    case "delete":
      return api.deleteIssue(caseId, c.issueId);
    case "resolve":
      return api.resolveIssue(caseId, c.issueId);
  }
}

const SUCCESS: Record<Command["kind"], () => string> = {
  report: () => i18n.t("issues.done.report"),
  edit: () => i18n.t("issues.done.edit"),
  delete: () => i18n.t("issues.done.delete"),
  resolve: () => i18n.t("issues.done.resolve"),
};

const FAILURE: Record<Command["kind"], () => string> = {
  report: () => i18n.t("issues.failed.report"),
  edit: () => i18n.t("issues.failed.edit"),
  delete: () => i18n.t("issues.failed.delete"),
  resolve: () => i18n.t("issues.failed.resolve"),
};

type Dialog = { kind: "report" } | { kind: "edit"; issue: IssueView } | { kind: "delete"; issue: IssueView } | null;

type Props = {
  detail: CaseDetail;
  /** The case's "resolve_return" action: a return issue is resolved the way the review does it. */
  resolveReturn: ActionPresentation;
  resolvingReturn: string | null;
  onResolveReturn: (issueId: string) => void;
};

/**
 * The issues on the case: reported issues (edited, deleted and resolved as their
 * `actions` say) and the providers' return issues (resolved with resolve_return).
 * A requester reads them only: every action is false for them.
 */
export function IssuesPanel({ detail, resolveReturn, resolvingReturn, onResolveReturn }: Props) {
  const { t } = useTranslation();
  const { issues, canReportIssue } = detail.talk;
  const { command, dialog, setDialog, open, errorOf } = useCaseCommand<Command, NonNullable<Dialog>>(
    detail.id,
    run,
    SUCCESS,
    FAILURE,
  );
  const resolving = command.isPending && command.variables.kind === "resolve" ? command.variables.issueId : null;

  return (
    <Stack data-testid="issues-panel">
      {canReportIssue && (
        <Group justify="flex-end">
          <Button onClick={() => open({ kind: "report" })} data-testid="action-report-issue">
            {t("issues.report")}
          </Button>
        </Group>
      )}
      {issues.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="issues-empty">
          {t("issues.noneOnCase")}
        </Text>
      ) : (
        issues.map((i) => {
          const returned = detail.returnIssues.find((r) => r.id === i.id);
          const resolveHere = i.isReturn
            ? presentItemAction(resolveReturn, !i.resolved && (returned?.resolvable ?? false))
            : i.actions.resolve
              ? ({ visible: true, enabled: true } as const)
              : ({ visible: false } as const);
          return (
            <IssueCard
              key={i.id}
              issue={i}
              resolve={resolveHere}
              resolving={i.isReturn ? resolvingReturn === i.id : resolving === i.id}
              disabled={command.isPending || resolvingReturn !== null}
              onResolve={() => (i.isReturn ? onResolveReturn(i.id) : command.mutate({ kind: "resolve", issueId: i.id }))}
              onEdit={() => open({ kind: "edit", issue: i })}
              onDelete={() => open({ kind: "delete", issue: i })}
            />
          );
        })
      )}
      <IssueFormModal
        opened={dialog?.kind === "report" || dialog?.kind === "edit"}
        initial={dialog?.kind === "edit" ? { title: dialog.issue.title, description: dialog.issue.description } : null}
        loading={command.isPending}
        error={errorOf("report", "edit")}
        onSubmit={(input) =>
          dialog?.kind === "edit" ? command.mutate({ kind: "edit", issueId: dialog.issue.id, input }) : command.mutate({ kind: "report", input })
        }
        onClose={() => setDialog(null)}
      />
      <ConfirmModal
        opened={dialog?.kind === "delete"}
        title={t("issues.deleteTitle")}
        confirmLabel={t("common.delete")}
        confirmColor="red"
        loading={command.isPending}
        error={errorOf("delete")}
        testId="issue-delete-modal"
        onConfirm={() => dialog?.kind === "delete" && command.mutate({ kind: "delete", issueId: dialog.issue.id })}
        onClose={() => setDialog(null)}
      >
        <Text size="sm">
          <Trans
            i18nKey="issues.deleteQuestion"
            values={{ title: dialog?.kind === "delete" ? dialog.issue.title : "" }}
            components={{ bdi: <bdi /> }}
          />
        </Text>
      </ConfirmModal>
    </Stack>
  );
}

type CardProps = {
  issue: IssueView;
  resolve: ActionPresentation;
  resolving: boolean;
  disabled: boolean;
  onResolve: () => void;
  onEdit: () => void;
  onDelete: () => void;
};

function IssueCard({ issue: i, resolve, resolving, disabled, onResolve, onEdit, onDelete }: CardProps) {
  const { t } = useTranslation();
  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      data-testid="issue"
      data-issue-id={i.id}
      data-return={i.isReturn ? "true" : "false"}
      data-resolved={i.resolved ? "true" : "false"}
    >
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={2}>
          <Group gap="xs">
            <Text fw={600} dir="auto" data-testid="issue-title-text">
              {i.title}
            </Text>
            {i.isReturn && (
              <Tag color="orange" data-testid="issue-return">
                {t("issues.return")}
              </Tag>
            )}
            <Tag color={i.resolved ? "green" : "yellow"} data-testid="issue-status">
              {i.resolved ? t("review.resolved") : t("review.open")}
            </Tag>
          </Group>
          <Text size="xs" c="dimmed">
            <Trans
              i18nKey="issues.reportedBy"
              values={{ name: i.reportedBy.name, role: roleLabel(i.reportedBy.role), at: formatDateTime(i.reportedAt) }}
              components={{ bdi: <bdi /> }}
            />
            {i.resolvedAt && ` · ${t("issues.resolvedAt", { at: formatDateTime(i.resolvedAt) })}`}
          </Text>
        </Stack>
      </Group>
      {i.description && (
        <Text size="sm" mt="xs" dir="auto" className="so-pre" data-testid="issue-description-text">
          {i.description}
        </Text>
      )}
      {(resolve.visible || i.actions.edit || i.actions.delete) && (
        <Group gap="xs" mt="sm">
          {resolve.visible && (
            <Button
              size="compact-sm"
              variant="light"
              disabled={!resolve.enabled || (disabled && !resolving)}
              title={resolve.enabled ? undefined : resolve.reason}
              loading={resolving}
              onClick={onResolve}
              data-testid="issue-resolve"
            >
              {t("review.resolve")}
            </Button>
          )}
          {i.actions.edit && (
            <Button size="compact-sm" variant="default" disabled={disabled} onClick={onEdit} data-testid="issue-edit">
              {t("common.edit")}
            </Button>
          )}
          {i.actions.delete && (
            <Button size="compact-sm" variant="default" color="red" disabled={disabled} onClick={onDelete} data-testid="issue-delete">
              {t("common.delete")}
            </Button>
          )}
        </Group>
      )}
    </Paper>
  );
}
