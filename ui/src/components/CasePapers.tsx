import { Alert, Button, Code, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { api } from "../api/client";
import type { CaseDetail, RefundStatus, RefundView } from "../api/types";
import { formatDateTime } from "../lib/format";
import { notifyError } from "../lib/notify";
import { Tag } from "./Tag";

type Paper = "report" | "invoice";

/** Where a PDF went: opened in the viewer, written but no viewer could be opened, or saved where the user chose. */
type Written = { path: string; how: "opened" | "not-opened" | "saved" };

function suggestedName(detail: CaseDetail, paper: Paper): string {
  switch (paper) {
    case "report":
      return `${detail.reference ?? "case"}-report.pdf`;
    case "invoice":
      return `${detail.invoice?.number ?? "invoice"}.pdf`;
  }
}

/**
 * Opening and saving one of the case's PDFs. Both are made by the core from the case
 * alone, so opening twice or saving after opening gives the same file.
 */
function usePaper(detail: CaseDetail, paper: Paper) {
  const [written, setWritten] = useState<Written | null>(null);
  const open = useMutation({
    mutationFn: () => (paper === "report" ? api.openCaseReport(detail.id) : api.openInvoice(detail.id)),
    onSuccess: (file) => setWritten({ path: file.path, how: file.opened ? "opened" : "not-opened" }),
    onError: (error) => notifyError(error, `Could not open the ${paper}`),
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
    onError: (error) => notifyError(error, `Could not save the ${paper}`),
  });
  return { open, save, written };
}

/** Where the file is, in words that fit how it got there. */
function WrittenNotice({ written, paper, testId }: { written: Written | null; paper: Paper; testId: string }) {
  if (!written) return null;
  const lead: Record<Written["how"], string> = {
    // The OS launcher started; whether a viewer then shows it is the OS's business, so the
    // path is always given.
    opened: `Opening the ${paper} in your PDF viewer. It is saved at`,
    "not-opened": `No PDF viewer could be opened on this computer. The ${paper} is saved at`,
    saved: `The ${paper} was saved to`,
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
        <Code data-testid={testId} style={{ wordBreak: "break-all" }}>
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
  const { open, save, written } = usePaper(detail, "report");
  return (
    <Panel title="Report" testId="report-panel">
      <Text size="sm" c="dimmed">
        The second-opinion report: the question, the records, every specialist&apos;s opinion and the
        coordinator&apos;s summary, as a PDF.
      </Text>
      <Group gap="sm" mt="sm">
        <Button onClick={() => open.mutate()} loading={open.isPending} data-testid="action-open-report">
          Open report
        </Button>
        <Button variant="default" onClick={() => save.mutate()} loading={save.isPending} data-testid="action-save-report">
          Save report…
        </Button>
      </Group>
      <WrittenNotice written={written} paper="report" testId="report-saved-path" />
    </Panel>
  );
}

/** The case's invoice, for its requester and admins (the core sends it to no one else). */
function InvoicePanel({ detail }: { detail: CaseDetail }) {
  const { open, save, written } = usePaper(detail, "invoice");
  const invoice = detail.invoice;
  if (!invoice) return null;
  return (
    <Panel title="Invoice" testId="invoice-panel">
      <Stack gap="xs">
        <Group grow align="flex-start">
          <Field label="Number" testId="invoice-number">
            {invoice.number}
          </Field>
          <Field label="Amount" testId="invoice-amount">
            {invoice.amount}
          </Field>
        </Group>
        <Group grow align="flex-start">
          <Field label="Issued">{formatDateTime(invoice.issuedAt)}</Field>
          <Field label="Payment reference">{invoice.paymentReference ?? "—"}</Field>
        </Group>
      </Stack>
      <Group gap="sm" mt="sm">
        <Button onClick={() => open.mutate()} loading={open.isPending} data-testid="action-open-invoice">
          Open invoice
        </Button>
        <Button variant="default" onClick={() => save.mutate()} loading={save.isPending} data-testid="action-save-invoice">
          Save invoice…
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

const REFUND_LABEL: Record<RefundStatus, string> = {
  pending: "Pending",
  failed: "Failed",
  refunded: "Refunded",
};

const REFUND_COLOR: Record<RefundStatus, string> = {
  pending: "blue",
  failed: "orange",
  refunded: "green",
};

/** Where the refund stands, in one line. */
function refundStatusText(refund: RefundView): string {
  switch (refund.status) {
    case "pending":
      return "Pending: the refund is being sent to the payment provider.";
    case "failed":
      return `Failed, will retry at ${formatDateTime(refund.nextAttemptAt)}.${refund.lastError ? ` The provider said: ${refund.lastError}` : ""}`;
    case "refunded":
      return `Refunded ${formatDateTime(refund.refundedAt)}${refund.reference ? ` · provider's reference ${refund.reference}` : ""}.`;
  }
}

/** The refund of a cancelled paid case, for its requester and admins. */
export function RefundPanel({ detail }: { detail: CaseDetail }) {
  const refund = detail.refund;
  if (!refund) return null;
  return (
    <Paper withBorder p="md" radius="md" data-testid="refund-panel" data-status={refund.status}>
      <Group justify="space-between" align="flex-start" mb="sm">
        <Title order={3} size="h4">
          Refund
        </Title>
        <Tag color={REFUND_COLOR[refund.status]} data-testid="refund-status-tag">
          {REFUND_LABEL[refund.status]}
        </Tag>
      </Group>
      <Stack gap="xs">
        <Text size="sm">
          <strong data-testid="refund-amount">{refund.amount}</strong> paid for this case is owed back since{" "}
          {formatDateTime(refund.dueSince)}.
        </Text>
        <Text size="sm" data-testid="refund-status">
          {refundStatusText(refund)}
        </Text>
        {refund.failures > 0 && (
          <Text size="xs" c="dimmed" data-testid="refund-attempts">
            {refund.failures === 1 ? "1 failed attempt" : `${refund.failures} failed attempts`}
            {refund.lastAttemptAt ? `, the last at ${formatDateTime(refund.lastAttemptAt)}.` : "."}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
