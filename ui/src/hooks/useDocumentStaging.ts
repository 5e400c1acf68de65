import { useCallback, useLayoutEffect, useRef, useState } from "react";
import { api, checkDocumentFile, normaliseError } from "../api/client";
import { i18n } from "../i18n";
import { errorText } from "../lib/errors";
import type { DocumentInput, DocumentKind, StagedDocument } from "../api/types";
import { guessDocumentKind } from "../lib/labels";
import { notifyError } from "../lib/notify";

/** A document whose bytes are in the core's content store, with the kind chosen for it. */
export type StagedItem = StagedDocument & { key: string; kind: DocumentKind };

export type PendingUpload = { key: string; name: string };

export function toDocumentInput(item: StagedItem): DocumentInput {
  return {
    name: item.name,
    kind: item.kind,
    mediaType: item.mediaType,
    sha256: item.sha256,
    sizeBytes: item.sizeBytes,
  };
}

let nextKey = 0;

/**
 * Stages picked files one by one: files over the size limit (or empty) are
 * refused before any byte is sent; the rest go to `stage_document` and are
 * handed to `onStaged`. Every refusal is notified and kept in `error`.
 */
export function useDocumentStaging(onStaged: (item: StagedItem) => Promise<void> | void) {
  const [pending, setPending] = useState<PendingUpload[]>([]);
  const [error, setError] = useState<string | null>(null);
  const onStagedRef = useRef(onStaged);
  useLayoutEffect(() => {
    onStagedRef.current = onStaged;
  }, [onStaged]);

  const stageFiles = useCallback(async (files: readonly File[]) => {
    setError(null);
    for (const file of files) {
      const refusal = checkDocumentFile(file);
      if (refusal) {
        setError(refusal.message);
        notifyError(refusal, i18n.t("documents.refused"));
        continue;
      }
      const key = `upload-${++nextKey}`;
      setPending((p) => [...p, { key, name: file.name }]);
      try {
        const staged = await api.stageDocument(file);
        await onStagedRef.current({ ...staged, key, kind: guessDocumentKind(staged.mediaType, staged.name) });
      } catch (raw) {
        const e = normaliseError(raw);
        setError(errorText(e));
        notifyError(e, i18n.t("documents.addFailed", { name: file.name }));
      } finally {
        setPending((p) => p.filter((u) => u.key !== key));
      }
    }
  }, []);

  return { pending, busy: pending.length > 0, error, setError, stageFiles };
}
