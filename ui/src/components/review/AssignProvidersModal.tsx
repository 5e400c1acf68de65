import { Alert, Button, Checkbox, Group, Modal, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { useCatalogNames } from "../../api/queries";
import { diseaseCategoryLabel } from "../../lib/catalog";
import { errorText } from "../../lib/errors";
import { i18n } from "../../i18n";
import { ErrorText } from "../ErrorText";
import type { CommandError } from "../../api/client";
import type { CaseDetail } from "../../api/types";
import { specialtiesText } from "./labels";

type Props = {
  opened: boolean;
  detail: CaseDetail;
  loading: boolean;
  error: CommandError | null;
  onConfirm: (providerIds: string[]) => void;
  onClose: () => void;
};

/**
 * The coordinator picks one or more of the providers eligible for the case's disease
 * category (`detail.eligibleProviders`, computed by the core's rules, which check again).
 */
export function AssignProvidersModal(props: Props) {
  const { t } = useTranslation();
  const replacing = props.detail.assignments.some((a) => a.status === "declined");
  const title =
    props.detail.assignments.length === 0
      ? t("assignProviders.assign")
      : replacing
        ? t("assignProviders.replaceOrAdd")
        : t("assignProviders.add");
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={title} centered>
      {props.opened && <AssignForm {...props} />}
    </Modal>
  );
}

function AssignForm({ detail, loading, error, onConfirm, onClose }: Props) {
  const { t } = useTranslation();
  const catalog = useCatalogNames();
  const category = diseaseCategoryLabel(detail.diseaseCategory);
  const [chosen, setChosen] = useState<string[]>([]);
  const [touched, setTouched] = useState(false);
  const options = detail.eligibleProviders;
  const declined = detail.assignments.filter((a) => a.status === "declined");
  const fieldError =
    (touched && chosen.length === 0 ? t("assignProviders.chooseOne") : null) ??
    (error && error.field === "providerIds" ? errorText(error) : null);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        setTouched(true);
        if (chosen.length > 0) onConfirm(chosen);
      }}
    >
      <Stack>
        {declined.length > 0 && (
          <Text size="sm" data-testid="assign-providers-declined">
            <Trans
              i18nKey="assignProviders.declined"
              values={{ names: declined.map((a) => a.provider.name).join(i18n.t("common.listSeparator")) }}
              components={{ bdi: <bdi /> }}
            />
          </Text>
        )}
        {options.length === 0 ? (
          <Alert color="yellow" variant="light" data-testid="assign-providers-none">
            {detail.assignments.length > 0
              ? t("assignProviders.noOther", { category })
              : t("assignProviders.none", { category })}
          </Alert>
        ) : (
          <Checkbox.Group
            label={t("assignProviders.label")}
            description={t("assignProviders.description", { category })}
            withAsterisk
            value={chosen}
            onChange={setChosen}
            error={fieldError ?? undefined}
            data-testid="provider-options"
          >
            <Stack gap="xs" mt="xs">
              {options.map((p) => (
                <Checkbox
                  key={p.id}
                  value={p.id}
                  label={<span dir="auto">{p.name}</span>}
                  description={specialtiesText(p, catalog.data) || undefined}
                  data-testid="provider-option"
                  data-provider-id={p.id}
                />
              ))}
            </Stack>
          </Checkbox.Group>
        )}
        {error && fieldError === null && (
          <Alert color="red" variant="light">
            <ErrorText error={error} />
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={loading}>
            {t("common.back")}
          </Button>
          <Button type="submit" loading={loading} disabled={options.length === 0} data-testid="assign-providers-confirm">
            {t("assignProviders.confirm")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
