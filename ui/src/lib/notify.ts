import { notifications } from "@mantine/notifications";
import { normaliseError } from "../api/client";
import { createElement } from "react";
import { ErrorText } from "../components/ErrorText";
import { errorTitle } from "./errors";

export { errorTitle };

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
    message: createElement(ErrorText, { error: e }),
    autoClose: 8000,
    withBorder: true,
    "data-testid": "error-notification",
    "data-error-code": e.code,
  });
}
