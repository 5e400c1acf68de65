import { notifications } from "@mantine/notifications";
import { normaliseError } from "../api/client";

export function notifySuccess(message: string, title?: string): void {
  notifications.show({ color: "teal", title, message, autoClose: 4000 });
}

export function notifyError(error: unknown, title = "That did not work"): void {
  const e = normaliseError(error);
  notifications.show({ color: "red", title, message: e.message, autoClose: 8000 });
}
