import { Button, Group, NativeSelect, NumberInput, Select, SimpleGrid, Stack, Table, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useQueryClient } from "@tanstack/react-query";
import { useMemo, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { api, type CommandError } from "../../api/client";
import type { ReviewType } from "../../api/types";
import type { ConfigurationView } from "../../bindings/ConfigurationView";
import { reviewTypeName, specialtyLabel } from "../../lib/catalog";
import {
  currencyCodes,
  currencyDigits,
  currencyLabel,
  matchesQuery,
  REVIEW_DAYS,
  reviewTypeToForm,
  specialtyOptions,
  toReviewTypeInput,
  usualCurrency,
  validateReviewTypeForm,
  type ReviewTypeFormValues,
  NAME_FIELDS,
} from "../../lib/config";
import { formatMoney, pluralDays } from "../../lib/format";
import { ActiveToggleConfirm, ToggleButton, type ToggleTarget } from "./ActiveToggle";
import { notifyConfigSaved, submitConfig, useConfigCommand } from "./configCommand";
import { ActiveTag, ConfigModal, EmptyLine, FormFooter, NameCell, SearchBox, TabHeader, BilingualNames } from "./parts";

/** An ISO 4217 code: picked from Intl's list where the runtime has one, else typed (upper-cased). */
function CurrencyField({
  value,
  onChange,
  error,
}: {
  value: string;
  onChange: (code: string) => void;
  error: ReactNode;
}) {
  const { t } = useTranslation();
  const data = useMemo(() => {
    const codes = currencyCodes();
    if (codes === null) return null;
    // A code already stored stays choosable even if this runtime does not know it.
    const all = value !== "" && !codes.includes(value) ? [value, ...codes] : codes;
    return all.map((code) => ({ value: code, label: currencyLabel(code) }));
  }, [value]);
  if (data === null) {
    return (
      <TextInput
        label={t("config.reviewTypes.currency")}
        withAsterisk
        dir="ltr"
        maxLength={3}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value.toUpperCase())}
        error={error}
        data-testid="config-field-currency"
      />
    );
  }
  return (
    <Select
      label={t("config.reviewTypes.currency")}
      withAsterisk
      searchable
      limit={50}
      data={data}
      value={value === "" ? null : value}
      onChange={(code) => onChange(code ?? "")}
      nothingFoundMessage={t("config.reviewTypes.noCurrency")}
      error={error}
      data-testid="config-field-currency"
    />
  );
}

function ReviewTypeForm({ view, reviewType, onClose }: { view: ConfigurationView; reviewType: ReviewType | null; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [error, setError] = useState<CommandError | null>(null);
  const save = useConfigCommand((values: ReviewTypeFormValues) => api.saveReviewType(reviewType?.id ?? null, toReviewTypeInput(values)));
  const form = useForm<ReviewTypeFormValues>({
    mode: "controlled",
    initialValues: reviewTypeToForm(reviewType, {
      currency: usualCurrency(view.reviewTypes),
      specialtyId: view.specialties.length === 1 ? view.specialties[0]!.id : "",
    }),
    validate: validateReviewTypeForm,
  });
  const submit = form.onSubmit(async (values) => {
    setError(null);
    const result = await submitConfig(form, values, () => save.mutateAsync(values));
    if (result.ok) {
      notifyConfigSaved(client, t("config.reviewTypes.saved"));
      onClose();
    } else setError(result.error);
  });
  const currency = form.getValues().currency;
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <BilingualNames
          fields={NAME_FIELDS}
          labels={[t("config.nameEn"), t("config.nameAr")]}
          inputProps={(field) => form.getInputProps(field)}
        />
        <NativeSelect
          label={t("config.specialty")}
          withAsterisk
          data={specialtyOptions(view.specialties, t("config.chooseSpecialty"))}
          data-testid="config-field-specialtyId"
          {...form.getInputProps("specialtyId")}
        />
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <NumberInput
            label={t("config.reviewTypes.price")}
            withAsterisk
            min={0}
            allowNegative={false}
            decimalScale={currencyDigits(currency)}
            allowDecimal={currencyDigits(currency) > 0}
            rightSection={currency}
            rightSectionWidth={52}
            dir="ltr"
            data-testid="config-field-priceMinor"
            {...form.getInputProps("price")}
          />
          <CurrencyField
            value={currency}
            onChange={(code) => form.setFieldValue("currency", code)}
            error={form.errors.currency}
          />
          <NumberInput
            label={t("config.reviewTypes.expectedDays")}
            withAsterisk
            min={REVIEW_DAYS.min}
            max={REVIEW_DAYS.max}
            allowDecimal={false}
            allowNegative={false}
            clampBehavior="none"
            dir="ltr"
            data-testid="config-field-expectedReviewDays"
            {...form.getInputProps("expectedReviewDays")}
          />
        </SimpleGrid>
        <FormFooter error={error} saving={save.isPending} onCancel={onClose} />
      </Stack>
    </form>
  );
}

/** Review types: what a requester orders, its price and expected time, active or not. */
export function ReviewTypesTab({ view }: { view: ConfigurationView }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState("");
  const [editing, setEditing] = useState<{ opened: boolean; item: ReviewType | null }>({ opened: false, item: null });
  const [toggling, setToggling] = useState<{ opened: boolean; target: ToggleTarget | null }>({ opened: false, target: null });
  const specialty = (id: string) => {
    const sp = view.specialties.find((s) => s.id === id);
    return sp ? specialtyLabel(sp) : "—";
  };
  const rows = view.reviewTypes
    .filter((r) => matchesQuery(query, r.nameEn, r.nameAr))
    .sort((a, b) => Number(b.active) - Number(a.active) || reviewTypeName(a).localeCompare(reviewTypeName(b)));
  return (
    <Stack>
      <TabHeader
        intro={t("config.reviewTypes.intro")}
        newLabel={t("config.reviewTypes.new")}
        testId="config-new-review-type"
        onNew={view.specialties.length > 0 ? () => setEditing({ opened: true, item: null }) : undefined}
      />
      <SearchBox value={query} onChange={setQuery} />
      <EmptyLine
        total={view.reviewTypes.length}
        shown={rows.length}
        empty={view.specialties.length > 0 ? t("config.reviewTypes.empty") : t("config.needSpecialty")}
      />
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={820}>
          <Table striped highlightOnHover verticalSpacing="sm" aria-label={t("config.tab.reviewTypes")} data-testid="config-table-review-types">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("config.name")}</Table.Th>
                <Table.Th>{t("config.specialty")}</Table.Th>
                <Table.Th style={{ textAlign: "end" }}>{t("config.reviewTypes.price")}</Table.Th>
                <Table.Th>{t("config.reviewTypes.expectedDays")}</Table.Th>
                <Table.Th>{t("config.status")}</Table.Th>
                <Table.Th aria-label={t("documents.actions")} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => {
                const name = reviewTypeName(r);
                return (
                  <Table.Tr key={r.id} data-testid={`config-row-${r.id}`} data-active={String(r.active)}>
                    <Table.Td>
                      <NameCell main={name} en={r.nameEn} ar={r.nameAr} />
                    </Table.Td>
                    <Table.Td dir="auto">{specialty(r.specialtyId)}</Table.Td>
                    <Table.Td style={{ textAlign: "end", whiteSpace: "nowrap" }} data-testid="config-price">
                      {formatMoney(r.priceMinor, r.currency)}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>{pluralDays(r.expectedReviewDays)}</Table.Td>
                    <Table.Td>
                      <ActiveTag active={r.active} />
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" justify="flex-end" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="default"
                          onClick={() => setEditing({ opened: true, item: r })}
                          aria-label={t("config.editNamed", { name })}
                          data-testid={`config-edit-${r.id}`}
                        >
                          {t("common.edit")}
                        </Button>
                        <ToggleButton
                          target={{ id: r.id, name, active: r.active }}
                          onClick={() => setToggling({ opened: true, target: { id: r.id, name, active: r.active } })}
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
        title={editing.item ? t("config.reviewTypes.edit") : t("config.reviewTypes.new")}
        onClose={() => setEditing((e) => ({ ...e, opened: false }))}
      >
        <ReviewTypeForm view={view} reviewType={editing.item} onClose={() => setEditing((e) => ({ ...e, opened: false }))} />
      </ConfigModal>
      <ActiveToggleConfirm
        kind="reviewTypes"
        target={toggling.target}
        opened={toggling.opened}
        onClose={() => setToggling((s) => ({ ...s, opened: false }))}
        run={api.setReviewTypeActive}
      />
    </Stack>
  );
}
