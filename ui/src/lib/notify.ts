import { notifications } from "@mantine/notifications";
import { normaliseError } from "../api/client";
import type { ErrorCode } from "../api/types";

const ERROR_TITLES: Record<ErrorCode, string> = {
  not_found: "Not found",
  forbidden: "Not allowed",
  invalid_status: "Not possible now",
  invalid_input: "Please check the form",
  reason_required: "A reason is required",
  documents_required: "Documents required",
  not_eligible: "Not eligible",
  unknown_review_type: "Unknown review type",
  unknown_disease_category: "Unknown disease category",
  too_large: "File too large",
  conflict: "Conflict",
  not_signed_in: "Not signed in",
  not_connected: "No server",
  offline: "Offline",
  invalid_credentials: "Sign-in failed",
  session_expired: "Session expired",
  server: "The server refused",
  keyring: "Keyring unavailable",
  internal: "Something went wrong",
};

/** A short heading for an error code (the message says the rest). */
export function errorTitle(code: string): string {
  return (ERROR_TITLES as Record<string, string>)[code] ?? "Something went wrong";
}

/** Closes every toast, shown or queued: what one user was told is not for the next. */
export function forgetToasts(): void {
  notifications.clean();
}

export function notifySuccess(message: string, title?: string): void {
  notifications.show({ color: "teal", title, message, autoClose: 4000 });
}

/** Shows any error (normalised to a CommandError) as a red notification; `context` is its title. */
export function notifyError(error: unknown, context?: string): void {
  const e = normaliseError(error);
  const title = context ?? errorTitle(e.code);
  notifications.show({
    color: "red",
    title,
    message: e.message,
    autoClose: 8000,
    withBorder: true,
    "data-testid": "error-notification",
    "data-error-code": e.code,
  });
}
