import { Alert, Anchor, Center, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { useInvoices } from "../api/queries";
import { formatDateTime } from "../lib/format";
import { navigate, routeHref } from "../lib/router";

/**
 * The invoices the user sees: a requester those of their own cases, an admin every one,
 * newest first. Each is issued when its case is completed; a row opens its case.
 */
export function InvoicesPage() {
  const invoices = useInvoices();
  return (
    <Stack>
      <div>
        <Title order={2}>Invoices</Title>
        <Text c="dimmed" mt="xs">
          An invoice is issued when a case is completed, for the amount that was paid. Open a case to see or save its
          invoice.
        </Text>
      </div>
      {invoices.isPending && (
        <Center py="xl">
          <Loader aria-label="Loading invoices" />
        </Center>
      )}
      {invoices.isError && (
        <Alert color="red" title="Could not load the invoices">
          {invoices.error.message}
        </Alert>
      )}
      {invoices.data && invoices.data.length === 0 && (
        <Text c="dimmed" data-testid="invoices-empty">
          No invoices yet.
        </Text>
      )}
      {invoices.data && invoices.data.length > 0 && (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover verticalSpacing="sm" aria-label="Invoices" data-testid="invoices-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Number</Table.Th>
                <Table.Th>Case</Table.Th>
                <Table.Th>Patient</Table.Th>
                <Table.Th style={{ textAlign: "right" }}>Amount</Table.Th>
                <Table.Th>Issued</Table.Th>
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
                  <Table.Td data-testid="invoice-row-number">{i.number}</Table.Td>
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
                  <Table.Td style={{ textAlign: "right", whiteSpace: "nowrap" }} data-testid="invoice-row-amount">
                    {i.amount}
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
