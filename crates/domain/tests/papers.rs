//! Who may have a case's papers: the report of a completed case and its invoice. Every
//! role against every fixture, in the rules' order (`not_found`, `forbidden`,
//! `invalid_status`).

mod support;

use domain::decide::{check_invoice, check_report};
use domain::{Actor, Case, Invoice, RefusalCode};
use support::*;

const EVERYONE: [Actor; 12] = [
    OWNER,
    OTHER_REQUESTER,
    COORD,
    FORMER_COORD,
    OTHER_COORD,
    P_DONE,
    P_DECLINED,
    P_OUTSIDER,
    ADMIN,
    SYSTEM,
    P_IN_PROGRESS,
    P_ASSIGNED,
];

fn code<T>(r: Result<T, domain::Refusal>) -> Option<RefusalCode> {
    r.err().map(|r| r.code)
}

fn invoiced(mut case: Case) -> Case {
    case.invoice = Some(Invoice {
        number: "INV-2026-00001".into(),
        amount_minor: PRICE_MINOR,
        currency: CURRENCY.into(),
        payment_reference: Some("PAY-1001".into()),
        issued_at: base_time(),
    });
    case
}

#[test]
fn the_report_is_for_the_requester_the_coordinator_and_admins_once_completed() {
    let done = completed();
    let case = done.case();
    for who in EVERYONE {
        let expected = match who {
            OWNER | COORD | ADMIN | SYSTEM => None,
            // A provider on the case sees it, but the report holds the others' opinions.
            P_DONE => Some(RefusalCode::Forbidden),
            // Not on this case (or declined, or replaced): as if it did not exist.
            _ => Some(RefusalCode::NotFound),
        };
        assert_eq!(
            code(check_report(Some(case), who)),
            expected,
            "{who:?} and the completed case's report"
        );
    }
    assert_eq!(
        code(check_report(None, ADMIN)),
        Some(RefusalCode::NotFound),
        "a case that does not exist"
    );

    for (name, story) in [
        ("draft", draft()),
        ("submitted", submitted()),
        ("under review", under_review()),
        ("opinions in", opinions_in()),
        ("cancelled", cancelled()),
        ("rejected", rejected()),
    ] {
        for who in [OWNER, COORD, ADMIN] {
            let refusal = check_report(Some(story.case()), who);
            match who {
                COORD if matches!(name, "draft" | "submitted" | "rejected") => assert_eq!(
                    code(refusal),
                    Some(RefusalCode::NotFound),
                    "no coordinator yet on a {name} case"
                ),
                _ => {
                    let r = refusal.expect_err("only a completed case has a report");
                    assert_eq!(r.code, RefusalCode::InvalidStatus, "{name}, {who:?}");
                    assert!(
                        r.message.contains("completed"),
                        "the refusal says when the report comes: {}",
                        r.message
                    );
                }
            }
        }
    }
    let reviewing = under_review();
    assert_eq!(
        code(check_report(Some(reviewing.case()), P_DONE)),
        Some(RefusalCode::Forbidden),
        "a provider is refused for the role before the status"
    );
}

#[test]
fn the_invoice_is_for_those_who_see_the_billing_once_issued() {
    let case = invoiced(completed().case().clone());
    for who in EVERYONE {
        let expected = match who {
            OWNER | ADMIN | SYSTEM => None,
            COORD | P_DONE => Some(RefusalCode::Forbidden),
            _ => Some(RefusalCode::NotFound),
        };
        assert_eq!(
            code(check_invoice(Some(&case), who)),
            expected,
            "{who:?} and the invoice"
        );
    }
    let (_, invoice) = check_invoice(Some(&case), OWNER).expect("the requester's invoice");
    assert_eq!(invoice.number, "INV-2026-00001");

    let not_yet = opinions_in();
    assert_eq!(
        code(check_invoice(Some(not_yet.case()), OWNER)),
        Some(RefusalCode::InvalidStatus),
        "no invoice before completion"
    );
    assert_eq!(
        code(check_invoice(Some(not_yet.case()), COORD)),
        Some(RefusalCode::Forbidden),
        "the coordinator is refused for the billing whatever the status"
    );
}
