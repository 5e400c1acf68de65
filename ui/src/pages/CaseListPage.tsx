import { Alert, Anchor, Button, Center, Group, Loader, NativeSelect, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState, type CSSProperties, type ReactNode } from "react";
import { useBadges, useCases } from "../api/queries";
import type { Capabilities, CaseSummary } from "../api/types";
import { StatusBadge } from "../components/StatusBadge";
import { Tag } from "../components/Tag";
import { toCaseFilter } from "../lib/cases";
import { formatDateTime } from "../lib/format";
import { CASE_STATUSES, statusLabel } from "../lib/labels";
import { navigate, routeHref } from "../lib/router";

const COLUMNS: [string, number][] = [
  ["Reference", 1.2],
  ["Patient", 1.4],
  ["Review type", 1.6],
  ["Disease category", 1.6],
  ["Status", 1.3],
  ["Coordinator", 1.3],
  ["Updated", 1.2],
];

/** A column's share of the row's width (see .so-flex-table). */
function col(weight: number): CSSProperties {
  return { ["--col" as string]: weight };
}

/** The cells of a case's row, in the order of COLUMNS; `chatUnread`: its chat messages not read. */
function caseCells(c: CaseSummary, chatUnread: number): ReactNode[] {
  return [
    <Group key="ref" gap={6} wrap="nowrap">
      <Anchor href={routeHref({ name: "case", caseId: c.id })} onClick={(e) => e.stopPropagation()} data-testid="case-row-reference">
        {c.reference ?? "Draft"}
      </Anchor>
      {chatUnread > 0 && (
        <Anchor
          href={routeHref({ name: "case", caseId: c.id, tab: "chat" })}
          onClick={(e) => e.stopPropagation()}
          underline="never"
          title={chatUnread === 1 ? "1 unread chat message" : `${chatUnread} unread chat messages`}
          data-testid="case-row-chat-unread"
          data-count={String(chatUnread)}
        >
          <Tag color="red">{chatUnread}</Tag>
        </Anchor>
      )}
    </Group>,
    <span key="patient" dir="auto">
      {c.patientName}
    </span>,
    c.reviewTypeName,
    c.diseaseCategoryLabel,
    <StatusBadge key="status" status={c.status} />,
    c.coordinatorName ?? "—",
    formatDateTime(c.updatedAt),
  ];
}

export function CaseListPage({ capabilities }: { capabilities: Pick<Capabilities, "createCases"> }) {
  const [status, setStatus] = useState("");
  const [search, setSearch] = useState("");
  const [debouncedSearch] = useDebouncedValue(search, 250);
  const filter = toCaseFilter(status, debouncedSearch);
  const cases = useCases(filter);
  const badges = useBadges();
  const chatUnread = (caseId: string) => badges.data?.chatByCase.find((b) => b.caseId === caseId)?.count ?? 0;
  const filtered = filter.status !== null || filter.search !== null;

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>Cases</Title>
        {capabilities.createCases && (
          <Button component="a" href={routeHref({ name: "new-case" })} data-testid="cases-new">
            New case
          </Button>
        )}
      </Group>
      <Group align="flex-end">
        <NativeSelect
          label="Status"
          data-testid="case-filter-status"
          value={status}
          onChange={(e) => setStatus(e.currentTarget.value)}
          data={[{ value: "", label: "All statuses" }, ...CASE_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))]}
          w={220}
        />
        <TextInput
          label="Search"
          placeholder="Reference, patient, review type…"
          data-testid="case-filter-search"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          dir="auto"
          style={{ flex: 1, maxWidth: 420 }}
        />
        {cases.isFetching && !cases.isPending && <Loader size="sm" aria-label="Refreshing" />}
      </Group>
      {cases.isPending && (
        <Center py="xl">
          <Loader aria-label="Loading cases" />
        </Center>
      )}
      {cases.isError && (
        <Alert color="red" title="Could not load the cases">
          {cases.error.message}
        </Alert>
      )}
      {cases.data && cases.data.length === 0 && (
        <Text c="dimmed" data-testid="cases-empty">
          {filtered ? "No case matches these filters." : "No cases yet."}
        </Text>
      )}
      {cases.data && cases.data.length > 0 && (
        <Table.ScrollContainer minWidth={900}>
          <Table
            striped
            highlightOnHover
            verticalSpacing="sm"
            className="so-flex-table"
            role="table"
            aria-label="Cases"
            data-testid="cases-table"
          >
            <Table.Thead role="rowgroup">
              <Table.Tr role="row">
                {COLUMNS.map(([label, weight]) => (
                  <Table.Th key={label} role="columnheader" style={col(weight)}>
                    {label}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody role="rowgroup">
              {cases.data.map((c) => (
                <Table.Tr
                  key={c.id}
                  role="row"
                  className="so-clickable-row"
                  data-testid="case-row"
                  data-case-id={c.id}
                  data-status={c.status}
                  onClick={() => navigate({ name: "case", caseId: c.id })}
                >
                  {caseCells(c, chatUnread(c.id)).map((cell, i) => (
                    <Table.Td key={COLUMNS[i]?.[0] ?? i} role="cell" style={col(COLUMNS[i]?.[1] ?? 1)}>
                      {cell}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
