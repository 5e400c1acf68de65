// What every configuration dialog does with the core's answer: store the new configuration,
// say so, and put a refusal on the field it names (else above the buttons).
import type { UseFormReturnType } from "@mantine/form";
import { useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { fieldKey, normaliseError, type CommandError } from "../../api/client";
import { configurationChanged, queryKeys } from "../../api/queries";
import type { SyncStatus } from "../../api/types";
import type { ConfigurationView } from "../../bindings/ConfigurationView";
import { i18n } from "../../i18n";
import { formField } from "../../lib/config";
import { errorText } from "../../lib/errors";
import { notifySuccess } from "../../lib/notify";

/** A configuration command; on success the configuration it returns replaces the cached one. */
export function useConfigCommand<A>(run: (args: A) => Promise<ConfigurationView>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: (view) => configurationChanged(client, view),
  });
}

/** "Saved", or, with a server, that the change shows once the server has it (the next sync). */
export function notifyConfigSaved(client: QueryClient, title: string): void {
  const sync = client.getQueryData<SyncStatus>(queryKeys.syncStatus);
  const withServer = (sync?.serverUrl ?? null) !== null;
  notifySuccess(withServer ? i18n.t("config.savedWithServer") : i18n.t("config.savedHere"), title);
}

/**
 * Runs `save`; a refusal naming one of the form's fields is shown under that field, any
 * other is returned (for the dialog to show). Nothing is closed on a refusal.
 */
export async function submitConfig<V extends Record<string, unknown>>(
  form: UseFormReturnType<V>,
  values: V,
  save: () => Promise<unknown>,
): Promise<{ ok: true } | { ok: false; error: CommandError | null }> {
  try {
    await save();
    return { ok: true };
  } catch (raw) {
    const error = normaliseError(raw);
    const key = fieldKey(error.field);
    const field = key === null ? null : formField(key);
    if (field !== null && field in values) {
      form.setFieldError(field, errorText(error));
      return { ok: false, error: null };
    }
    return { ok: false, error };
  }
}
