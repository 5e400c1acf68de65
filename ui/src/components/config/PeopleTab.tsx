import { Button, Group, MultiSelect, Stack, Table, Text } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type CommandError } from "../../api/client";
import type { UserSummary } from "../../api/types";
import type { ConfigurationView } from "../../bindings/ConfigurationView";
import { specialtyLabel } from "../../lib/catalog";
import { matchesQuery } from "../../lib/config";
import { roleLabel } from "../../lib/labels";
import { notifyConfigSaved, submitConfig, useConfigCommand } from "./configCommand";
import { ConfigModal, EmptyLine, FormFooter, SearchBox, TabHeader } from "./parts";
import { Tag } from "../Tag";

type Props = {
  view: ConfigurationView;
  isActive: (user: UserSummary) => boolean;
};

type Values = { specialtyIds: string[] };

function SpecialtiesForm({ view, person, onClose }: { view: ConfigurationView; person: UserSummary; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [error, setError] = useState<CommandError | null>(null);
  const save = useConfigCommand((values: Values) => api.setUserSpecialties(person.id, values.specialtyIds));
  const form = useForm<Values>({ mode: "controlled", initialValues: { specialtyIds: [...person.specialtyIds] } });
  const submit = form.onSubmit(async (values) => {
    setError(null);
    const result = await submitConfig(form, values, () => save.mutateAsync(values));
    if (result.ok) {
      notifyConfigSaved(client, t("config.people.saved"));
      onClose();
    } else setError(result.error);
  });
  const options = [...view.specialties]
    .sort((a, b) => specialtyLabel(a).localeCompare(specialtyLabel(b)))
    .map((s) => ({ value: s.id, label: specialtyLabel(s) }));
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text size="sm" dir="auto">
          {person.name}
        </Text>
        <MultiSelect
          label={person.role === "coordinator" ? t("config.people.coordinates") : t("config.people.practises")}
          data={options}
          searchable
          clearable
          nothingFoundMessage={t("config.noSpecialties")}
          data-autofocus
          data-testid="config-field-specialtyIds"
          {...form.getInputProps("specialtyIds")}
        />
        <FormFooter error={error} saving={save.isPending} onCancel={onClose} />
      </Stack>
    </form>
  );
}

/** Coordinators (the specialties they coordinate) and providers (those they practise). */
export function PeopleTab({ view, isActive }: Props) {
  const { t } = useTranslation();
  const [query, setQuery] = useState("");
  const [editing, setEditing] = useState<{ opened: boolean; person: UserSummary | null }>({ opened: false, person: null });
  const specialties = new Map(view.specialties.map((s) => [s.id, s]));
  const everyone = [...view.coordinators, ...view.providers];
  const rows = everyone
    .filter((p) => matchesQuery(query, p.name, p.email))
    .sort((a, b) => a.role.localeCompare(b.role) || a.name.localeCompare(b.name));
  const close = () => setEditing((e) => ({ ...e, opened: false }));
  return (
    <Stack>
      <TabHeader intro={t("config.people.intro")} />
      <SearchBox value={query} onChange={setQuery} />
      <EmptyLine total={everyone.length} shown={rows.length} empty={t("config.people.empty")} />
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover verticalSpacing="sm" aria-label={t("config.tab.people")} data-testid="config-table-people">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("config.people.name")}</Table.Th>
                <Table.Th>{t("config.people.role")}</Table.Th>
                <Table.Th>{t("config.people.email")}</Table.Th>
                <Table.Th>{t("config.people.specialties")}</Table.Th>
                <Table.Th aria-label={t("documents.actions")} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((p) => {
                const names = p.specialtyIds.map((id) => {
                  const sp = specialties.get(id);
                  return sp ? specialtyLabel(sp) : t("config.unknownSpecialty");
                });
                return (
                  <Table.Tr key={p.id} data-testid={`config-row-${p.id}`}>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Text size="sm" dir="auto">
                          {p.name}
                        </Text>
                        {!isActive(p) && <Tag color="gray">{t("config.inactive")}</Tag>}
                      </Group>
                    </Table.Td>
                    <Table.Td>{roleLabel(p.role)}</Table.Td>
                    <Table.Td>
                      <bdi dir="ltr">{p.email}</bdi>
                    </Table.Td>
                    <Table.Td data-testid="config-specialties" dir="auto">
                      {names.length === 0 ? (
                        <Text size="sm" c="dimmed">
                          {t("config.people.none")}
                        </Text>
                      ) : (
                        names.join(t("common.listSeparator"))
                      )}
                    </Table.Td>
                    <Table.Td style={{ textAlign: "end" }}>
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => setEditing({ opened: true, person: p })}
                        aria-label={t("config.people.editNamed", { name: p.name })}
                        data-testid={`config-edit-${p.id}`}
                      >
                        {t("config.people.edit")}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ConfigModal opened={editing.opened} title={t("config.people.editTitle")} onClose={close}>
        {editing.person && <SpecialtiesForm view={view} person={editing.person} onClose={close} />}
      </ConfigModal>
    </Stack>
  );
}
