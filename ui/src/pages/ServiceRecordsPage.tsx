import { Alert, Anchor, Center, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { useServiceRecords } from "../api/queries";
import { formatDateTime } from "../lib/format";
import { navigate, routeHref } from "../lib/router";

/**
 * A provider's service records: the completed cases they gave an opinion on, most recently
 * completed first. No money and nothing of the other specialists' work; a row opens the case.
 */
export function ServiceRecordsPage() {
  const records = useServiceRecords();
  return (
    <Stack>
      <div>
        <Title order={2}>Service records</Title>
        <Text c="dimmed" mt="xs">
          The completed cases you gave an opinion on.
        </Text>
      </div>
      {records.isPending && (
        <Center py="xl">
          <Loader aria-label="Loading service records" />
        </Center>
      )}
      {records.isError && (
        <Alert color="red" title="Could not load the service records">
          {records.error.message}
        </Alert>
      )}
      {records.data && records.data.length === 0 && (
        <Text c="dimmed" data-testid="service-records-empty">
          No completed reviews yet.
        </Text>
      )}
      {records.data && records.data.length > 0 && (
        <Table.ScrollContainer minWidth={760}>
          <Table
            striped
            highlightOnHover
            verticalSpacing="sm"
            aria-label="Service records"
            data-testid="service-records-table"
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Case</Table.Th>
                <Table.Th>Review type</Table.Th>
                <Table.Th>Disease category</Table.Th>
                <Table.Th>Opinion submitted</Table.Th>
                <Table.Th>Case completed</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {records.data.map((r) => (
                <Table.Tr
                  key={r.caseId}
                  className="so-clickable-row"
                  data-testid="service-record-row"
                  data-case-id={r.caseId}
                  onClick={() => navigate({ name: "case", caseId: r.caseId })}
                >
                  <Table.Td>
                    <Anchor
                      href={routeHref({ name: "case", caseId: r.caseId })}
                      onClick={(e) => e.stopPropagation()}
                      data-testid="service-record-case"
                    >
                      {r.caseReference ?? "—"}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{r.reviewTypeName}</Table.Td>
                  <Table.Td>{r.diseaseCategoryLabel}</Table.Td>
                  <Table.Td>{formatDateTime(r.opinionSubmittedAt)}</Table.Td>
                  <Table.Td>{formatDateTime(r.completedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
