import { Alert, Button, Code, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { Trans, useTranslation } from "react-i18next";
import { api } from "../api/client";
import type { CaseDetail, RefundStatus, RefundView } from "../api/types";
import { formatDateTime, formatMoney, formatNumber } from "../lib/format";
import { i18n } from "../i18n";
import { notifyError } from "../lib/notify";
import { Tag } from "./Tag";

type Paper = "report" | "invoice";

/** Where a PDF went: opened in the viewer, written but no viewer could be opened, or saved where the user chose. */
type Written = { path: string; how: "opened" | "not-opened" | "saved" };

function suggestedName(detail: CaseDetail, paper: Paper): string {
  switch (paper) {
    case "report":
      return `${detail.reference ?? i18n.t("papers.fileCase")}-report.pdf`;
    case "invoice":
      return `${detail.invoice?.number ?? i18n.t("papers.fileInvoice")}.pdf`;
  }
}

/**
 * Opening and saving one of the case's PDFs. Both are made by the core from the case
 * alone, so opening twice or saving after opening gives the same file.
 */
function usePaper(detail: CaseDetail, paper: Paper) {
  const { t } = useTranslation();
  const [written, setWritten] = useState<Written | null>(null);
  const open = useMutation({
    mutationFn: () => (paper === "report" ? api.openCaseReport(detail.id) : api.openInvoice(detail.id)),
    onSuccess: (file) => setWritten({ path: file.path, how: file.opened ? "opened" : "not-opened" }),
    onError: (error) => notifyError(error, t(`papers.${paper}.openFailed`)),
  });
  const save = useMutation({
    mutationFn: async (): Promise<string | null> => {
      const path = await api.chooseSavePath(suggestedName(detail, paper));
      if (path === null) return null; // The user cancelled the dialog.
      await (paper === "report" ? api.saveCaseReport(detail.id, path) : api.saveInvoice(detail.id, path));
      return path;
    },
    onSuccess: (path) => {
      if (path !== null) setWritten({ path, how: "saved" });
    },
    onError: (error) => notifyError(error, t(`papers.${paper}.saveFailed`)),
  });
  return { open, save, written };
}

/** Where the file is, in words that fit how it got there. */
function WrittenNotice({ written, paper, testId }: { written: Written | null; paper: Paper; testId: string }) {
  const { t } = useTranslation();
  if (!written) return null;
  // "opened": the OS launcher started; whether a viewer then shows it is the OS's business,
  // so the path is always given.
  const lead: Record<Written["how"], string> = {
    opened: t(`papers.${paper}.opened`),
    "not-opened": t(`papers.${paper}.notOpened`),
    saved: t(`papers.${paper}.saved`),
  };
  return (
    <Alert
      color={written.how === "not-opened" ? "yellow" : "teal"}
      variant="light"
      mt="sm"
      data-testid={`${testId}-notice`}
      data-how={written.how}
    >
      <Text size="sm">
        {lead[written.how]}{" "}
        <Code data-testid={testId} dir="ltr" style={{ wordBreak: "break-all" }}>
          {written.path}
        </Code>
      </Text>
    </Alert>
  );
}

function Panel({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md" h="100%" data-testid={testId}>
      <Title order={3} size="h4" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

function Field({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div style={{ minWidth: 0 }}>
      <Text size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      {/* Long provider references wrap inside the card rather than run out of it. */}
      <Text component="div" size="sm" data-testid={testId} style={{ overflowWrap: "anywhere" }}>
        {children}
      </Text>
    </div>
  );
}

/** The report of a completed case, for its requester, its coordinator and admins. */
function ReportPanel({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const { open, save, written } = usePaper(detail, "report");
  return (
    <Panel title={t("papers.report.title")} testId="report-panel">
      <Text size="sm" c="dimmed">
        {t("papers.report.intro")}
      </Text>
      <Group gap="sm" mt="sm">
        <Button onClick={() => open.mutate()} loading={open.isPending} data-testid="action-open-report">
          {t("papers.report.open")}
        </Button>
        <Button variant="default" onClick={() => save.mutate()} loading={save.isPending} data-testid="action-save-report">
          {t("papers.report.save")}
        </Button>
      </Group>
      <WrittenNotice written={written} paper="report" testId="report-saved-path" />
    </Panel>
  );
}

/** The case's invoice, for its requester and admins (the core sends it to no one else). */
function InvoicePanel({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const { open, save, written } = usePaper(detail, "invoice");
  const invoice = detail.invoice;
  if (!invoice) return null;
  return (
    <Panel title={t("papers.invoice.title")} testId="invoice-panel">
      <Stack gap="xs">
        <Group grow align="flex-start">
          <Field label={t("papers.invoice.number")} testId="invoice-number">
            <bdi>{invoice.number}</bdi>
          </Field>
          <Field label={t("papers.invoice.amount")} testId="invoice-amount">
            {formatMoney(invoice.amountMinor, invoice.currency)}
          </Field>
        </Group>
        <Group grow align="flex-start">
          <Field label={t("papers.invoice.issued")}>{formatDateTime(invoice.issuedAt)}</Field>
          <Field label={t("papers.invoice.paymentReference")}>
            <bdi>{invoice.paymentReference ?? "—"}</bdi>
          </Field>
        </Group>
      </Stack>
      <Group gap="sm" mt="sm">
        <Button onClick={() => open.mutate()} loading={open.isPending} data-testid="action-open-invoice">
          {t("papers.invoice.open")}
        </Button>
        <Button variant="default" onClick={() => save.mutate()} loading={save.isPending} data-testid="action-save-invoice">
          {t("papers.invoice.save")}
        </Button>
      </Group>
      <WrittenNotice written={written} paper="invoice" testId="invoice-saved-path" />
    </Panel>
  );
}

/** The report and the invoice of a completed case, side by side, for whoever may have them. */
export function CasePapers({ detail }: { detail: CaseDetail }) {
  if (!detail.reportAvailable && !detail.invoice) return null;
  return (
    <SimpleGrid cols={{ base: 1, md: detail.reportAvailable && detail.invoice ? 2 : 1 }}>
      {detail.reportAvailable && <ReportPanel detail={detail} />}
      {detail.invoice && <InvoicePanel detail={detail} />}
    </SimpleGrid>
  );
}

const REFUND_COLOR: Record<RefundStatus, string> = {
  pending: "blue",
  failed: "orange",
  refunded: "green",
};

/** Where the refund stands, in one line. */
function RefundStatusText({ refund }: { refund: RefundView }) {
  const { t } = useTranslation();
  // What the payment provider wrote is isolated (<bdi>): its own direction inside the sentence.
  const bdi = { bdi: <bdi /> };
  switch (refund.status) {
    case "pending":
      return <>{t("refund.pendingText")}</>;
    case "failed":
      return (
        <>
          {t("refund.failedText", { at: formatDateTime(refund.nextAttemptAt) })}
          {refund.lastError && (
            <>
              {" "}
              <Trans i18nKey="refund.providerSaid" values={{ error: refund.lastError }} components={bdi} />
            </>
          )}
        </>
      );
    case "refunded":
      return refund.reference ? (
        <Trans
          i18nKey="refund.refundedWithReference"
          values={{ at: formatDateTime(refund.refundedAt), reference: refund.reference }}
          components={bdi}
        />
      ) : (
        <>{t("refund.refundedText", { at: formatDateTime(refund.refundedAt) })}</>
      );
  }
}

/** The refund of a cancelled paid case, for its requester and admins. */
export function RefundPanel({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const refund = detail.refund;
  if (!refund) return null;
  return (
    <Paper withBorder p="md" radius="md" data-testid="refund-panel" data-status={refund.status}>
      <Group justify="space-between" align="flex-start" mb="sm">
        <Title order={3} size="h4">
          {t("refund.title")}
        </Title>
        <Tag color={REFUND_COLOR[refund.status]} data-testid="refund-status-tag">
          {t(`refund.status.${refund.status}`)}
        </Tag>
      </Group>
      <Stack gap="xs">
        <Text size="sm">
          <Trans
            i18nKey="refund.owed"
            values={{ amount: formatMoney(refund.amountMinor, refund.currency), since: formatDateTime(refund.dueSince) }}
            components={{ amount: <strong data-testid="refund-amount" /> }}
          />
        </Text>
        <Text size="sm" data-testid="refund-status">
          <RefundStatusText refund={refund} />
        </Text>
        {refund.failures > 0 && (
          <Text size="xs" c="dimmed" data-testid="refund-attempts">
            {refund.lastAttemptAt
              ? t("refund.attemptsLast", { count: refund.failures, n: formatNumber(refund.failures), at: formatDateTime(refund.lastAttemptAt) })
              : t("refund.attempts", { count: refund.failures, n: formatNumber(refund.failures) })}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
