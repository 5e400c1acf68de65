// Events the shell sends to the UI (src-tauri/src/main.rs).
import { listen } from "@tauri-apps/api/event";

/** The background sync stored what the server sent: any screen may be out of date. */
export const DATA_CHANGED = "data-changed";

/** Calls `handler` on every DATA_CHANGED; returns the function that stops listening. */
export function onDataChanged(handler: () => void): () => void {
  let stop: (() => void) | null = null;
  let stopped = false;
  listen(DATA_CHANGED, handler)
    .then((unlisten) => {
      if (stopped) unlisten();
      else stop = unlisten;
    })
    .catch((error: unknown) => {
      // Outside the app's webview (unit tests) there are no events; in the app this is a
      // missing capability (core:event:allow-listen) and worth seeing in the console.
      console.warn("not following data-changed events", error);
    });
  return () => {
    stopped = true;
    stop?.();
  };
}
