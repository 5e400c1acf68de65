import { Alert, Button, Group, Modal, SimpleGrid, Text, TextInput } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { CommandError } from "../../api/client";
import { otherLanguageName } from "../../lib/catalog";
import { CATALOG_NAME_MAX } from "../../lib/config";
import { ErrorText } from "../ErrorText";
import { Tag } from "../Tag";

/** A catalog name in the UI's language, the other language's below it. */
export function NameCell({ main, en, ar }: { main: string; en: string; ar: string }) {
  const other = otherLanguageName(en, ar);
  return (
    <>
      <Text size="sm" dir="auto">
        {main}
      </Text>
      {other && (
        <Text size="xs" c="dimmed" dir="auto" lang={other.lang}>
          {other.text}
        </Text>
      )}
    </>
  );
}

export function ActiveTag({ active }: { active: boolean }) {
  const { t } = useTranslation();
  return (
    <Tag color={active ? "teal" : "gray"} data-testid="config-status" data-active={String(active)}>
      {active ? t("config.active") : t("config.inactive")}
    </Tag>
  );
}

export function SearchBox({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const { t } = useTranslation();
  return (
    <TextInput
      label={t("config.search")}
      placeholder={t("config.searchPlaceholder")}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      dir="auto"
      maw={420}
      data-testid="config-search"
    />
  );
}

/** A tab's heading line: what it holds, and its "New …" button. */
export function TabHeader({ intro, newLabel, testId, onNew }: { intro: string; newLabel?: string; testId?: string; onNew?: () => void }) {
  return (
    <Group justify="space-between" align="flex-end">
      <Text c="dimmed" size="sm" maw={640}>
        {intro}
      </Text>
      {onNew && newLabel && (
        <Button onClick={onNew} data-testid={testId}>
          {newLabel}
        </Button>
      )}
    </Group>
  );
}

/** The dialog around a configuration form (rendered only while open, so each opening starts afresh). */
export function ConfigModal({ opened, title, onClose, children }: { opened: boolean; title: string; onClose: () => void; children: ReactNode }) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} size="lg" centered>
      {opened && children}
    </Modal>
  );
}

/** A refusal that names no field of the form, and the form's buttons. */
export function FormFooter({ error, saving, onCancel }: { error: CommandError | null; saving: boolean; onCancel: () => void }) {
  const { t } = useTranslation();
  return (
    <>
      {error && (
        <Alert color="red" variant="light" title={t("config.saveFailed")} data-testid="config-form-error">
          <ErrorText error={error} />
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel} disabled={saving}>
          {t("common.cancel")}
        </Button>
        <Button type="submit" loading={saving} data-testid="config-save">
          {t("common.save")}
        </Button>
      </Group>
    </>
  );
}

/** "No … yet" or "Nothing matches", or nothing when there are rows. */
export function EmptyLine({ total, shown, empty }: { total: number; shown: number; empty: string }) {
  const { t } = useTranslation();
  if (total === 0) return <Text c="dimmed" data-testid="config-empty">{empty}</Text>;
  if (shown === 0) return <Text c="dimmed" data-testid="config-no-match">{t("config.noMatch")}</Text>;
  return null;
}

/**
 * A catalog name in English and in Arabic, side by side: two required fields of a form
 * (`nameEn`/`nameAr` or `labelEn`/`labelAr`), each showing its own error.
 */
export function BilingualNames({
  fields,
  labels,
  inputProps,
}: {
  fields: [string, string];
  labels: [string, string];
  inputProps: (field: string) => object;
}) {
  const [en, ar] = fields;
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }}>
      <TextInput
        label={labels[0]}
        withAsterisk
        lang="en"
        dir="auto"
        maxLength={CATALOG_NAME_MAX + 20}
        data-autofocus
        data-testid={`config-field-${en}`}
        {...inputProps(en)}
      />
      <TextInput
        label={labels[1]}
        withAsterisk
        lang="ar"
        dir="auto"
        maxLength={CATALOG_NAME_MAX + 20}
        data-testid={`config-field-${ar}`}
        {...inputProps(ar)}
      />
    </SimpleGrid>
  );
}
