-- Refunds (issue 4): the refund job looks, every few seconds, for the cancelled cases whose
-- refund is still owed (`state.refund.status` pending or failed). This partial index holds
-- just those, so the look costs nothing however many cases there are.
-- Forward-only: never edit; add a new file.
CREATE INDEX cases_open_refunds ON cases (seq)
    WHERE status = 'cancelled' AND state -> 'refund' ->> 'status' IN ('pending', 'failed');
