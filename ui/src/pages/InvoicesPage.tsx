import { Alert, Anchor, Center, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useInvoices } from "../api/queries";
import { ErrorText } from "../components/ErrorText";
import { formatDateTime, formatMoney } from "../lib/format";
import { navigate, routeHref } from "../lib/router";

/**
 * The invoices the user sees: a requester those of their own cases, an admin every one,
 * newest first. Each is issued when its case is completed; a row opens its case.
 */
export function InvoicesPage() {
  const { t } = useTranslation();
  const invoices = useInvoices();
  return (
    <Stack>
      <div>
        <Title order={2}>{t("nav.invoices")}</Title>
        <Text c="dimmed" mt="xs">
          {t("invoices.intro")}
        </Text>
      </div>
      {invoices.isPending && (
        <Center py="xl">
          <Loader aria-label={t("invoices.loading")} />
        </Center>
      )}
      {invoices.isError && (
        <Alert color="red" title={t("invoices.loadFailed")}>
          <ErrorText error={invoices.error} />
        </Alert>
      )}
      {invoices.data && invoices.data.length === 0 && (
        <Text c="dimmed" data-testid="invoices-empty">
          {t("invoices.empty")}
        </Text>
      )}
      {invoices.data && invoices.data.length > 0 && (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover verticalSpacing="sm" aria-label={t("nav.invoices")} data-testid="invoices-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("papers.invoice.number")}</Table.Th>
                <Table.Th>{t("invoices.case")}</Table.Th>
                <Table.Th>{t("cases.column.patient")}</Table.Th>
                <Table.Th style={{ textAlign: "end" }}>{t("papers.invoice.amount")}</Table.Th>
                <Table.Th>{t("papers.invoice.issued")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {invoices.data.map((i) => (
                <Table.Tr
                  key={i.number}
                  className="so-clickable-row"
                  data-testid="invoice-row"
                  data-case-id={i.caseId}
                  onClick={() => navigate({ name: "case", caseId: i.caseId })}
                >
                  <Table.Td data-testid="invoice-row-number">
                    <bdi>{i.number}</bdi>
                  </Table.Td>
                  <Table.Td>
                    <Anchor
                      href={routeHref({ name: "case", caseId: i.caseId })}
                      onClick={(e) => e.stopPropagation()}
                      data-testid="invoice-row-case"
                    >
                      {i.caseReference ?? "—"}
                    </Anchor>
                  </Table.Td>
                  <Table.Td dir="auto">{i.patientName}</Table.Td>
                  <Table.Td style={{ textAlign: "end", whiteSpace: "nowrap" }} data-testid="invoice-row-amount">
                    {formatMoney(i.amountMinor, i.currency)}
                  </Table.Td>
                  <Table.Td>{formatDateTime(i.issuedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
