import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { caseChanged } from "../../api/queries";
import type { CaseDetail } from "../../api/types";
import { notifyError, notifySuccess } from "../../lib/notify";

/**
 * One panel's commands on a case, sent one at a time: the open dialog (if any), the
 * mutation, and which command a shown error belongs to. On success the dialog closes,
 * the case is refreshed everywhere and a toast says what happened.
 */
export function useCaseCommand<C extends { kind: string }, D>(
  caseId: string,
  run: (caseId: string, c: C) => Promise<CaseDetail>,
  /** What a toast says, in the UI's language at the time. */
  success: Record<C["kind"], () => string>,
  failure: Record<C["kind"], () => string>,
) {
  const client = useQueryClient();
  const [dialog, setDialog] = useState<D | null>(null);
  const command = useMutation({
    mutationFn: (c: C) => run(caseId, c),
    onSuccess: async (updated, c) => {
      setDialog(null);
      await caseChanged(client, updated);
      notifySuccess(success[c.kind as C["kind"]]());
    },
    onError: (error, c) => notifyError(error, failure[c.kind as C["kind"]]()),
  });
  const open = (d: D) => {
    command.reset();
    setDialog(d);
  };
  const errorOf = (...kinds: C["kind"][]) =>
    command.variables && kinds.includes(command.variables.kind) ? command.error : null;
  return { command, dialog, setDialog, open, errorOf };
}
