//! Every category docs/domain.md names gets follow-up from the built-in programs (docs/domain.md
//! §1-§3): plastic surgery its own schedule (`golden.rs`), laser its own, and the
//! per-session categories the per-session schedule — as a course of one for a single
//! session. Written by hand from docs/domain.md §3; 8 Apr 2026 is a Wednesday.

use crate::support::{assert_calendar, builtin, episode};
use followup::calendar::Calendar;

/// The per-session schedule as a course of one, for a session on Wed 8 Apr 2026 at 15:00
/// and a review visit on Wed 6 May (seed 004, skin centre):
/// - the course ends the day after its last session: thanks on Thu 9 Apr;
/// - reassurance message D+2 (Fri 10), the doctor's assistant's care call D+3 (Sat 11);
/// - a reminder the day before the review visit (Tue 5 May, by the nurse), thanks the day
///   after it (Thu 7 May);
/// - care calls one, two and three months after the course end: 9 May, 9 Jun, 9 Jul.
const SINGLE_SESSION: [&str; 8] = [
    "2026-04-09 thanks-sms sms customer_service",
    "2026-04-10 reassurance-sms sms customer_service",
    "2026-04-11 care-call phone doctor_assistant",
    "2026-05-05 review-reminder sms nurse",
    "2026-05-07 review-thanks-sms sms customer_service",
    "2026-05-09 month-1-call phone customer_service",
    "2026-06-09 month-2-call phone customer_service",
    "2026-07-09 month-3-call phone customer_service",
];

#[test]
fn every_per_session_category_gets_the_per_session_schedule_for_one_session() {
    for category in [
        "skin",
        "dental",
        "non_invasive",
        "injection",
        "peel",
        "microneedling",
        "thread_lift",
    ] {
        let p = builtin()
            .plan(
                &episode(&format!(
                    r#"{{"id": "s-1", "event": "procedure", "at": "2026-04-08T15:00:00",
                        "attributes": {{"category": "{category}"}}, "patient": {{"id": "p-1"}},
                        "milestones": {{"review_visit": "2026-05-06"}}}}"#
                )),
                &Calendar::default(),
            )
            .unwrap();
        let programs: Vec<&str> = p.programs.iter().map(|x| &**x).collect();
        assert_eq!(programs, ["session-aftercare"], "{category}");
        assert_calendar(&p, &SINGLE_SESSION);
        assert!(p.dropped.is_empty(), "{category}: {:?}", p.dropped);
    }
}

/// Each of the nine categories plans something, and which program does it.
#[test]
fn every_category_domain_md_names_applies_a_program() {
    let expected = [
        ("plastic", "plastic-aftercare"),
        ("laser", "laser-aftercare"),
        ("skin", "session-aftercare"),
        ("dental", "session-aftercare"),
        ("non_invasive", "session-aftercare"),
        ("injection", "session-aftercare"),
        ("peel", "session-aftercare"),
        ("microneedling", "session-aftercare"),
        ("thread_lift", "session-aftercare"),
    ];
    for (category, program) in expected {
        let p = builtin()
            .plan(
                &episode(&format!(
                    r#"{{"id": "s-1", "event": "procedure", "at": "2026-04-08",
                        "attributes": {{"category": "{category}"}}, "patient": {{"id": "p-1"}}}}"#
                )),
                &Calendar::default(),
            )
            .unwrap();
        let programs: Vec<&str> = p.programs.iter().map(|x| &**x).collect();
        assert_eq!(programs, [program], "{category}");
        assert!(!p.tasks.is_empty(), "{category}");
    }
}

/// A newly assigned customer (seed 003): the specialist gets in touch within a week —
/// from the day after the assignment (Tue 2 Jun) to a week after it (Mon 8 Jun); and,
/// with no follow-up for 3 months, the supervisor reassigns the customer (seed 002,
/// customer-service rule 5: Tue 1 Sep).
#[test]
fn a_newly_assigned_customer_is_contacted_within_a_week() {
    let p = builtin()
        .plan(
            &episode(
                r#"{"id": "as-1", "event": "assignment", "at": "2026-06-01T09:00:00",
                    "patient": {"id": "p-70"}}"#,
            ),
            &Calendar::default(),
        )
        .unwrap();
    assert_calendar(
        &p,
        &[
            "2026-06-02 first-contact phone customer_service",
            "2026-09-01 reassign-stale-customer internal supervisor",
        ],
    );
    assert_eq!(p.tasks[0].latest.to_string(), "2026-06-08");
    // A contact on the day of the assignment is within the week too (audit 267: it was
    // early).
    assert_eq!(p.tasks[0].earliest.to_string(), "2026-06-01");
    // Assigned on Sat 14 Mar at a clinic closed on Sundays: the first day moves to Mon
    // 16 Mar, and the week still ends on Sat 21 Mar, a week after the assignment (audit
    // 229: the window followed the move, to the 22nd).
    let sundays = Calendar::from_json("clinic.json", r#"{"closed_weekdays": ["Sun"]}"#).unwrap();
    let p = builtin()
        .plan(
            &episode(
                r#"{"id": "as-2", "event": "assignment", "at": "2026-03-14T09:00:00",
                    "patient": {"id": "p-71"}}"#,
            ),
            &sundays,
        )
        .unwrap();
    let t = &p.tasks[0];
    assert_eq!(
        (t.due.to_string(), t.latest.to_string()),
        ("2026-03-16".to_string(), "2026-03-21".to_string())
    );
}
