import { Button, Text } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { ConfigurationView } from "../../bindings/ConfigurationView";
import { ConfirmModal } from "../ConfirmModal";
import { notifyConfigSaved, useConfigCommand } from "./configCommand";

export type ToggleTarget = { id: string; name: string; active: boolean };

type Kind = "reviewTypes" | "diseaseCategories";

/** A row's Deactivate / Activate button (it only opens the confirmation). */
export function ToggleButton({ target, onClick }: { target: ToggleTarget; onClick: () => void }) {
  const { t } = useTranslation();
  return (
    <Button
      size="xs"
      variant={target.active ? "light" : "default"}
      color={target.active ? "red" : undefined}
      onClick={onClick}
      aria-label={
        target.active ? t("config.deactivateNamed", { name: target.name }) : t("config.activateNamed", { name: target.name })
      }
      data-testid={`config-toggle-${target.id}`}
    >
      {target.active ? t("config.deactivate") : t("config.activate")}
    </Button>
  );
}

/**
 * "Deactivate …?" / "Activate …?" and then the command. `target` stays set while the dialog
 * closes (`opened` false) so that its text does not change on the way out.
 */
export function ActiveToggleConfirm({
  kind,
  target,
  opened,
  onClose,
  run,
}: {
  kind: Kind;
  target: ToggleTarget | null;
  opened: boolean;
  onClose: () => void;
  run: (id: string, active: boolean) => Promise<ConfigurationView>;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const toggle = useConfigCommand((args: { id: string; active: boolean }) => run(args.id, args.active));
  const deactivating = target?.active ?? true;
  // The name isolated (FSI…PDI) so that an Arabic name does not reorder an English sentence.
  const name = `\u2068${target?.name ?? ""}\u2069`;
  const close = () => {
    toggle.reset();
    onClose();
  };
  return (
    <ConfirmModal
      opened={opened}
      title={deactivating ? t(`config.${kind}.deactivateTitle`) : t(`config.${kind}.activateTitle`)}
      confirmLabel={deactivating ? t("config.deactivate") : t("config.activate")}
      confirmColor={deactivating ? "red" : undefined}
      loading={toggle.isPending}
      error={toggle.error}
      testId="config-confirm"
      onClose={close}
      onConfirm={() => {
        if (!target) return;
        toggle.mutate(
          { id: target.id, active: !target.active },
          {
            onSuccess: () => {
              notifyConfigSaved(client, deactivating ? t("config.deactivated") : t("config.activated"));
              close();
            },
          },
        );
      }}
    >
      <Text size="sm">
        {deactivating ? t(`config.${kind}.deactivateBody`, { name }) : t(`config.${kind}.activateBody`, { name })}
      </Text>
    </ConfirmModal>
  );
}
