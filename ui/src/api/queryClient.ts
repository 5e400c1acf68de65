import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { forgetToasts, notifyError } from "../lib/notify";
import { normaliseError } from "./client";
import { queryKeys } from "./queries";

/**
 * The app's query client. Commands run in-process, so retrying a failed one
 * only repeats the same answer: no retries. Every failed read is notified once
 * (pages also show it inline); a "not_signed_in" answer anywhere sends the
 * user back to the chooser.
 */
export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (raw, query) => {
        const error = normaliseError(raw);
        if (error.code === "not_signed_in") {
          if (query.queryKey[0] !== queryKeys.currentUser[0]) signedOut();
          return;
        }
        notifyError(error, "Could not load");
      },
    }),
    mutationCache: new MutationCache({
      onError: (raw) => {
        if (normaliseError(raw).code === "not_signed_in") signedOut();
      },
    }),
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
  /** The session ended by itself: back to the chooser, with nothing of that user on screen. */
  function signedOut(): void {
    forgetToasts();
    client.setQueryData(queryKeys.currentUser, null);
  }
  return client;
}
