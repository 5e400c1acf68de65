//! Who may see what: a case, its patient, its opinions, its billing, its chat and each
//! line of its timeline — and the case as each reader may hold it ([`redact_for`]).
//!
//! The ground floor of the rules: it reads the nouns (a case, a patient, an actor) and
//! imports nothing that decides, so every decider, the server's pull and the desktop's
//! reads ask the same questions here.

use std::collections::BTreeSet;

use crate::actor::{Actor, Role};
use crate::case::{AssignmentStatus, Case, CaseStatus};
use crate::ids::UserId;
use crate::patient::Patient;

/// Who may read a submitted opinion on a case they see: the coordinator and admins
/// always; a provider only their own, so that every second opinion stays independent
/// until the summary; the requester once the case is completed (with the final summary).
/// [docs/decisions.md]
pub fn can_read_opinion(case: &Case, actor: Actor, author: UserId) -> bool {
    match actor.role {
        Role::Coordinator | Role::Admin | Role::System => true,
        Role::Provider => author == actor.id,
        Role::Requester => case.status == CaseStatus::Completed,
    }
}

/// The people working on a case: its requester, its active coordinator and every
/// provider who has not declined. Appointments join two of them; chat is among them.
pub fn parties(case: &Case) -> BTreeSet<UserId> {
    viewers(case)
}

/// Who may see a case's money papers — its invoice and refund: the requester who pays,
/// and admins. Coordinators and providers do the medical work and see neither (a provider
/// sees a service record of its own work instead).
pub fn can_see_billing(case: &Case, actor: Actor) -> bool {
    match actor.role {
        Role::Admin | Role::System => true,
        Role::Requester => case.requester_id == actor.id,
        Role::Coordinator | Role::Provider => false,
    }
}

/// Whether `actor` may read the timeline line labelled `label` of `case`: every line of a
/// case they see, except the billing lines (invoice, refund) for those who do not see
/// billing.
pub fn can_read_timeline_line(case: &Case, actor: Actor, label: &str) -> bool {
    !is_billing_line(label) || can_see_billing(case, actor)
}

/// The case as `actor` may hold it on their computer: the opinions they may not read
/// ([`can_read_opinion`]) and the billing they may not see ([`can_see_billing`]) taken
/// out. The server sends only this; the desktop never stores more.
pub fn redact_for(mut case: Case, actor: Actor) -> Case {
    let readable: Vec<bool> = case
        .assignments
        .iter()
        .map(|a| can_read_opinion(&case, actor, a.provider_id))
        .collect();
    for (a, ok) in case.assignments.iter_mut().zip(readable) {
        if !ok {
            a.opinion = None;
        }
    }
    if !can_see_billing(&case, actor) {
        case.invoice = None;
        case.refund = None;
    }
    case
}

/// Whether `actor` may see `case` at all. A provider who declined no longer sees the case.
pub fn can_see(case: &Case, actor: Actor) -> bool {
    match actor.role {
        Role::Admin | Role::System => true,
        Role::Requester => case.requester_id == actor.id,
        Role::Coordinator => case.coordinator() == Some(actor.id),
        Role::Provider => case
            .assignment(actor.id)
            .is_some_and(|a| a.status != AssignmentStatus::Declined),
    }
}

/// Everyone besides admins (and the system) who may see the case now: its requester, its
/// active coordinator and every provider who has not declined. `can_see` for those roles
/// is membership in this set; the server indexes it to find a user's cases.
pub fn viewers(case: &Case) -> BTreeSet<UserId> {
    let mut v = BTreeSet::from([case.requester_id]);
    v.extend(case.coordinator());
    v.extend(
        case.assignments
            .iter()
            .filter(|a| a.status != AssignmentStatus::Declined)
            .map(|a| a.provider_id),
    );
    v
}

/// Whether `actor` may see `patient`: its requester, and admins. Coordinators and providers
/// see a patient only through a case they may see.
pub fn can_see_patient(patient: &Patient, actor: Actor) -> bool {
    match actor.role {
        Role::Admin | Role::System => true,
        Role::Requester => patient.owner_id == actor.id,
        Role::Coordinator | Role::Provider => false,
    }
}

/// Whether `actor` may read (and write in) `case`'s chat: its parties only — never an
/// admin, never the system, never a provider who declined.
pub fn can_read_chat(case: &Case, actor: Actor) -> bool {
    match actor.role {
        Role::Admin | Role::System => false,
        Role::Requester | Role::Coordinator | Role::Provider => {
            case.status != CaseStatus::Draft && parties(case).contains(&actor.id)
        }
    }
}

pub(crate) const INVOICE_ISSUED: &str = "Invoice issued";
pub(crate) const REFUND_ISSUED: &str = "Refund issued";
pub(crate) const REFUND_FAILED: &str = "Refund failed, will retry";

/// Whether a timeline line (by its label) is about money: the invoice or a refund. Such
/// lines are shown only to those who see the case's billing
/// ([`can_see_billing`]).
pub fn is_billing_line(label: &str) -> bool {
    [INVOICE_ISSUED, REFUND_ISSUED, REFUND_FAILED].contains(&label)
}
