-- Payments (issue 4): each case's payment link, and every payment-provider callback event,
-- kept once. Forward-only: never edit; add a new file.

-- The link a case's requester pays through: made on the first ask while the case awaits
-- payment, then asked of the provider again with this one as `existing` (a provider keeps
-- a link while it is good), so a coordinator change keeps the same link.
CREATE TABLE payment_links (
    case_id      uuid PRIMARY KEY REFERENCES cases (id),
    provider     text NOT NULL,
    link_id      text NOT NULL,
    url          text NOT NULL,
    amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
    currency     text NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);

-- Every verified callback event, by the provider's event id: a retried or replayed
-- callback finds its id here and changes nothing. `result` says what the event did:
--   applied          RecordPayment was accepted (`command_id` names it);
--   refused          the rules refused it (`refusal`: their code, e.g. `invalid_status`
--                    when the case was cancelled meanwhile: that money is owed back);
--   amount_mismatch  it paid another amount or currency than the case asks: not applied;
--   unknown_case     no such case here.
CREATE TABLE payment_events (
    event_id     text PRIMARY KEY,
    provider     text NOT NULL,
    case_id      uuid NOT NULL,
    link_id      text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('succeeded', 'failed')),
    reference    text,
    amount_minor bigint NOT NULL,
    currency     text NOT NULL,
    happened_at  timestamptz NOT NULL,
    received_at  timestamptz NOT NULL,
    result       text NOT NULL
                 CHECK (result IN ('applied', 'refused', 'amount_mismatch', 'unknown_case')),
    refusal      text,
    command_id   uuid REFERENCES commands (command_id)
);
CREATE INDEX payment_events_case ON payment_events (case_id);
