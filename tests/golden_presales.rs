//! Golden calendars for leads that did not convert (docs/domain.md §4): the pre-sales
//! follow-up, the 611 plan and lead ownership, written by hand from the tables, not copied
//! from the program's output. Each line: `due step channel role`; tasks on one day are in
//! time-window order (09:00 `day` and `morning`, then 14:00 `afternoon`), then program,
//! then step id.
//!
//! The readings the rule files decide (rules/presales.json, plan-611.json,
//! lead-ownership.json): attributes `source` (phone | online | onsite), `outcome`
//! (not_booked | booked | no_show | visited_no_purchase), `visit` = first; calls are in
//! the afternoon, the visited-no-purchase callback in the morning; the second follow-up
//! counts from the first (+1 day) and the consultant picks its day up to D+30
//! (window `latest` P26D from D+4). 611: six messages on the 1st and 15th strictly after
//! the consultation day (the rule starts the day after), calls at D+45 and D+90 with a
//! ±3-day window. Lead ownership: a supervisor task 3 months after the latest `contacted`
//! fact, else after the consultation.
//!
//! Dates counted by hand (2 Mar 2026 is a Monday): Tue 10 Mar, Fri 13, Sat 14, Sun 15,
//! Tue 31 Mar 2026. D+45 and D+90 are counted through month lengths: March 31, April 30,
//! May 31 days.

use crate::support::{assert_calendar, builtin, episode, lines, plan};
use followup::{calendar::Calendar, plan::Plan, rules::Role};

fn of_program<'a>(p: &'a Plan, program: &str) -> Vec<&'a followup::plan::Task> {
    p.tasks.iter().filter(|t| t.program() == program).collect()
}

/// The built-in programs' plan of a consultation `id` at `at` (patient `p-<id>`, the
/// lead's `attributes` and `facts` as JSON members) for a clinic open every day but the
/// official holidays of 2020 (`--calendar cn-2020`).
fn lead_of_2020(id: &str, at: &str, attributes: &str, facts: &str) -> Plan {
    let json = format!(
        r#"{{"id": "{id}", "event": "consultation", "at": "{at}", "attributes": {{{attributes}}},
            "patient": {{"id": "p-{id}"}}, "facts": [{facts}]}}"#
    );
    let cal = Calendar::default().merge(&Calendar::china(2020).unwrap());
    crate::support::plan_on(&json, &cal.unwrap())
}

/// `step earliest..latest window` for the tasks of `step`.
fn windows(p: &Plan, step: &str) -> Vec<String> {
    p.tasks
        .iter()
        .filter(|t| t.step() == step)
        .map(|t| format!("{}..{} {}", t.earliest, t.latest, t.window))
        .collect()
}

/// An online lead who booked and did not come, Tue 10 Mar 2026 10:00.
/// Pre-sales: same-day thanks (sms) and call (booked, no show), first follow-up D+3
/// (Fri 13 Mar), second from D+4 (Sat 14 Mar) to D+30 (9 Apr: 10 Mar + 21 days is
/// 31 Mar, 9 more is 9 Apr), picked by the consultant.
/// 611 (consultation on the 10th): messages 15 Mar, 1 and 15 Apr, 1 and 15 May, 1 Jun;
/// D+45 = 31 Mar (+21) + 24 = 24 Apr; D+90 = 31 May (+82) + 8 = 8 Jun.
#[test]
fn presales_no_show_online_lead() {
    let p = plan(
        r#"{"id": "l-1", "event": "consultation", "at": "2026-03-10T10:00:00",
            "attributes": {"source": "online", "outcome": "no_show"}, "patient": {"id": "p-1"}}"#,
    );
    assert_calendar(
        &p,
        &[
            "2026-03-10 thanks-sms sms consultant", // same day, 09:00 window
            "2026-03-10 no-show-call phone consultant", // same day, afternoon
            "2026-03-13 first-follow-up phone consultant", // D+3
            "2026-03-14 second-follow-up phone consultant", // first + 1 = D+4
            "2026-03-15 message sms consultant",    // 611 #1: the 15th after the 10th
            "2026-04-01 message sms consultant",    // #2
            "2026-04-15 message sms consultant",    // #3
            "2026-04-24 day-45-call phone consultant", // D+45
            "2026-05-01 message sms consultant",    // #4
            "2026-05-15 message sms consultant",    // #5
            "2026-06-01 message sms consultant",    // #6
            "2026-06-08 day-90-call phone consultant", // D+90
        ],
    );
    assert!(p.dropped.is_empty(), "{:?}", p.dropped);
    assert_eq!(
        windows(&p, "no-show-call"),
        ["2026-03-10..2026-03-10 14:00-18:00"]
    );
    assert_eq!(
        windows(&p, "second-follow-up"),
        ["2026-03-14..2026-04-09 14:00-18:00"]
    );
    let second = p
        .tasks
        .iter()
        .find(|t| t.step() == "second-follow-up")
        .unwrap();
    assert_eq!(second.picked_by(), Some(Role::Consultant));
    assert!(p
        .tasks
        .iter()
        .filter(|t| t.step() != "second-follow-up")
        .all(|t| t.picked_by().is_none()));
}

/// An on-site lead at their first visit who bought nothing, Sun 15 Mar 2026 11:00.
/// Pre-sales: same-day thanks; D+1 (Mon 16 Mar) the morning callback and the first-visit
/// message (customer service); D+3 (Wed 18 Mar) the first follow-up; the second from
/// D+4 (Thu 19 Mar) to D+30 (14 Apr: 15 Mar + 16 = 31 Mar, + 14 = 14 Apr).
/// 611 (consultation on the 15th, so the 15 Mar message is not "after"): 1 and 15 Apr,
/// 1 and 15 May, 1 and 15 Jun; D+45 = 31 Mar (+16) + 29 = 29 Apr; D+90 = 31 May
/// (+77) + 13 = 13 Jun.
#[test]
fn presales_visited_no_purchase_onsite_first_visit() {
    let p = plan(
        r#"{"id": "l-2", "event": "consultation", "at": "2026-03-15T11:00:00",
            "attributes": {"source": "onsite", "outcome": "visited_no_purchase", "visit": "first"},
            "patient": {"id": "p-2"}}"#,
    );
    assert_calendar(
        &p,
        &[
            "2026-03-15 thanks-sms sms consultant",
            "2026-03-16 first-visit-sms sms customer_service", // day window 09:00
            "2026-03-16 visited-callback phone consultant",    // morning 09:00, step order
            "2026-03-18 first-follow-up-onsite phone consultant",
            "2026-03-19 second-follow-up-onsite phone consultant",
            "2026-04-01 message sms consultant",
            "2026-04-15 message sms consultant",
            "2026-04-29 day-45-call phone consultant",
            "2026-05-01 message sms consultant",
            "2026-05-15 message sms consultant",
            "2026-06-01 message sms consultant",
            "2026-06-13 day-90-call phone consultant",
            "2026-06-15 message sms consultant",
        ],
    );
    assert!(p.dropped.is_empty(), "{:?}", p.dropped);
    assert_eq!(
        windows(&p, "visited-callback"),
        ["2026-03-16..2026-03-16 09:00-12:00"]
    );
    assert_eq!(
        windows(&p, "second-follow-up-onsite"),
        ["2026-03-19..2026-04-14 14:00-18:00"]
    );
}

/// A phone lead who did not book, Tue 31 Mar 2026 16:00.
/// Pre-sales: same-day thanks; D+3 = Fri 3 Apr; the second from Sat 4 Apr to D+30 =
/// 30 Apr. 611 (consultation on the 31st: the 1 Apr message is the day after, so it
/// counts): 1 and 15 Apr, 1 and 15 May, 1 and 15 Jun; D+45 = 30 Apr (+30) + 15 = 15 May,
/// the same day as message #4, which comes first (09:00 before 14:00); D+90 = 30 Jun
/// (+91) - 1 = 29 Jun.
#[test]
fn presales_not_booked_phone_lead() {
    let p = plan(
        r#"{"id": "l-3", "event": "consultation", "at": "2026-03-31T16:00:00",
            "attributes": {"source": "phone", "outcome": "not_booked"}, "patient": {"id": "p-3"}}"#,
    );
    assert_calendar(
        &p,
        &[
            "2026-03-31 thanks-sms sms consultant",
            "2026-04-01 message sms consultant",
            "2026-04-03 first-follow-up phone consultant",
            "2026-04-04 second-follow-up phone consultant",
            "2026-04-15 message sms consultant",
            "2026-05-01 message sms consultant",
            "2026-05-15 message sms consultant",
            "2026-05-15 day-45-call phone consultant",
            "2026-06-01 message sms consultant",
            "2026-06-15 message sms consultant",
            "2026-06-29 day-90-call phone consultant",
        ],
    );
    assert!(p.dropped.is_empty(), "{:?}", p.dropped);
    assert_eq!(
        windows(&p, "second-follow-up"),
        ["2026-04-04..2026-04-30 14:00-18:00"]
    );
}

/// The 611 plan alone for consultations on the 10th, 14th, 15th and 31st: message days
/// (with their occurrence numbers 0-5) and the ±3-day windows of the two calls.
#[test]
fn plan_611_for_consultations_on_the_10th_14th_15th_and_31st() {
    let cases: [(&str, [&str; 6], &str, &str); 4] = [
        (
            "2026-03-10",
            [
                "2026-03-15",
                "2026-04-01",
                "2026-04-15",
                "2026-05-01",
                "2026-05-15",
                "2026-06-01",
            ],
            "2026-04-21..2026-04-27 due 2026-04-24", // D+45 = 24 Apr
            "2026-06-05..2026-06-11 due 2026-06-08", // D+90 = 8 Jun
        ),
        (
            // The day after the 14th is the 15th: that message counts.
            "2026-03-14",
            [
                "2026-03-15",
                "2026-04-01",
                "2026-04-15",
                "2026-05-01",
                "2026-05-15",
                "2026-06-01",
            ],
            "2026-04-25..2026-05-01 due 2026-04-28", // 14 Mar + 17 = 31 Mar, + 28
            "2026-06-09..2026-06-15 due 2026-06-12", // 14 Mar + 78 = 31 May, + 12
        ),
        (
            "2026-03-15",
            [
                "2026-04-01",
                "2026-04-15",
                "2026-05-01",
                "2026-05-15",
                "2026-06-01",
                "2026-06-15",
            ],
            "2026-04-26..2026-05-02 due 2026-04-29",
            "2026-06-10..2026-06-16 due 2026-06-13",
        ),
        (
            "2026-03-31",
            [
                "2026-04-01",
                "2026-04-15",
                "2026-05-01",
                "2026-05-15",
                "2026-06-01",
                "2026-06-15",
            ],
            "2026-05-12..2026-05-18 due 2026-05-15",
            "2026-06-26..2026-07-02 due 2026-06-29",
        ),
    ];
    for (day, messages, d45, d90) in cases {
        let p = plan(&format!(
            r#"{{"id": "l", "event": "consultation", "at": "{day}T10:00:00",
                "attributes": {{"source": "online", "outcome": "not_booked"}}, "patient": {{"id": "p"}}}}"#
        ));
        let tasks = of_program(&p, "plan-611");
        let got: Vec<(String, u32)> = tasks
            .iter()
            .filter(|t| t.step() == "message")
            .map(|t| (t.due.to_string(), t.occurrence))
            .collect();
        let want: Vec<(String, u32)> = messages
            .iter()
            .zip(0u32..)
            .map(|(d, n)| (d.to_string(), n))
            .collect();
        assert_eq!(got, want, "messages for a consultation on {day}");
        let call = |step: &str| {
            let t = tasks.iter().find(|t| t.step() == step).unwrap();
            assert_eq!(t.window.to_string(), "14:00-18:00");
            assert_eq!(
                (t.channel(), t.role()),
                (followup::rules::Channel::Phone, Role::Consultant)
            );
            format!("{}..{} due {}", t.earliest, t.latest, t.due)
        };
        assert_eq!(call("day-45-call"), d45, "consultation on {day}");
        assert_eq!(call("day-90-call"), d90, "consultation on {day}");
        assert_eq!(tasks.len(), 8, "consultation on {day}");
    }
}

/// A consultation that is not a lead (no outcome) gets neither pre-sales nor 611 tasks.
#[test]
fn consultation_without_an_unconverted_outcome_gets_nothing() {
    let p = plan(
        r#"{"id": "l-0", "event": "consultation", "at": "2026-03-10",
            "attributes": {"source": "online"}, "patient": {"id": "p-0"}}"#,
    );
    assert!(p.tasks.is_empty() && p.dropped.is_empty(), "{p:?}");
}

/// Lead ownership (seed 002): a lead handed to customer service with no contact for
/// 3 months goes to the supervisor. No contact at all: consultation Tue 10 Mar + 3 months
/// = 10 Jun.
#[test]
fn lead_ownership_without_contacts_counts_from_the_consultation() {
    let p = plan(
        r#"{"id": "l-4", "event": "consultation", "at": "2026-03-10T10:00:00",
            "attributes": {"source": "online", "outcome": "not_booked", "assigned_to": "customer_service"},
            "patient": {"id": "p-4"}}"#,
    );
    let got = crate::support::lines_with(&p, " reassign-stale-lead ");
    assert_eq!(got, ["2026-06-10 reassign-stale-lead internal supervisor"]);
    let t = of_program(&p, "lead-ownership")[0];
    assert_eq!(t.id(), "lead-ownership/reassign-stale-lead/l-4/0");
}

/// With contacts (listed out of order): the latest, 20 Apr, + 3 months = 20 Jul. A later
/// contact on 31 Mar alone would give 30 Jun (30 June is the last day of June).
#[test]
fn lead_ownership_counts_from_the_latest_contact() {
    let with = |facts: &str| {
        plan(&format!(
            r#"{{"id": "l-5", "event": "consultation", "at": "2026-03-10T10:00:00",
                "attributes": {{"source": "phone", "outcome": "not_booked", "assigned_to": "customer_service"}},
                "patient": {{"id": "p-5"}}, "facts": [{facts}]}}"#
        ))
    };
    let reassign = |p: &Plan| -> Vec<String> {
        of_program(p, "lead-ownership")
            .iter()
            .map(|t| format!("{} {}", t.due, t.step()))
            .collect()
    };
    let p = with(
        r#"{"kind": "contacted", "at": "2026-04-20T10:00:00", "channel": "phone"},
           {"kind": "contacted", "at": "2026-03-13T15:00:00", "channel": "phone"}"#,
    );
    assert_eq!(reassign(&p), ["2026-07-20 reassign-stale-lead"]);
    let p = with(r#"{"kind": "contacted", "at": "2026-03-31T15:00:00"}"#);
    assert_eq!(reassign(&p), ["2026-06-30 reassign-stale-lead"]);
    // Other fact kinds are not contacts.
    let p = with(r#"{"kind": "visited", "at": "2026-04-20T10:00:00"}"#);
    assert_eq!(reassign(&p), ["2026-06-10 reassign-stale-lead"]);
    // A lead that bought is not reassigned.
    let p = with(r#"{"kind": "converted", "at": "2026-05-02T10:00:00"}"#);
    assert!(reassign(&p).is_empty());
    assert!(p
        .dropped
        .iter()
        .any(|d| d.id() == "lead-ownership/reassign-stale-lead/l-5/0"
            && d.reason == followup::plan::DropReason::Stopped
            && d.detail.as_deref() == Some("converted")));
}

/// "Reassigned after 3 months without follow-up" (docs/domain.md §4): never before the 3
/// months are up. A lead of Wed 1 Jul 2020 with no contact: M+3 is Thu 1 Oct, the first
/// day of National Day and Mid-Autumn (1-8 Oct 2020, closed): the supervisor's task moves
/// to the first open day, Fri 9 Oct, and never expires (a stale lead is worth reassigning
/// late). Audit 20: it expired 7 days after its day, so no later day was in time and it
/// went back to Wed 30 Sep, before the lead was 3 months without contact.
#[test]
fn a_stale_lead_is_reassigned_after_a_long_holiday_not_before_it() {
    let handed_over =
        r#""source": "online", "outcome": "not_booked", "assigned_to": "customer_service""#;
    let p = lead_of_2020("l-7", "2020-07-01T10:00:00", handed_over, "");
    let reassign = crate::support::lines_with(&p, " reassign-stale-lead ");
    assert_eq!(
        reassign,
        ["2020-10-09 reassign-stale-lead internal supervisor <- 2020-10-01 (holiday)"]
    );
    assert_eq!(of_program(&p, "lead-ownership")[0].expires, None);
}

/// A lead the consultant keeps (not handed to customer service) is never reassigned.
#[test]
fn lead_ownership_only_for_leads_handed_to_customer_service() {
    let p = plan(
        r#"{"id": "l-6", "event": "consultation", "at": "2026-03-10",
            "attributes": {"source": "phone", "outcome": "not_booked", "assigned_to": "phone_consultant"},
            "patient": {"id": "p-6"}}"#,
    );
    assert!(of_program(&p, "lead-ownership").is_empty());
}

/// docs/domain.md §4: the second follow-up is "D+4 .. D+30". When the first follow-up (D+3,
/// Fri 13 Mar) falls on a closed day and moves to Sat 14 Mar, the second counts from the
/// moved day (Sun 15 Mar) and its window ends 26 days later, on 10 Apr = D+31: one day
/// past the month docs/domain.md gives.
#[test]
fn presales_second_follow_up_never_ends_after_day_30() {
    let cal = Calendar::from_json("cal", r#"{"closed_dates": ["2026-03-13"]}"#).unwrap();
    let ep = episode(
        r#"{"id": "l-7", "event": "consultation", "at": "2026-03-10T10:00:00",
            "attributes": {"source": "online", "outcome": "not_booked"}, "patient": {"id": "p-7"}}"#,
    );
    let p = builtin().plan(&ep, &cal).unwrap();
    let second = p
        .tasks
        .iter()
        .find(|t| t.step() == "second-follow-up")
        .unwrap();
    assert!(
        second.latest <= "2026-04-09".parse().unwrap(),
        "second follow-up window {}..{} ends after D+30 (2026-04-09)",
        second.earliest,
        second.latest
    );
}

/// docs/domain.md §4: reassign at last contact + 3 months. The consultation is itself a
/// contact, so a `contacted` fact from before it (1 Nov 2025, an earlier enquiry) must not
/// bring the reassignment before the consultation: expected 10 Mar + 3 months = 10 Jun.
/// Today `latest:contacted` takes the old fact and the supervisor task is due 1 Feb 2026,
/// five weeks before the consultation it is about.
#[test]
fn lead_ownership_ignores_contacts_before_the_consultation() {
    let p = plan(&contacted_lead("l-8", "2025-11-01T10:00:00"));
    assert_eq!(reassignment_days(&p), ["2026-06-10"]);
}

/// docs/domain.md §4: the D+3 first follow-up is for "all unconverted" leads. A lead whose
/// `source` is not recorded matches neither `first-follow-up` (phone, online) nor
/// `first-follow-up-onsite`, so it silently gets no follow-up call at all (only the
/// thanks message and the 611 plan).
#[test]
fn presales_lead_without_a_source_still_gets_a_day_3_follow_up() {
    let p = plan(
        r#"{"id": "l-9", "event": "consultation", "at": "2026-03-10T10:00:00",
            "attributes": {"outcome": "not_booked"}, "patient": {"id": "p-9"}}"#,
    );
    assert!(
        p.tasks
            .iter()
            .any(|t| t.program() == "presales" && t.due.to_string() == "2026-03-13"),
        "{:?}",
        crate::support::lines(&p)
    );
}

/// docs/domain.md §4, lead ownership, in the closed loop: "has had no follow-up for 3
/// months" counts from the last follow-up, and a follow-up call recorded in the history
/// is one. An online lead of Tue 10 Mar 2026 handed to customer service, with a
/// `contacted` fact on Fri 20 Mar (20 Jun without a history, as above). The history
/// records:
/// - the first follow-up (a call) done on 13 Mar — earlier than the fact, changes nothing;
/// - the 611 plan's D+45 call done on Fri 24 Apr at 15:00 — the last contact: the
///   reassignment is due 24 Apr + 3 months = Fri 24 Jul;
/// - a 611 message sent on 1 May, which is no conversation: it does not count (else every
///   lead on the 611 plan would stay "followed up" by its messages alone);
/// - a call unanswered on 5 May: no contact either.
#[test]
fn lead_ownership_counts_from_the_last_call_the_history_records() {
    let ep = episode(&contacted_lead("l-10", "2026-03-20T10:00:00"));
    let reassign = reassignment_days;
    let rules = builtin();
    assert_eq!(
        reassign(&rules.plan(&ep, &Calendar::default()).unwrap()),
        ["2026-06-20"]
    );
    let history = |outcomes: &str| {
        followup::history::History::from_json(
            "history",
            &format!(r#"{{"outcomes": [{outcomes}]}}"#),
        )
        .unwrap()
    };
    let done_13 = r#"{"task": "presales/first-follow-up/l-10/0", "outcome": "done", "at": "2026-03-13T15:00"}"#;
    let done_45 =
        r#"{"task": "plan-611/day-45-call/l-10/0", "outcome": "done", "at": "2026-04-24T15:00"}"#;
    let sms = r#"{"task": "plan-611/message/l-10/3", "outcome": "done", "at": "2026-05-01T10:00"}"#;
    let no_answer = r#"{"task": "plan-611/day-90-call/l-10/0", "outcome": "no_answer", "at": "2026-05-05T15:00"}"#;
    let plan = |h: &str| {
        rules
            .plan_with(&ep, &history(h), &Calendar::default())
            .unwrap()
    };
    assert_eq!(reassign(&plan(done_13)), ["2026-06-20"]);
    assert_eq!(
        reassign(&plan(&format!("{done_13}, {done_45}"))),
        ["2026-07-24"]
    );
    assert_eq!(
        reassign(&plan(&format!("{done_13}, {done_45}, {sms}, {no_answer}"))),
        ["2026-07-24"]
    );
    // A call of another episode (another lead of the patient) is not this lead's.
    let other =
        r#"{"task": "plan-611/day-45-call/l-11/0", "outcome": "done", "at": "2026-04-24T15:00"}"#;
    assert_eq!(reassign(&plan(other)), ["2026-06-20"]);
}

/// The days of the lead-ownership (reassignment) tasks of a plan.
fn reassignment_days(p: &Plan) -> Vec<String> {
    of_program(p, "lead-ownership")
        .iter()
        .map(|t| t.due.to_string())
        .collect()
}

/// An online lead of Tue 10 Mar 2026 who did not book, handed to customer service, with a
/// `contacted` fact at `contacted` (its patient is `p-` and the lead's number).
fn contacted_lead(id: &str, contacted: &str) -> String {
    let patient = id.replace("l-", "p-");
    format!(
        r#"{{"id": "{id}", "event": "consultation", "at": "2026-03-10T10:00:00",
            "attributes": {{"source": "online", "outcome": "not_booked", "assigned_to": "customer_service"}},
            "patient": {{"id": "{patient}"}}, "facts": [{{"kind": "contacted", "at": "{contacted}"}}]}}"#
    )
}

/// docs/domain.md §4 over a long closure (§9): an on-site first visit without purchase on
/// Thu 30 Apr 2026, 15:00, the day before Labour Day (1-5 May closed: the official
/// table). The clinic is open every other day (`callback_calendar --calendar cn-2026`).
/// - D+1 (Fri 1 May): the first-visit message goes out (messages go on holidays); the
///   next-morning callback has no day before the first follow-up's rule day (3 May) and
///   is superseded by it: two calls do not pile up after the break;
/// - D+3 (Sun 3 May, closed): the first follow-up moves to the first open day, Wed 6 May;
/// - the second follow-up's day is picked "from the first call", in D+4..D+30 (4-30 May):
///   from Thu 7 May, the day after the first call, to Sat 30 May. Before, the first
///   follow-up was dropped as superseded by the second, and the lead got the second
///   follow-up with no first.
#[test]
fn presales_first_follow_up_after_labour_day_comes_before_the_picked_one() {
    let cal = crate::support::clinic_with_china_2026("{}");
    let ep = episode(
        r#"{"id": "l-9", "event": "consultation", "at": "2026-04-30T15:00:00",
            "attributes": {"source": "onsite", "outcome": "visited_no_purchase", "visit": "first"},
            "patient": {"id": "p-9"}}"#,
    );
    let p = builtin().plan(&ep, &cal).unwrap();
    let presales: Vec<String> = lines(&p)
        .into_iter()
        .filter(|l| !l.contains(" message sms") && !l.contains("-call phone"))
        .collect();
    assert_eq!(
        presales,
        [
            "2026-04-30 thanks-sms sms consultant",
            "2026-05-01 first-visit-sms sms customer_service",
            "2026-05-06 first-follow-up-onsite phone consultant <- 2026-05-03 (holiday)",
            "2026-05-07 second-follow-up-onsite phone consultant <- 2026-05-04 (after_earlier_call)",
        ]
    );
    assert_eq!(
        windows(&p, "second-follow-up-onsite"),
        ["2026-05-07..2026-05-30 14:00-18:00"]
    );
    assert_eq!(
        crate::support::dropped(&p),
        ["presales/visited-callback/l-9/0 superseded first-follow-up-onsite 2026-05-01"]
    );
}

/// The same rule when the picked task's rule day is open (docs/rule-format.md: "a call
/// the calendar moves onto or past that day is not superseded by it"; audit of 6
/// December: only a closed rule day was swapped). An online lead not booked on Thu 5 Mar
/// 2026, 10:00, at a clinic closed on weekends: the first follow-up's D+3 is Sun 8 Mar,
/// so it moves to Mon 9 Mar — the second follow-up's rule day (D+4). The first call takes
/// it, and the second follow-up's window opens the day after, Tue 10 Mar, until D+30
/// (Sat 4 Apr). Before, the first follow-up was superseded and the lead got only the
/// second.
#[test]
fn presales_first_follow_up_moved_onto_the_picked_ones_open_day_takes_it() {
    let cal = crate::support::clinic_with_china_2026(r#"{"closed_on_weekends": true}"#);
    let ep = episode(
        r#"{"id": "l-5", "event": "consultation", "at": "2026-03-05T10:00:00",
            "attributes": {"source": "online", "outcome": "not_booked"},
            "patient": {"id": "p-5"}}"#,
    );
    let p = builtin().plan(&ep, &cal).unwrap();
    let follow_ups = crate::support::lines_with(&p, "follow-up");
    assert_eq!(
        follow_ups,
        [
            "2026-03-09 first-follow-up phone consultant <- 2026-03-08 (weekend)",
            "2026-03-10 second-follow-up phone consultant <- 2026-03-09 (after_earlier_call)",
        ]
    );
    assert_eq!(
        windows(&p, "second-follow-up"),
        ["2026-03-10..2026-04-04 14:00-18:00"]
    );
    assert!(!crate::support::dropped(&p)
        .iter()
        .any(|d| d.contains("follow-up")));
}

/// The first follow-up moved onto the picked one's rule day keeps the day it was moved
/// to once the history records it (audit 16: recorded, it went back to its closed rule
/// day, the second follow-up took the day of the call already made, and a call made on
/// the day the worklist gave was counted late).
/// - A phone lead, no-show, Sat 2 May 2026 (official calendar, clinic closed on Mondays
///   too): D+3 Tue 5 May is a holiday (1-5 May), so the first follow-up takes Wed 6 May,
///   the second follow-up's rule day (D+4), and the second opens on Thu 7 May, until
///   D+30, Mon 1 Jun. The first call made on 6 May at 14:00, done or not answered, keeps
///   6 May (`holiday`).
/// - An on-site lead, visited without buying, Fri 10 Apr: D+3 Mon 13 Apr is closed, so
///   the first follow-up takes Tue 14 Apr (D+4) and the second opens on Wed 15 Apr, until
///   Sun 10 May. Not answered on 14 Apr at 14:00: the same days.
#[test]
fn a_recorded_first_follow_up_keeps_the_day_the_picked_one_gave_it() {
    let cal = crate::support::clinic_with_china_2026(r#"{"closed_weekdays": ["Mon"]}"#);
    let follow_ups = |ep: &str, outcome: &str| {
        let ep = episode(ep);
        let first = if ep.attributes.get("source").map(String::as_str) == Some("onsite") {
            "first-follow-up-onsite"
        } else {
            "first-follow-up"
        };
        let h = followup::history::History::from_json(
            "history",
            &format!(
                r#"{{"outcomes": [{{"task": "presales/{first}/{}/0", {outcome}}}]}}"#,
                ep.id
            ),
        )
        .unwrap();
        let p = builtin().plan_with(&ep, &h, &cal).unwrap();
        let done = p.tasks.iter().find(|t| t.step() == first).unwrap();
        assert_eq!(
            done.record.as_ref().map(|r| r.at.time().to_string()),
            Some("14:00:00".into())
        );
        assert!(p.ignored.is_empty(), "{:?}", p.ignored);
        (
            crate::support::lines_with(&p, "follow-up"),
            windows(&p, &first.replace("first", "second")),
        )
    };
    let no_show = r#"{"id": "ep-26", "event": "consultation", "at": "2026-05-02T10:00",
        "attributes": {"outcome": "no_show", "source": "phone"}, "patient": {"id": "p-26"}}"#;
    for outcome in [
        r#""outcome": "done", "at": "2026-05-06T14:00""#,
        r#""outcome": "no_answer", "at": "2026-05-06T14:00""#,
    ] {
        assert_eq!(
            follow_ups(no_show, outcome),
            (
                vec![
                    "2026-05-06 first-follow-up phone consultant <- 2026-05-05 (holiday)".to_string(),
                    "2026-05-07 second-follow-up phone consultant <- 2026-05-06 (after_earlier_call)"
                        .to_string(),
                ],
                vec!["2026-05-07..2026-06-01 14:00-18:00".to_string()]
            ),
            "{outcome}"
        );
    }
    let onsite = r#"{"id": "ep-13", "event": "consultation", "at": "2026-04-10T16:00",
        "attributes": {"outcome": "visited_no_purchase", "source": "onsite"}, "patient": {"id": "p-13"}}"#;
    assert_eq!(
        follow_ups(onsite, r#""outcome": "no_answer", "at": "2026-04-14T14:00""#),
        (
            vec![
                "2026-04-14 first-follow-up-onsite phone consultant <- 2026-04-13 (closed_weekday)"
                    .to_string(),
                "2026-04-15 second-follow-up-onsite phone consultant <- 2026-04-14 (after_earlier_call)"
                    .to_string(),
            ],
            vec!["2026-04-15..2026-05-10 14:00-18:00".to_string()]
        )
    );
}

/// A fact counts against a call only before the call's own day (docs/rule-format.md
/// "Facts"), even when a closed day moved it. A first visit without purchase on Fri 1 Jan
/// 2010 at 02:09, at a clinic closed on Mondays (official 2010 calendar: 1-3 Jan New
/// Year's holiday); the lead buys on Wed 6 Jan at 10:00.
/// - the D+1 callback (Sat 2 Jan, a holiday) has no day before the first follow-up's rule
///   day (Mon 4 Jan): superseded by it;
/// - the first follow-up (Mon 4 Jan, closed) moves to Tue 5 Jan, 14:00-18:00, before the
///   purchase: it stays;
/// - the second follow-up's window (D+4..D+30) holds the purchase: stopped.
///
/// Audit 20: the callback held Tue 5 Jan in the first pass, the first follow-up was
/// pushed to Wed 6 Jan, after the purchase, and dropped `stopped`; the callback came back
/// in its place.
#[test]
fn a_purchase_after_a_moved_first_follow_up_does_not_stop_it() {
    let cal = Calendar::from_json("clinic.json", r#"{"closed_weekdays": ["Mon"]}"#)
        .and_then(|c| c.merge(&Calendar::china(2010)?))
        .unwrap();
    for fact in [
        r#"{"kind": "converted", "at": "2010-01-06T10:00"}"#,
        r#"{"kind": "declined", "at": "2010-01-06T10:00"}"#,
    ] {
        let ep = episode(&format!(
            r#"{{"id": "r2", "event": "consultation", "at": "2010-01-01T02:09",
                "attributes": {{"outcome": "visited_no_purchase", "visit": "first"}},
                "patient": {{"id": "p-r2"}}, "facts": [{fact}]}}"#
        ));
        let p = builtin().plan(&ep, &cal).unwrap();
        assert_eq!(
            crate::support::lines_with(&p, "follow-up"),
            ["2010-01-05 first-follow-up phone consultant <- 2010-01-04 (closed_weekday)"],
            "{fact}"
        );
        assert_eq!(
            windows(&p, "first-follow-up"),
            ["2010-01-05..2010-01-05 14:00-18:00"]
        );
        let presales: Vec<String> = crate::support::dropped_with(&p, "presales/");
        let stop = if fact.contains("converted") {
            "stopped converted"
        } else {
            "declined -"
        };
        assert_eq!(
            presales,
            [
                format!("presales/second-follow-up/r2/0 {stop} 2010-01-05"),
                "presales/visited-callback/r2/0 superseded first-follow-up 2010-01-02".to_string(),
            ],
            "{fact}"
        );
    }
}

/// The second follow-up a purchase stops inside its window (D+4..D+30) does not supersede
/// the first. An online lead who did not show up on Fri 2 Oct 2020 at 23:03 (official
/// 2020 calendar: 1-8 Oct, National Day and Mid-Autumn, closed), bought on Fri 23 Oct:
/// - the same-day call has nothing of the day left, and no day before the first
///   follow-up's rule day (Mon 5 Oct): superseded by it;
/// - the first follow-up (Mon 5 Oct, a holiday) moves to the first open day, Fri 9 Oct,
///   14:00-18:00, before the purchase: it stays;
/// - the second follow-up's window (6 Oct to 1 Nov) holds the purchase: stopped.
///
/// A first build of the fix above superseded the first follow-up by the stopped second.
#[test]
fn a_stopped_second_follow_up_does_not_supersede_the_first() {
    let p = lead_of_2020(
        "e713",
        "2020-10-02T23:03",
        r#""outcome": "no_show", "source": "online", "visit": "return""#,
        r#"{"kind": "converted", "at": "2020-10-23T17:24"}"#,
    );
    assert_eq!(
        crate::support::lines_with(&p, "follow-up"),
        ["2020-10-09 first-follow-up phone consultant <- 2020-10-05 (holiday)"]
    );
    assert_eq!(
        crate::support::dropped_with(&p, "presales/"),
        [
            "presales/no-show-call/e713/0 superseded first-follow-up 2020-10-02",
            "presales/second-follow-up/e713/0 stopped converted 2020-10-06",
        ]
    );
}

/// A call crowded out with no later call kept to cover it expires (docs/rule-format.md,
/// "Calls of one program never pile up"). An onsite lead who came on Fri 13 Feb 2026 at
/// 16:00 and did not buy (official 2026 calendar: Sat 14 Feb a working day, 15-23 Feb the
/// Spring Festival, closed), bought on Wed 18 Feb at 11:00:
/// - the next-morning call keeps Sat 14 Feb;
/// - the first follow-up (D+3, Mon 16 Feb, a holiday) could go back only to Sat 14 Feb,
///   the next-morning call's day, or on to Tue 24 Feb, past its last day (16 Feb + 7 =
///   Mon 23 Feb);
/// - the second follow-up (D+4, Tue 17 Feb, a holiday) would open on Tue 24 Feb, after
///   the purchase: stopped.
///
/// Without the purchase the second follow-up supersedes the first; with it, no call of
/// the lane is left, and the first follow-up is `expired` (audit 31: `superseded` with no
/// `detail`, and `--explain` blamed a later call that was not there), its `detail` the
/// closure of its day, as every `expired` drop's (audit 137: none).
#[test]
fn a_call_crowded_out_with_no_later_call_left_expires() {
    let cal = Calendar::default()
        .merge(&Calendar::china(2026).unwrap())
        .unwrap();
    let lead = |facts: &str| {
        crate::support::plan_on(
            &format!(
                r#"{{"id": "L3", "event": "consultation", "at": "2026-02-13T16:00:00",
                    "attributes": {{"source": "onsite", "outcome": "visited_no_purchase",
                                    "visit": "first"}},
                    "patient": {{"id": "p-L3"}}, "facts": [{facts}]}}"#
            ),
            &cal,
        )
    };
    let bought = lead(r#"{"kind": "converted", "at": "2026-02-18T11:00:00"}"#);
    let presales: Vec<String> = (bought.tasks.iter())
        .filter(|t| t.program() == "presales")
        .map(|t| format!("{} {}", t.due, t.step()))
        .collect();
    assert_eq!(
        presales,
        [
            "2026-02-13 thanks-sms",
            "2026-02-14 first-visit-sms",
            "2026-02-14 visited-callback"
        ]
    );
    assert_eq!(
        crate::support::dropped_with(&bought, "follow-up"),
        [
            "presales/first-follow-up-onsite/L3/0 expired holiday 2026-02-16",
            "presales/second-follow-up-onsite/L3/0 stopped converted 2026-02-17",
        ]
    );
    let first = (bought.dropped.iter()).find(|d| d.step() == "first-follow-up-onsite");
    assert_eq!(first.and_then(|d| d.superseded_by(&bought)), None);

    let open = lead("");
    assert_eq!(
        crate::support::lines_with(&open, "follow-up"),
        ["2026-02-24 second-follow-up-onsite phone consultant <- 2026-02-17 (holiday)"]
    );
    assert_eq!(
        crate::support::dropped_with(&open, "follow-up"),
        ["presales/first-follow-up-onsite/L3/0 superseded second-follow-up-onsite 2026-02-16"]
    );
}

/// docs/closed-loop.md: a task closed by an outcome is kept as it happened. A phone lead
/// not booked on Tue 10 Mar 2026: the first follow-up (D+3, Fri 13 Mar) is agreed for
/// Fri 20 Mar; the second follow-up (its window D+4..D+30: Sat 14 Mar to Thu 9 Apr) was
/// done on Mon 16 Mar. Done, it no longer waits for the day after the agreed first call:
/// it keeps its window from 14 Mar, so the call on 16 Mar was on time (audit of 6
/// December: it moved to 21 Mar, `after_earlier_call`, and its record contradicted it).
/// Not done, it still waits: from Sat 21 Mar.
#[test]
fn a_done_second_follow_up_keeps_its_window_after_an_agreed_first_call() {
    let ep = episode(
        r#"{"id": "ep-3001", "event": "consultation", "at": "2026-03-10T16:00:00",
            "attributes": {"source": "phone", "outcome": "not_booked"}, "patient": {"id": "p-61"}}"#,
    );
    let agreed = r#"{"task": "presales/first-follow-up/ep-3001/0", "outcome": "rescheduled", "at": "2026-03-13T15:00", "to": "2026-03-20T15:00"}"#;
    let done = r#"{"task": "presales/second-follow-up/ep-3001/0", "outcome": "done", "at": "2026-03-16T15:00"}"#;
    let second = |outcomes: &str| {
        let h = followup::history::History::from_json(
            "history",
            &format!(r#"{{"outcomes": [{outcomes}]}}"#),
        )
        .unwrap();
        let p = builtin().plan_with(&ep, &h, &Calendar::default()).unwrap();
        let t = (p.tasks.iter())
            .find(|t| t.id() == "presales/second-follow-up/ep-3001/0")
            .unwrap()
            .clone();
        (
            t.earliest.to_string(),
            t.due.to_string(),
            t.latest.to_string(),
            t.shifted,
        )
    };
    assert_eq!(
        second(&format!("{agreed}, {done}")),
        (
            "2026-03-14".into(),
            "2026-03-14".into(),
            "2026-04-09".into(),
            None
        )
    );
    assert_eq!(
        second(agreed),
        (
            "2026-03-21".into(),
            "2026-03-21".into(),
            "2026-04-09".into(),
            Some(followup::calendar::ShiftReason::AfterEarlierCall)
        )
    );
}

/// The message system closed from Mon 20 Jul to Sun 2 Aug 2026 (a clinic's `messages`
/// closed dates): a message planned in those days goes out on the first day messages do
/// (audit 8 of 6 December: the 611 messages and the thank-you SMS were kept on days
/// nothing is sent, and nothing said so). A lead not booked on Wed 15 Jul: the 611
/// messages are the first six 1sts and 15ths after it — 1 Aug (closed: Mon 3 Aug), 15 Aug,
/// 1 and 15 Sep, 1 and 15 Oct. A lead on Mon 20 Jul: its same-day thank-you is worth
/// sending until the next day only, and no message goes out by then: dropped, expired.
#[test]
fn messages_planned_while_the_message_system_is_closed_wait_for_it() {
    let closed: Vec<String> = (20..=31)
        .map(|d| format!("\"2026-07-{d}\""))
        .chain(["\"2026-08-01\"".into(), "\"2026-08-02\"".into()])
        .collect();
    let cal = Calendar::from_json(
        "c",
        &format!(
            r#"{{"messages": {{"closed_dates": [{}]}}}}"#,
            closed.join(", ")
        ),
    )
    .unwrap();
    let lead = |id: &str, at: &str| {
        let ep = episode(&format!(
            r#"{{"id": "{id}", "event": "consultation", "at": "{at}",
                "attributes": {{"source": "online", "outcome": "not_booked"}},
                "patient": {{"id": "p-{id}"}}}}"#
        ));
        builtin().plan(&ep, &cal).unwrap()
    };
    let p = lead("l-715", "2026-07-15T10:00:00");
    let messages = crate::support::lines_with(&p, " message sms");
    assert_eq!(
        messages,
        [
            "2026-08-03 message sms consultant <- 2026-08-01 (messages_closed)",
            "2026-08-15 message sms consultant",
            "2026-09-01 message sms consultant",
            "2026-09-15 message sms consultant",
            "2026-10-01 message sms consultant",
            "2026-10-15 message sms consultant",
        ]
    );
    let p = lead("l-720", "2026-07-20T10:00:00");
    assert!(!p.tasks.iter().any(|t| t.step() == "thanks-sms"));
    assert!(crate::support::dropped(&p)
        .contains(&"presales/thanks-sms/l-720/0 expired messages_closed 2026-07-20".to_string()));
}

/// The message "thank you for visiting us yesterday" goes to the first-visit leads who
/// came to the clinic the day before (seed 004: 给前日来院所有初诊顾客发送短信): those
/// seen onsite, and those who visited and bought nothing; not a lead who did not come,
/// nor a phone lead who booked a visit for another day (audit 232: a no-show was thanked
/// for a visit that never happened). Consultations on Tue 10 Mar 2026 at 10:00: the
/// message is due Wed 11 Mar.
#[test]
fn the_first_visit_message_goes_to_those_who_came_in() {
    let first_visit_sms = |source: &str, outcome: &str| -> Vec<String> {
        let p = plan(&format!(
            r#"{{"id": "l-fv", "event": "consultation", "at": "2026-03-10T10:00:00",
                "attributes": {{"source": "{source}", "outcome": "{outcome}", "visit": "first"}},
                "patient": {{"id": "p-fv"}}}}"#
        ));
        (p.tasks.iter())
            .filter(|t| t.step().starts_with("first-visit-sms"))
            .map(|t| format!("{} {} {}", t.due, t.step(), crate::support::ser(&t.role())))
            .collect()
    };
    for (source, outcome) in [
        ("online", "no_show"),
        ("online", "not_booked"),
        ("phone", "no_show"),
        ("phone", "booked"),
        ("online", "booked"),
    ] {
        assert_eq!(
            first_visit_sms(source, outcome),
            Vec::<String>::new(),
            "{source} {outcome}"
        );
    }
    for source in ["online", "phone", "onsite"] {
        assert_eq!(
            first_visit_sms(source, "visited_no_purchase"),
            ["2026-03-11 first-visit-sms customer_service"],
            "{source}"
        );
    }
    for outcome in ["not_booked", "booked"] {
        assert_eq!(
            first_visit_sms("onsite", outcome),
            ["2026-03-11 first-visit-sms-onsite customer_service"],
            "{outcome}"
        );
    }
}

/// The first follow-up and the second, picked from it, across the Spring Festival
/// closing of 2026 (15-23 Feb; Sat 14 Feb a make-up working day), docs/rule-format.md
/// "A staff-picked task": a call is not superseded by the picked task after it unless
/// that day is past a bound of the call, here its expiry (7 days after its rule day).
/// Onsite leads who visited and bought nothing, at 16:00:
/// - Fri 13 Feb: next-morning call Sat 14 (open); first follow-up rule day Mon 16,
///   expiring Mon 23, the closure's last day: no day for it, the second follow-up (rule
///   day Tue 17) on the reopening Tue 24, its window to 17 + 26 = 15 Mar, supersedes it;
/// - Sat 14 Feb: next-morning call Sun 15 (closed) superseded by the first follow-up,
///   whose rule day Tue 17 expires on Tue 24: it takes the 24th, and the second follow-up
///   the 25th (`after_earlier_call`), its window to 18 + 26 = 16 Mar (audit 232).
#[test]
fn the_first_follow_up_across_the_spring_festival() {
    let cal = crate::support::clinic_with_china_2026("{}");
    let lead = |at: &str| {
        crate::support::plan_on(
            &format!(
                r#"{{"id": "sf", "event": "consultation", "at": "{at}", "patient": {{"id": "p-sf"}},
                    "attributes": {{"source": "onsite", "outcome": "visited_no_purchase", "visit": "first"}}}}"#
            ),
            &cal,
        )
    };
    let calls = |p: &Plan| -> Vec<String> {
        (p.tasks.iter())
            .filter(|t| t.program() == "presales" && t.channel() == followup::rules::Channel::Phone)
            .map(|t| format!("{} {} ..{}", t.due, t.step(), t.latest))
            .chain(
                (p.dropped.iter())
                    .filter(|d| d.program() == "presales")
                    .map(|d| {
                        format!(
                            "- {} {:?} {}",
                            d.step(),
                            d.reason,
                            d.detail.as_deref().unwrap_or("")
                        )
                    }),
            )
            .collect()
    };
    assert_eq!(
        calls(&lead("2026-02-13T16:00:00")),
        [
            "2026-02-14 visited-callback ..2026-02-14",
            "2026-02-24 second-follow-up-onsite ..2026-03-15",
            "- first-follow-up-onsite Superseded second-follow-up-onsite",
        ]
    );
    assert_eq!(
        calls(&lead("2026-02-14T16:00:00")),
        [
            "2026-02-24 first-follow-up-onsite ..2026-02-24",
            "2026-02-25 second-follow-up-onsite ..2026-03-16",
            "- visited-callback Superseded first-follow-up-onsite",
        ]
    );
}
