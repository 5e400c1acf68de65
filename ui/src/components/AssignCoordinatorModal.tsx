import { Alert, Button, Group, Modal, NativeSelect, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { errorText } from "../lib/errors";
import { ErrorText } from "./ErrorText";
import type { CommandError } from "../api/client";
import type { Catalog, CaseDetail } from "../api/types";
import { coordinatorsForSpecialty, specialtyName } from "../lib/catalog";

type Props = {
  opened: boolean;
  detail: CaseDetail;
  catalog: Catalog | undefined;
  loading: boolean;
  error: CommandError | null;
  onConfirm: (coordinatorId: string) => void;
  onClose: () => void;
};

/** Picks a coordinator of the review type's specialty (the core checks eligibility again). */
export function AssignCoordinatorModal(props: Props) {
  const { t } = useTranslation();
  const title = props.detail.coordinator ? t("assignCoordinator.change") : t("assignCoordinator.assign");
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={title} centered>
      {props.opened && <AssignForm {...props} />}
    </Modal>
  );
}

function AssignForm({ detail, catalog, loading, error, onConfirm, onClose }: Props) {
  const { t } = useTranslation();
  const [coordinatorId, setCoordinatorId] = useState("");
  const [touched, setTouched] = useState(false);
  const specialtyId = detail.reviewType.specialtyId;
  const specialty = specialtyName(catalog, specialtyId) ?? t("assignCoordinator.thisSpecialty");
  const current = detail.coordinator?.id;
  const options = catalog ? coordinatorsForSpecialty(catalog, specialtyId).filter((c) => c.id !== current) : [];
  const fieldError =
    (touched && coordinatorId === "" ? t("assignCoordinator.choose") : null) ??
    (error && (error.code === "not_eligible" || error.field === "coordinatorId") ? errorText(error) : null);

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        setTouched(true);
        if (coordinatorId !== "") onConfirm(coordinatorId);
      }}
    >
      <Stack>
        {detail.coordinator && (
          <Text size="sm">
            <Trans
              i18nKey="assignCoordinator.currently"
              values={{ name: detail.coordinator.name }}
              components={{ name: <strong dir="auto" /> }}
            />
          </Text>
        )}
        {!catalog && <Text size="sm">{t("assignCoordinator.loading")}</Text>}
        {catalog && options.length === 0 && (
          <Alert color="yellow" variant="light">
            {detail.coordinator
              ? t("assignCoordinator.noOther", { specialty })
              : t("assignCoordinator.none", { specialty })}
          </Alert>
        )}
        <NativeSelect
          label={t("assignCoordinator.label")}
          description={t("assignCoordinator.description", { specialty })}
          withAsterisk
          data-testid="coordinator-select"
          data-autofocus
          value={coordinatorId}
          onChange={(e) => setCoordinatorId(e.currentTarget.value)}
          data={[
            { value: "", label: t("assignCoordinator.placeholder"), disabled: true },
            ...options.map((c) => ({ value: c.id, label: c.name })),
          ]}
          error={fieldError ?? undefined}
        />
        {error && fieldError === null && (
          <Alert color="red" variant="light">
            <ErrorText error={error} />
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={loading}>
            {t("common.back")}
          </Button>
          <Button type="submit" loading={loading} data-testid="assign-confirm">
            {detail.coordinator ? t("assignCoordinator.change") : t("assignCoordinator.assign")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
