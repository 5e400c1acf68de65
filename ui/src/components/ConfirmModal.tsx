import { Alert, Button, Group, Modal, Stack } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { CommandError } from "../api/client";
import { ErrorText } from "./ErrorText";

type Props = {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  confirmColor?: string;
  loading: boolean;
  error: CommandError | null;
  /** `${testId}-confirm` is the confirming button. */
  testId: string;
  onConfirm: () => void;
  onClose: () => void;
};

/** Asks "are you sure?" before a command that needs no further input (deleting an issue). */
export function ConfirmModal({ opened, title, children, confirmLabel, confirmColor, loading, error, testId, onConfirm, onClose }: Props) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered>
      <Stack data-testid={testId}>
        {children}
        {error && (
          <Alert color="red" variant="light">
            <ErrorText error={error} />
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={loading}>
            {t("common.back")}
          </Button>
          <Button color={confirmColor} loading={loading} onClick={onConfirm} data-testid={`${testId}-confirm`} data-autofocus>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
