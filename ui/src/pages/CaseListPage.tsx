import { Alert, Anchor, Button, Center, Group, Loader, NativeSelect, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState, type CSSProperties, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useCatalogNames } from "../api/queries";
import { ErrorText } from "../components/ErrorText";
import { i18n } from "../i18n";
import { diseaseCategoryLabelOf, reviewTypeNameOf } from "../lib/catalog";
import { formatNumber } from "../lib/format";
import { useBadges, useCases } from "../api/queries";
import type { Capabilities, Catalog, CaseSummary } from "../api/types";
import { StatusBadge } from "../components/StatusBadge";
import { Tag } from "../components/Tag";
import { toCaseFilter } from "../lib/cases";
import { formatDateTime } from "../lib/format";
import { CASE_STATUSES, statusLabel } from "../lib/labels";
import { navigate, routeHref } from "../lib/router";

// Each column's catalog key (cases.column.<key>) and its share of the row.
const COLUMNS: ["reference" | "patient" | "reviewType" | "diseaseCategory" | "status" | "coordinator" | "updated", number][] = [
  ["reference", 1.2],
  ["patient", 1.4],
  ["reviewType", 1.6],
  ["diseaseCategory", 1.6],
  ["status", 1.3],
  ["coordinator", 1.3],
  ["updated", 1.2],
];

/** A column's share of the row's width (see .so-flex-table). */
function col(weight: number): CSSProperties {
  return { ["--col" as string]: weight };
}

/** The cells of a case's row, in the order of COLUMNS; `chatUnread`: its chat messages not read. */
function caseCells(c: CaseSummary, chatUnread: number, catalog: Catalog | undefined): ReactNode[] {
  return [
    <Group key="ref" gap={6} wrap="nowrap">
      <Anchor href={routeHref({ name: "case", caseId: c.id })} onClick={(e) => e.stopPropagation()} data-testid="case-row-reference">
        {c.reference ?? i18n.t("cases.draftReference")}
      </Anchor>
      {chatUnread > 0 && (
        <Anchor
          href={routeHref({ name: "case", caseId: c.id, tab: "chat" })}
          onClick={(e) => e.stopPropagation()}
          underline="never"
          title={i18n.t("cases.unreadChat", { count: chatUnread, n: formatNumber(chatUnread) })}
          data-testid="case-row-chat-unread"
          data-count={String(chatUnread)}
        >
          <Tag color="red">{formatNumber(chatUnread)}</Tag>
        </Anchor>
      )}
    </Group>,
    <span key="patient" dir="auto">
      {c.patientName}
    </span>,
    reviewTypeNameOf(catalog, c.reviewTypeName),
    diseaseCategoryLabelOf(catalog, c.diseaseCategoryLabel),
    <StatusBadge key="status" status={c.status} />,
    <span key="coordinator" dir="auto">
      {c.coordinatorName ?? "—"}
    </span>,
    formatDateTime(c.updatedAt),
  ];
}

export function CaseListPage({ capabilities }: { capabilities: Pick<Capabilities, "createCases"> }) {
  const { t } = useTranslation();
  const catalog = useCatalogNames();
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
        <Title order={2}>{t("cases.title")}</Title>
        {capabilities.createCases && (
          <Button component="a" href={routeHref({ name: "new-case" })} data-testid="cases-new">
            {t("nav.newCase")}
          </Button>
        )}
      </Group>
      <Group align="flex-end">
        <NativeSelect
          label={t("cases.column.status")}
          data-testid="case-filter-status"
          value={status}
          onChange={(e) => setStatus(e.currentTarget.value)}
          data={[{ value: "", label: t("cases.allStatuses") }, ...CASE_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))]}
          w={220}
        />
        <TextInput
          label={t("cases.search")}
          placeholder={t("cases.searchPlaceholder")}
          data-testid="case-filter-search"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          dir="auto"
          style={{ flex: 1, maxWidth: 420 }}
        />
        {cases.isFetching && !cases.isPending && <Loader size="sm" aria-label={t("cases.refreshing")} />}
      </Group>
      {cases.isPending && (
        <Center py="xl">
          <Loader aria-label={t("cases.loading")} />
        </Center>
      )}
      {cases.isError && (
        <Alert color="red" title={t("cases.loadFailed")}>
          <ErrorText error={cases.error} />
        </Alert>
      )}
      {cases.data && cases.data.length === 0 && (
        <Text c="dimmed" data-testid="cases-empty">
          {filtered ? t("cases.noMatch") : t("cases.empty")}
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
            aria-label={t("cases.title")}
            data-testid="cases-table"
          >
            <Table.Thead role="rowgroup">
              <Table.Tr role="row">
                {COLUMNS.map(([key, weight]) => (
                  <Table.Th key={key} role="columnheader" style={col(weight)}>
                    {t(`cases.column.${key}`)}
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
                  {caseCells(c, chatUnread(c.id), catalog.data).map((cell, i) => (
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
