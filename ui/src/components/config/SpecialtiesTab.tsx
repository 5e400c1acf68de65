import { Button, Stack, Table } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type CommandError } from "../../api/client";
import type { Specialty } from "../../api/types";
import type { ConfigurationView } from "../../bindings/ConfigurationView";
import { specialtyLabel } from "../../lib/catalog";
import {
  matchesQuery,
  specialtyToForm,
  toSpecialtyInput,
  validateSpecialtyForm,
  type SpecialtyFormValues,
  NAME_FIELDS,
} from "../../lib/config";
import { formatNumber } from "../../lib/format";
import { notifyConfigSaved, submitConfig, useConfigCommand } from "./configCommand";
import { ConfigModal, EmptyLine, FormFooter, NameCell, SearchBox, TabHeader, BilingualNames } from "./parts";

function SpecialtyForm({ specialty, onClose }: { specialty: Specialty | null; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [error, setError] = useState<CommandError | null>(null);
  const save = useConfigCommand((input: SpecialtyFormValues) => api.saveSpecialty(specialty?.id ?? null, toSpecialtyInput(input)));
  const form = useForm<SpecialtyFormValues>({
    mode: "controlled",
    initialValues: specialtyToForm(specialty),
    validate: validateSpecialtyForm,
  });
  const submit = form.onSubmit(async (values) => {
    setError(null);
    const result = await submitConfig(form, values, () => save.mutateAsync(values));
    if (result.ok) {
      notifyConfigSaved(client, t("config.specialties.saved"));
      onClose();
    } else setError(result.error);
  });
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <BilingualNames
          fields={NAME_FIELDS}
          labels={[t("config.nameEn"), t("config.nameAr")]}
          inputProps={(field) => form.getInputProps(field)}
        />
        <FormFooter error={error} saving={save.isPending} onCancel={onClose} />
      </Stack>
    </form>
  );
}

/** The specialties: names only (they are never deactivated; review types and categories are). */
export function SpecialtiesTab({ view }: { view: ConfigurationView }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState("");
  const [editing, setEditing] = useState<{ opened: boolean; item: Specialty | null }>({ opened: false, item: null });
  const rows = view.specialties
    .filter((s) => matchesQuery(query, s.nameEn, s.nameAr))
    .sort((a, b) => specialtyLabel(a).localeCompare(specialtyLabel(b)));
  const count = (n: number) => formatNumber(n);
  return (
    <Stack>
      <TabHeader
        intro={t("config.specialties.intro")}
        newLabel={t("config.specialties.new")}
        testId="config-new-specialty"
        onNew={() => setEditing({ opened: true, item: null })}
      />
      <SearchBox value={query} onChange={setQuery} />
      <EmptyLine total={view.specialties.length} shown={rows.length} empty={t("config.specialties.empty")} />
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover verticalSpacing="sm" aria-label={t("config.tab.specialties")} data-testid="config-table-specialties">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("config.name")}</Table.Th>
                <Table.Th style={{ textAlign: "end" }}>{t("config.tab.reviewTypes")}</Table.Th>
                <Table.Th style={{ textAlign: "end" }}>{t("config.tab.diseaseCategories")}</Table.Th>
                <Table.Th aria-label={t("documents.actions")} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((s) => (
                <Table.Tr key={s.id} data-testid={`config-row-${s.id}`}>
                  <Table.Td>
                    <NameCell main={specialtyLabel(s)} en={s.nameEn} ar={s.nameAr} />
                  </Table.Td>
                  <Table.Td style={{ textAlign: "end" }}>{count(view.reviewTypes.filter((r) => r.specialtyId === s.id).length)}</Table.Td>
                  <Table.Td style={{ textAlign: "end" }}>
                    {count(view.diseaseCategories.filter((c) => c.specialtyId === s.id).length)}
                  </Table.Td>
                  <Table.Td style={{ textAlign: "end" }}>
                    <Button
                      size="xs"
                      variant="default"
                      onClick={() => setEditing({ opened: true, item: s })}
                      aria-label={t("config.editNamed", { name: specialtyLabel(s) })}
                      data-testid={`config-edit-${s.id}`}
                    >
                      {t("common.edit")}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ConfigModal
        opened={editing.opened}
        title={editing.item ? t("config.specialties.edit") : t("config.specialties.new")}
        onClose={() => setEditing((e) => ({ ...e, opened: false }))}
      >
        <SpecialtyForm specialty={editing.item} onClose={() => setEditing((e) => ({ ...e, opened: false }))} />
      </ConfigModal>
    </Stack>
  );
}
