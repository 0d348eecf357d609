//! Notices under the contact policy: `merge` takes a notice plan beside the patient's
//! other plans. Notices are of class `sales`: they give way to care, and are dropped
//! rather than break a cap.
//!
//! The patient: a plastic-surgery inpatient operated on Mon 2 March 2026 (episode ep-1).
//! Alone, their messages go out on 4 March (reassurance), 8 March (suture-removal
//! reminder) and 10 March (confirmation), which the default cap (three messages in any
//! seven days) keeps; under a cap of two (the tests of the cap's moves) the confirmation
//! moves to 11 March; calls on 3, 5, 8 and 17 March.

use super::*;
use followup::replan::{merge_plans, ContactPolicy, MergedPlan, PriorityClass};

/// One line per contact: `date channel: step, step <- moved from, …`, ` (over cap)` when
/// kept over a cap.
fn contacts(m: &MergedPlan) -> Vec<String> {
    m.contacts
        .iter()
        .filter(|c| c.date.to_string().as_str() <= "2026-03-17")
        .map(|c| {
            let reasons: Vec<String> = c
                .reasons
                .iter()
                .map(|r| match r.moved {
                    Some(mv) => format!("{} <- {}", r.task.step(), mv.from),
                    None => r.task.step().to_string(),
                })
                .collect();
            let over = if c.over_cap { " (over cap)" } else { "" };
            format!(
                "{} {}: {}{over}",
                c.date,
                ser(&c.channel),
                reasons.join(", ")
            )
        })
        .collect()
}

/// The inpatient's plan and the notices' plan, merged under `policy`.
fn merged(notice_json: &str, policy: &ContactPolicy) -> MergedPlan {
    merged_for(
        procedure("ep-1", "plastic", "inpatient"),
        notice_json,
        policy,
    )
}

/// A call notice due on the day of the M+1 care call, Thu 2 April 2026.
fn m1_call_notice() -> String {
    notice(
        "expert-call",
        "2026-04-02",
        r#""event_day": "2026-04-09", "channel": "phone", "audience": {"category": "plastic"}"#,
    )
}

/// The steps of each phone contact on Thu 2 April 2026.
fn calls_of_2_april(m: &MergedPlan) -> Vec<Vec<&str>> {
    (m.contacts.iter())
        .filter(|c| {
            c.date.to_string() == "2026-04-02" && c.channel == followup::rules::Channel::Phone
        })
        .map(|c| c.reasons.iter().map(|r| r.task.step()).collect())
        .collect()
}

/// The same for the episode `ep`.
fn merged_for(ep: Episode, notice_json: &str, policy: &ContactPolicy) -> MergedPlan {
    let rules = builtin();
    let cal = Calendar::default();
    let care = rules.plan(&ep, &cal).unwrap();
    let list = notices(&format!("[{notice_json}]"));
    let notes = plan_for(&ep.patient, std::slice::from_ref(&ep), &list, &cal);
    merge_plans(&[care, notes], policy, &cal)
}

#[test]
fn notices_are_sales_under_the_default_policy() {
    let p = ContactPolicy::default();
    assert_eq!(
        p.priority.class_of("notice", "expert-day"),
        PriorityClass::Sales
    );
    assert!(p.drop_over_cap.contains(&PriorityClass::Sales));
}

/// docs/domain.md §8: no selling in a callback while the patient has not recovered. A
/// call notice (sales) due Thu 5 Mar, the day of the D+3 care call after the surgery of
/// Mon 2 Mar, does not join that call (audit 10 of 6 December: one call, care and
/// promotion): it takes the next day of its window (on time until the day before its
/// event, 11 Mar) that the one-call-a-day cap allows, Fri 6 Mar. On the day of the M+1
/// care call (Thu 2 Apr), while the patient has not recovered (the further-needs call
/// still waits for `recovered`), it does not join that call either: Fri 3 Apr. Recovered
/// on 20 March, the patient may hear of it in that call: one call, the care call first.
#[test]
fn a_call_notice_never_joins_an_aftercare_call() {
    let m = merged(
        &notice(
            "expert-call",
            "2026-03-05",
            r#""event_day": "2026-03-12", "channel": "phone", "audience": {"category": "plastic"}"#,
        ),
        &ContactPolicy::default(),
    );
    let calls = contacts(&m)
        .into_iter()
        .filter(|c| c.starts_with("2026-03-05 phone") || c.starts_with("2026-03-06 phone"))
        .collect::<Vec<_>>();
    assert_eq!(
        calls,
        [
            "2026-03-05 phone: day-3-call",
            "2026-03-06 phone: expert-call <- 2026-03-05"
        ]
    );
    let m = merged(&m1_call_notice(), &ContactPolicy::default());
    let m1 = calls_of_2_april(&m);
    assert_eq!(m1, [["month-1-call"]]);
    let moved: Vec<String> = (m.contacts.iter())
        .filter(|c| c.reasons.iter().any(|r| r.task.step() == "expert-call"))
        .map(|c| format!("{} {}", c.date, c.reasons.len()))
        .collect();
    assert_eq!(moved, ["2026-04-03 1"]);
    let mut recovered = procedure("ep-1", "plastic", "inpatient");
    recovered.facts.push(followup::episode::Fact {
        kind: "recovered".into(),
        at: "2026-03-20T10:00:00".parse().unwrap(),
        channel: None,
    });
    let m = merged_for(recovered, &m1_call_notice(), &ContactPolicy::default());
    let m1 = calls_of_2_april(&m);
    assert_eq!(m1, [["month-1-call", "expert-call"]]);
}

/// Due Fri 6 March: 4 and 8 March already hold two messages in 2..8 March, and 7 March
/// breaks the same cap. On time until 13 March (its event is on the 14th), it could only
/// join the suture-removal reminder of 8 March, a reminder a week after the surgery: no
/// selling there (docs/domain.md §8; audit 13 of 6 December, it joined it). No other day
/// of its window keeps the two-in-seven-days cap (the 9th to the 13th all see the 8th and
/// the 11th): dropped, `frequency_cap`.
#[test]
fn a_message_notice_never_joins_a_reminder_and_is_dropped_over_the_cap() {
    let m = merged(
        &notice(
            "expert-sms",
            "2026-03-06",
            r#""event_day": "2026-03-14", "audience": {}"#,
        ),
        &crate::support::two_messages_a_week(),
    );
    let sms: Vec<String> = contacts(&m)
        .into_iter()
        .filter(|c| c.contains(" sms: "))
        .collect();
    assert_eq!(
        sms,
        [
            "2026-03-04 sms: day-2-reassurance-sms",
            "2026-03-08 sms: suture-removal-reminder",
            "2026-03-11 sms: suture-removal-followup <- 2026-03-10",
        ]
    );
    let notices: Vec<String> = (m.dropped.iter())
        .filter(|d| d.program() == "notice")
        .map(|d| format!("{} {}", d.step(), crate::support::ser(&d.reason)))
        .collect();
    assert_eq!(notices, ["expert-sms frequency_cap"]);
}

#[test]
fn a_message_notice_with_no_day_under_the_cap_is_dropped() {
    // A promotion with no event day is on time on its day only: 6 March breaks the cap,
    // so it is dropped (sales), not sent over the cap.
    let json = notice("promo-sms", "2026-03-06", r#""audience": {}"#);
    let m = merged(&json, &crate::support::two_messages_a_week());
    assert!(!contacts(&m).iter().any(|c| c.contains("promo-sms")));
    let dropped: Vec<String> = m
        .dropped
        .iter()
        .filter(|d| d.program() == "notice")
        .map(|d| {
            format!(
                "{} {} {}",
                d.id(),
                ser(&d.reason),
                d.detail.as_deref().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        dropped,
        ["notice/promo-sms/patient:p-1/0 frequency_cap sms"]
    );
    // A clinic that ranks its notices as care keeps them, over the cap; the aftercare
    // messages keep their days.
    let mut policy = crate::support::two_messages_a_week();
    policy
        .priority
        .classes
        .insert("notice".into(), PriorityClass::Care);
    let m = merged(&json, &policy);
    let sms: Vec<String> = contacts(&m)
        .into_iter()
        .filter(|c| c.contains(" sms: "))
        .collect();
    assert_eq!(
        sms,
        [
            "2026-03-04 sms: day-2-reassurance-sms",
            "2026-03-06 sms: promo-sms (over cap)",
            "2026-03-08 sms: suture-removal-reminder",
            "2026-03-11 sms: suture-removal-followup <- 2026-03-10",
        ]
    );
}
