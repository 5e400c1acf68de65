import { Alert, Anchor, Center, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useCatalogNames, useServiceRecords } from "../api/queries";
import { ErrorText } from "../components/ErrorText";
import { diseaseCategoryLabelOf, reviewTypeNameOf } from "../lib/catalog";
import { formatDateTime } from "../lib/format";
import { navigate, routeHref } from "../lib/router";

/**
 * A provider's service records: the completed cases they gave an opinion on, most recently
 * completed first. No money and nothing of the other specialists' work; a row opens the case.
 */
export function ServiceRecordsPage() {
  const { t } = useTranslation();
  const records = useServiceRecords();
  const catalog = useCatalogNames();
  return (
    <Stack>
      <div>
        <Title order={2}>{t("nav.serviceRecords")}</Title>
        <Text c="dimmed" mt="xs">
          {t("serviceRecords.intro")}
        </Text>
      </div>
      {records.isPending && (
        <Center py="xl">
          <Loader aria-label={t("serviceRecords.loading")} />
        </Center>
      )}
      {records.isError && (
        <Alert color="red" title={t("serviceRecords.loadFailed")}>
          <ErrorText error={records.error} />
        </Alert>
      )}
      {records.data && records.data.length === 0 && (
        <Text c="dimmed" data-testid="service-records-empty">
          {t("serviceRecords.empty")}
        </Text>
      )}
      {records.data && records.data.length > 0 && (
        <Table.ScrollContainer minWidth={760}>
          <Table
            striped
            highlightOnHover
            verticalSpacing="sm"
            aria-label={t("nav.serviceRecords")}
            data-testid="service-records-table"
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("invoices.case")}</Table.Th>
                <Table.Th>{t("cases.column.reviewType")}</Table.Th>
                <Table.Th>{t("cases.column.diseaseCategory")}</Table.Th>
                <Table.Th>{t("serviceRecords.opinionSubmitted")}</Table.Th>
                <Table.Th>{t("serviceRecords.caseCompleted")}</Table.Th>
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
                  <Table.Td>{reviewTypeNameOf(catalog.data, r.reviewTypeName)}</Table.Td>
                  <Table.Td>{diseaseCategoryLabelOf(catalog.data, r.diseaseCategoryLabel)}</Table.Td>
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
