import { Button, Group, MultiSelect, NativeSelect, Stack, Table, Text } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type CommandError } from "../../api/client";
import type { DiseaseCategory, UserSummary } from "../../api/types";
import type { ConfigurationView } from "../../bindings/ConfigurationView";
import { diseaseCategoryLabel, specialtyLabel } from "../../lib/catalog";
import {
  diseaseCategoryToForm,
  matchesQuery,
  specialtyOptions,
  toDiseaseCategoryInput,
  validateDiseaseCategoryForm,
  type DiseaseCategoryFormValues,
  LABEL_FIELDS,
} from "../../lib/config";
import { ActiveToggleConfirm, ToggleButton, type ToggleTarget } from "./ActiveToggle";
import { notifyConfigSaved, submitConfig, useConfigCommand } from "./configCommand";
import { ActiveTag, ConfigModal, EmptyLine, FormFooter, NameCell, SearchBox, TabHeader, BilingualNames } from "./parts";

type Props = {
  view: ConfigurationView;
  /** Whether a person is active (list_users lists active people only); everyone is, until known. */
  isActive: (user: UserSummary) => boolean;
};

function DiseaseCategoryForm({ view, isActive, category, onClose }: Props & { category: DiseaseCategory | null; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [error, setError] = useState<CommandError | null>(null);
  const save = useConfigCommand((values: DiseaseCategoryFormValues) =>
    api.saveDiseaseCategory(category?.id ?? null, toDiseaseCategoryInput(values)),
  );
  const form = useForm<DiseaseCategoryFormValues>({
    mode: "controlled",
    initialValues: diseaseCategoryToForm(category, { specialtyId: view.specialties.length === 1 ? view.specialties[0]!.id : "" }),
    validate: validateDiseaseCategoryForm,
  });
  const submit = form.onSubmit(async (values) => {
    setError(null);
    const result = await submitConfig(form, values, () => save.mutateAsync(values));
    if (result.ok) {
      notifyConfigSaved(client, t("config.diseaseCategories.saved"));
      onClose();
    } else setError(result.error);
  });
  // Active providers are offered; one mapped already stays shown (marked) until removed.
  const mapped = new Set(category?.providerIds ?? []);
  const providers = view.providers
    .filter((p) => isActive(p) || mapped.has(p.id))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((p) => ({ value: p.id, label: isActive(p) ? p.name : t("config.inactivePerson", { name: p.name }) }));
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <BilingualNames
          fields={LABEL_FIELDS}
          labels={[t("config.labelEn"), t("config.labelAr")]}
          inputProps={(field) => form.getInputProps(field)}
        />
        <NativeSelect
          label={t("config.specialty")}
          withAsterisk
          data={specialtyOptions(view.specialties, t("config.chooseSpecialty"))}
          data-testid="config-field-specialtyId"
          {...form.getInputProps("specialtyId")}
        />
        <MultiSelect
          label={t("config.diseaseCategories.providers")}
          description={t("config.diseaseCategories.providersHint")}
          data={providers}
          searchable
          clearable
          nothingFoundMessage={t("config.noPeople")}
          data-testid="config-field-providerIds"
          {...form.getInputProps("providerIds")}
        />
        <FormFooter error={error} saving={save.isPending} onCancel={onClose} />
      </Stack>
    </form>
  );
}

/** Disease categories: per specialty, with the providers eligible for their cases. */
export function DiseaseCategoriesTab({ view, isActive }: Props) {
  const { t } = useTranslation();
  const [query, setQuery] = useState("");
  const [editing, setEditing] = useState<{ opened: boolean; item: DiseaseCategory | null }>({ opened: false, item: null });
  const [toggling, setToggling] = useState<{ opened: boolean; target: ToggleTarget | null }>({ opened: false, target: null });
  const specialty = (id: string) => {
    const sp = view.specialties.find((s) => s.id === id);
    return sp ? specialtyLabel(sp) : "—";
  };
  const people = new Map(view.providers.map((p) => [p.id, p]));
  const rows = view.diseaseCategories
    .filter((c) => matchesQuery(query, c.labelEn, c.labelAr))
    .sort((a, b) => Number(b.active) - Number(a.active) || diseaseCategoryLabel(a).localeCompare(diseaseCategoryLabel(b)));
  return (
    <Stack>
      <TabHeader
        intro={t("config.diseaseCategories.intro")}
        newLabel={t("config.diseaseCategories.new")}
        testId="config-new-disease-category"
        onNew={view.specialties.length > 0 ? () => setEditing({ opened: true, item: null }) : undefined}
      />
      <SearchBox value={query} onChange={setQuery} />
      <EmptyLine
        total={view.diseaseCategories.length}
        shown={rows.length}
        empty={view.specialties.length > 0 ? t("config.diseaseCategories.empty") : t("config.needSpecialty")}
      />
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={820}>
          <Table
            striped
            highlightOnHover
            verticalSpacing="sm"
            aria-label={t("config.tab.diseaseCategories")}
            data-testid="config-table-disease-categories"
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("config.label")}</Table.Th>
                <Table.Th>{t("config.specialty")}</Table.Th>
                <Table.Th>{t("config.diseaseCategories.providers")}</Table.Th>
                <Table.Th>{t("config.status")}</Table.Th>
                <Table.Th aria-label={t("documents.actions")} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((c) => {
                const label = diseaseCategoryLabel(c);
                return (
                  <Table.Tr key={c.id} data-testid={`config-row-${c.id}`} data-active={String(c.active)}>
                    <Table.Td>
                      <NameCell main={label} en={c.labelEn} ar={c.labelAr} />
                    </Table.Td>
                    <Table.Td dir="auto">{specialty(c.specialtyId)}</Table.Td>
                    <Table.Td data-testid="config-providers">
                      {c.providerIds.length === 0 ? (
                        <Text size="sm" c="dimmed">
                          {t("config.diseaseCategories.noProviders")}
                        </Text>
                      ) : (
                        c.providerIds.map((id) => {
                          const p = people.get(id);
                          return (
                            <Text key={id} size="sm" dir="auto">
                              {!p ? t("config.unknownPerson") : isActive(p) ? p.name : t("config.inactivePerson", { name: p.name })}
                            </Text>
                          );
                        })
                      )}
                    </Table.Td>
                    <Table.Td>
                      <ActiveTag active={c.active} />
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" justify="flex-end" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="default"
                          onClick={() => setEditing({ opened: true, item: c })}
                          aria-label={t("config.editNamed", { name: label })}
                          data-testid={`config-edit-${c.id}`}
                        >
                          {t("common.edit")}
                        </Button>
                        <ToggleButton
                          target={{ id: c.id, name: label, active: c.active }}
                          onClick={() => setToggling({ opened: true, target: { id: c.id, name: label, active: c.active } })}
                        />
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ConfigModal
        opened={editing.opened}
        title={editing.item ? t("config.diseaseCategories.edit") : t("config.diseaseCategories.new")}
        onClose={() => setEditing((e) => ({ ...e, opened: false }))}
      >
        <DiseaseCategoryForm
          view={view}
          isActive={isActive}
          category={editing.item}
          onClose={() => setEditing((e) => ({ ...e, opened: false }))}
        />
      </ConfigModal>
      <ActiveToggleConfirm
        kind="diseaseCategories"
        target={toggling.target}
        opened={toggling.opened}
        onClose={() => setToggling((s) => ({ ...s, opened: false }))}
        run={api.setDiseaseCategoryActive}
      />
    </Stack>
  );
}
