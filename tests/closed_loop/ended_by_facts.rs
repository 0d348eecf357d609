//! Tasks a fact ends after their day, whatever kept them until then (audit 77): every
//! task the history has not closed is worth doing until the day of a refusal, an
//! opt-out of its channel or a stop fact at the latest (`expires`, and `latest`), and a
//! supervisor's task about a call a fact ended before the task's day is left out. Days
//! worked out by hand from docs/closed-loop.md and docs/rule-format.md ("Facts").

use super::slips::laser_rows;
use super::*;

/// `(due, latest, expires)` of task `id` in `p`.
fn days(p: &Plan, id: &str) -> String {
    let t = task(p, id);
    let e = t.expires.map_or("-".to_string(), |e| e.to_string());
    format!("{} {} {e}", t.due, t.latest)
}

/// The plan of the episode `episode` (JSON) with the history `history` (JSON), by the
/// built-in rules on the default calendar.
/// A laser treatment on Mon 2 Mar 2026 at 10:00.
const LASER: &str = r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00",
    "attributes": {"category": "laser"}, "patient": {"id": "p-1"}}"#;

fn planned(episode: &str, history_json: &str) -> Plan {
    let ep = crate::support::episode(episode);
    (builtin().plan_with(&ep, &history(history_json), &Calendar::default())).unwrap()
}

/// The consultant's call after an abnormal recovery, not made, ends with a refusal
/// later that day: the laser of Mon 2 Mar 2026, an abnormal recovery reported on its
/// day-3 call on Thu 5 Mar at 10:00, the patient refusing (on the day-6 call, early) at
/// 10:30. The call is due 5 Mar and worth doing that day only (a week, to 12 Mar,
/// before); the doctor's visit, in person, is no call: on time 5-6 Mar, worth doing
/// for a week.
#[test]
fn the_consultants_call_after_an_abnormal_recovery_ends_with_a_refusal() {
    let p = laser_rows(&[
        (
            "laser-aftercare/day-3-call/ep-1/0",
            "abnormal_recovery",
            "2026-03-05T10:00",
        ),
        (
            "laser-aftercare/day-6-call/ep-1/0",
            "declined",
            "2026-03-05T10:30",
        ),
    ]);
    let call = "laser-aftercare/day-3-call/ep-1/0/abnormal-contact";
    assert_eq!(days(&p, call), "2026-03-05 2026-03-05 2026-03-05");
    let visit = "laser-aftercare/day-3-call/ep-1/0/doctor-visit";
    assert_eq!(days(&p, visit), "2026-03-05 2026-03-06 2026-03-12");
}

/// A call moved to an agreed time, not made then, ends with a refusal after it: the
/// laser's day-3 call agreed on Thu 5 Mar for Sat 7 Mar at 10:00; the patient refuses
/// on Mon 9 Mar. The call is due 7 Mar, worth doing until 9 Mar (a week from its day,
/// 14 Mar, before).
#[test]
fn an_agreed_call_not_made_ends_with_a_later_refusal() {
    let agreed = r#"{"outcomes": [
        {"task": "laser-aftercare/day-3-call/ep-1/0", "outcome": "rescheduled",
         "at": "2026-03-05T10:00", "to": "2026-03-07T10:00"},
        {"task": "laser-aftercare/day-6-call/ep-1/0", "outcome": "declined",
         "at": "2026-03-09T10:00"}]}"#;
    let p = super::slips::laser_with(agreed);
    assert_eq!(
        days(&p, "laser-aftercare/day-3-call/ep-1/0"),
        "2026-03-07 2026-03-07 2026-03-09"
    );
}

/// A second follow-up whose day the consultant picked ends with the purchase after it:
/// a lead who did not come to her consultation (Tue 10 Mar 2026), first followed up on
/// Fri 13 Mar, the second follow-up picked for Fri 20 Mar, on time to 9 Apr; she buys
/// on Wed 25 Mar before anyone calls. Worth doing until 25 Mar, and on time until then
/// (it stayed open work, "6 days overdue", until 9 April).
#[test]
fn a_picked_follow_up_ends_with_the_purchase_after_its_day() {
    let p = planned(
        r#"{"id": "ep-3001", "event": "consultation", "at": "2026-03-10T11:00:00",
            "attributes": {"source": "online", "outcome": "no_show", "assigned_to": "customer_service"},
            "patient": {"id": "p-61"}, "owners": {"consultant": "u-21"},
            "facts": [{"kind": "converted", "at": "2026-03-25T10:00"}]}"#,
        r#"{"outcomes": [
        {"task": "presales/first-follow-up/ep-3001/0", "outcome": "done", "at": "2026-03-13T15:00"},
        {"task": "presales/second-follow-up/ep-3001/0", "outcome": "picked",
         "at": "2026-03-13T15:00", "day": "2026-03-20"}]}"#,
    );
    assert_eq!(
        days(&p, "presales/second-follow-up/ep-3001/0"),
        "2026-03-20 2026-03-25 2026-03-25"
    );
}

/// The message after the last unanswered try ends with an SMS opt-out after it: the
/// laser's day-3 call tried three times on Thu 5 Mar (09:10, 11:15, 13:20), its message
/// due from 13:20 that day; the patient opts out of SMS at 14:00. Worth sending that day
/// only (3 days, to 8 Mar, before).
#[test]
fn the_message_after_the_last_try_ends_with_an_sms_opt_out() {
    let p = planned(
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00",
            "attributes": {"category": "laser"}, "patient": {"id": "p-1"},
            "facts": [{"kind": "opt_out", "channel": "sms", "at": "2026-03-05T14:00"}]}"#,
        r#"{"outcomes": [
        {"task": "laser-aftercare/day-3-call/ep-1/0", "outcome": "no_answer", "at": "2026-03-05T09:10"},
        {"task": "laser-aftercare/day-3-call/ep-1/0/attempt-2", "outcome": "no_answer", "at": "2026-03-05T11:15"},
        {"task": "laser-aftercare/day-3-call/ep-1/0/attempt-3", "outcome": "no_answer", "at": "2026-03-05T13:20"}]}"#,
    );
    assert_eq!(
        days(&p, "laser-aftercare/day-3-call/ep-1/0/message"),
        "2026-03-05 2026-03-05 2026-03-05"
    );
}

/// A message on time past the end of a refusal's horizon ends with it: the plastic
/// outpatient of Mon 2 Mar 2026; its month-6 message is due Wed 2 Sep, on time for
/// three days; the patient refused on Tue 3 Mar at 10:00, and messages go on for 6
/// months, until 3 Sep. Worth sending, and on time, until 3 Sep at the latest (it was
/// on time to 5 Sep and worth sending to 8 Sep).
#[test]
fn a_message_ends_with_the_refusals_horizon() {
    let ep = crate::support::episode(
        r#"{"id": "ep-2", "event": "procedure", "at": "2026-03-02T15:30",
            "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-2"}}"#,
    );
    let declined = |at: &str| {
        history(&format!(
            r#"{{"outcomes": [{{"task": "plastic-aftercare/day-1-call/ep-2/0", "outcome": "declined", "at": "{at}"}}]}}"#
        ))
    };
    let sms = "plastic-aftercare/month-6-sms/ep-2/0";
    let p = builtin()
        .plan_with(&ep, &declined("2026-03-03T10:00"), &Calendar::default())
        .unwrap();
    assert_eq!(days(&p, sms), "2026-09-02 2026-09-03 2026-09-03");
    // Refused a day earlier, on the day of the surgery: the horizon ends on 2 Sep, the
    // message's own day.
    let p = builtin()
        .plan_with(&ep, &declined("2026-03-02T18:00"), &Calendar::default())
        .unwrap();
    assert_eq!(days(&p, sms), "2026-09-02 2026-09-02 2026-09-02");
}

/// The consultant's call after an abnormal recovery, moved to an agreed time past a
/// refusal, is judged again on its new day and dropped, as any call is (audit 82): the
/// laser's day-3 call reports an abnormal recovery on Thu 5 Mar at 10:00, its call is
/// agreed at 12:00 for Mon 9 Mar at 10:00, and the patient refuses on Sat 7 Mar. The call
/// is dropped (`declined`), and the agreed time is reported as changing nothing
/// (`dropped`).
#[test]
fn the_consultants_call_agreed_past_a_refusal_is_dropped() {
    let call = "laser-aftercare/day-3-call/ep-1/0/abnormal-contact";
    let p = super::slips::laser_with(&format!(
        r#"{{"outcomes": [
        {{"task": "laser-aftercare/day-3-call/ep-1/0", "outcome": "abnormal_recovery", "at": "2026-03-05T10:00"}},
        {{"task": "{call}", "outcome": "rescheduled", "at": "2026-03-05T12:00", "to": "2026-03-09T10:00"}},
        {{"task": "laser-aftercare/day-6-call/ep-1/0", "outcome": "declined", "at": "2026-03-07T10:00"}}]}}"#
    ));
    assert!(!p.tasks.iter().any(|t| t.id() == call));
    super::slips::assert_dropped(&p, &format!("{call} declined - 2026-03-05"));
    assert_eq!(
        super::slips::ignored(&p),
        [format!("{call} rescheduled 2026-03-05 12:00:00 dropped #1")]
    );
}

/// What the history records made is kept whatever the patient refused before it, as a
/// rule's call is (docs/closed-loop.md: "An outcome that reached the patient is a
/// contact whatever becomes of its task"): the plastic outpatient of Mon 2 Mar 2026,
/// the patient refusing on Tue 3 Mar at 10:00. A follow-up staff added for Tue 24 Mar,
/// done at 11:00 that day, and the consultant's call after an abnormal recovery reported
/// on the day-6 call (Sun 8 Mar, 10:10), done at 10:40, stay in the plan, closed by their
/// `done` (audit 99: both were dropped `declined`, and the call's `done` listed as on
/// no task). Not recorded, the same calls are dropped.
#[test]
fn a_follow_up_and_an_abnormal_recoverys_call_made_after_a_refusal_stay_done() {
    let ep = r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00",
        "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-1"},
        "facts": [{"kind": "declined", "at": "2026-03-03T10:00"}]}"#;
    let follow_up = r#""follow_ups": [{"id": "photo-review", "due": "2026-03-24", "channel": "phone",
        "role": "onsite_consultant", "title": {"zh": "看照片", "en": "Photos"}}]"#;
    let abnormal = r#"{"task": "plastic-aftercare/day-6-call/ep-1/0", "outcome": "abnormal_recovery", "at": "2026-03-08T10:10"}"#;
    let made = r#"{"task": "follow-up/photo-review/ep-1/0", "outcome": "done", "at": "2026-03-24T11:00"},
        {"task": "plastic-aftercare/day-6-call/ep-1/0/abnormal-contact", "outcome": "done", "at": "2026-03-08T10:40"}"#;
    let p = planned(
        ep,
        &format!(r#"{{"outcomes": [{abnormal}, {made}], {follow_up}}}"#),
    );
    for id in [
        "follow-up/photo-review/ep-1/0",
        "plastic-aftercare/day-6-call/ep-1/0/abnormal-contact",
    ] {
        let t = task(&p, id);
        assert!(t.is_closed() && t.is_done(), "{id}");
    }
    assert!(p.ignored.is_empty(), "{:?}", p.ignored);
    let p = planned(ep, &format!(r#"{{"outcomes": [{abnormal}], {follow_up}}}"#));
    let reasons: Vec<String> = (p.dropped.iter())
        .filter(|d| d.id().contains("photo-review") || d.id().ends_with("/abnormal-contact"))
        .map(|d| format!("{} {}", d.id(), crate::support::ser(&d.reason)))
        .collect();
    assert_eq!(
        reasons,
        [
            "follow-up/photo-review/ep-1/0 declined",
            "plastic-aftercare/day-6-call/ep-1/0/abnormal-contact declined"
        ]
    );
    // An agreed time is no call made: after the refusal, it keeps neither (audit 102),
    // as it keeps no rule's call.
    let agreed = r#"{"task": "follow-up/photo-review/ep-1/0", "outcome": "rescheduled", "at": "2026-03-20T11:00", "to": "2026-03-25T10:00"},
        {"task": "plastic-aftercare/day-6-call/ep-1/0/abnormal-contact", "outcome": "rescheduled", "at": "2026-03-08T10:40", "to": "2026-03-08T17:00"}"#;
    let p = planned(
        ep,
        &format!(r#"{{"outcomes": [{abnormal}, {agreed}], {follow_up}}}"#),
    );
    let kept: Vec<String> = (p.tasks.iter())
        .filter(|t| t.id().contains("photo-review") || t.id().ends_with("/abnormal-contact"))
        .map(|t| t.id())
        .collect();
    assert!(kept.is_empty(), "{kept:?}");
    // Their agreed times changed nothing: each listed `dropped`, as on a dropped task
    // (audit 109: the consultant's call's was "no such task").
    let reasons: Vec<String> = (p.ignored.iter())
        .map(|i| format!("{} {}", i.task, i.reason.name()))
        .collect();
    assert_eq!(
        reasons,
        [
            "follow-up/photo-review/ep-1/0 dropped",
            "plastic-aftercare/day-6-call/ep-1/0/abnormal-contact dropped"
        ]
    );
    // Agreed before a refusal, for a day after it: judged again on the agreed day, and
    // dropped, as a rule's call (audit 104: it stayed open). Here the patient refuses on
    // Wed 25 Mar, between the follow-up's own day (24 Mar) and the agreed one (26 Mar).
    let ep_later = ep.replace("2026-03-03T10:00", "2026-03-25T10:00");
    let agreed = r#"{"task": "follow-up/photo-review/ep-1/0", "outcome": "rescheduled", "at": "2026-03-20T11:00", "to": "2026-03-26T15:00"}"#;
    let p = planned(
        &ep_later,
        &format!(r#"{{"outcomes": [{agreed}], {follow_up}}}"#),
    );
    assert!(!p.tasks.iter().any(|t| t.id().contains("photo-review")));
    let d = (p.dropped.iter()).find(|d| d.id().contains("photo-review"));
    assert_eq!(
        d.map(|d| crate::support::ser(&d.reason)).as_deref(),
        Some("declined")
    );
    assert_eq!(p.ignored.len(), 1, "{:?}", p.ignored);
}

/// An abnormal recovery reported on the plastic day-6 call (Sun 8 Mar 2026) at 18:30,
/// after the desk's hours: the consultant's call would go to the next morning — but the
/// consultant agrees with the patient on 19:30 that evening, and the patient refuses all
/// calls at 22:00. The call is judged at its agreed time, before the refusal: kept, due
/// the 8th at 19:30 (audit 110: judged at the next morning's moment, after the refusal,
/// it was dropped `declined`).
#[test]
fn the_consultants_call_agreed_before_a_later_refusal_is_kept() {
    let ep = r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00",
        "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-1"},
        "facts": [{"kind": "declined", "at": "2026-03-08T22:00"}]}"#;
    let history = r#"{"outcomes": [
        {"task": "plastic-aftercare/day-6-call/ep-1/0", "outcome": "abnormal_recovery", "at": "2026-03-08T18:30"},
        {"task": "plastic-aftercare/day-6-call/ep-1/0/abnormal-contact", "outcome": "rescheduled",
         "at": "2026-03-08T18:35", "to": "2026-03-08T19:30"}]}"#;
    let p = planned(ep, history);
    let t = task(&p, "plastic-aftercare/day-6-call/ep-1/0/abnormal-contact");
    assert_eq!(
        (t.due.to_string(), t.window.start.to_string()),
        ("2026-03-08".to_string(), "19:30:00".to_string())
    );
    assert!(p.ignored.is_empty(), "{:?}", p.ignored);
}

/// `earliest nominal due latest expires` of task `id` in `p`.
fn spans(p: &Plan, id: &str) -> String {
    let t = task(p, id);
    let e = t.expires.map_or("-".to_string(), |e| e.to_string());
    format!("{} {} {} {} {e}", t.earliest, t.nominal, t.due, t.latest)
}

/// A supervisor's check the history records done after a refusal that came before the
/// check's day stays, on the day it was done, which is its nominal day too (rule-format.md,
/// "Facts"; audit 115: it stayed on 4 March). The laser of Mon 2 Mar 2026: the day-1 call
/// on the 3rd, on time that day, its check on the 4th (`escalate_after: P1D`); the patient
/// refuses on the 3rd at 20:00, the supervisor records the check done on the 5th at 09:00.
/// A check is on time for two days and worth doing a week more: 5-7 Mar, to 14 Mar.
/// Without the record the check is left out.
#[test]
fn a_check_done_after_a_refusal_before_its_day_stays_on_the_day_done() {
    let ep = r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00",
        "attributes": {"category": "laser"}, "patient": {"id": "p-1"},
        "facts": [{"kind": "declined", "at": "2026-03-03T20:00:00"}]}"#;
    let check = "laser-aftercare/day-1-call/ep-1/0/overdue";
    let done = format!(
        r#"{{"outcomes": [{{"task": "{check}", "outcome": "done", "at": "2026-03-05T09:00", "by": "s-1"}}]}}"#
    );
    let p = planned(ep, &done);
    assert_eq!(
        spans(&p, check),
        "2026-03-05 2026-03-05 2026-03-05 2026-03-07 2026-03-14"
    );
    assert_eq!(task(&p, check).shifted, None);
    let p = planned(ep, r#"{"outcomes": []}"#);
    assert!(
        p.tasks.iter().all(|t| t.id() != check),
        "{}",
        ids(&p).join("\n")
    );
}

/// The same when the refusal is the call's own record (audit 129: the check came out on
/// the call's day, 3 March, closed by the refusal, and its `done` changed nothing); and
/// when the call was made that evening instead, the check recorded done anyway keeps its
/// own record, on its day (4 March, on time until the 6th), not the call's.
#[test]
fn a_check_done_after_its_call_closed_keeps_its_own_record() {
    let ep = LASER;
    let check = "laser-aftercare/day-1-call/ep-1/0/overdue";
    let history = |call: &str| {
        format!(
            r#"{{"outcomes": [
            {{"task": "laser-aftercare/day-1-call/ep-1/0", "outcome": "{call}", "at": "2026-03-03T20:00", "by": "u-3"}},
            {{"task": "{check}", "outcome": "done", "at": "2026-03-05T09:00", "by": "s-1"}}]}}"#
        )
    };
    for (call, spans_of_check) in [
        (
            "declined",
            "2026-03-05 2026-03-05 2026-03-05 2026-03-07 2026-03-14",
        ),
        (
            "done",
            "2026-03-04 2026-03-04 2026-03-04 2026-03-06 2026-03-13",
        ),
    ] {
        let p = planned(ep, &history(call));
        assert_eq!(spans(&p, check), spans_of_check, "{call}");
        let r = task(&p, check).record.as_deref().unwrap();
        assert_eq!(
            (r.outcome, r.at.to_string(), r.by.as_deref()),
            (
                followup::history::OutcomeKind::Done,
                "2026-03-05 09:00:00".to_string(),
                Some("s-1")
            ),
            "{call}"
        );
        assert!(p.ignored.is_empty(), "{call}: {:?}", p.ignored);
    }
}

/// The same for a wait's escalation, done before and after its rule's day: a skin course
/// of three sessions (2 and 16 March done, 30 March planned) at a clinic whose planning
/// call waits for recovery (`examples/rule-overrides/course-planning-waits.json`); the
/// call, due the day after the second session (17 March), waits a month for `recovered` and then goes
/// to the supervisor the day after the wait ends (nominal 17 April, due the 18th, on time
/// a week, worth doing a week more). The patient refuses on 10 April; the supervisor
/// records the escalation done on the 14th, or on the 22nd.
#[test]
fn an_escalation_done_after_a_refusal_before_its_day_stays_on_the_day_done() {
    let course = |facts: &str| {
        format!(
            r#"{{"id": "ep-1", "event": "course", "at": "2026-03-02T10:00:00",
            "attributes": {{"category": "skin", "procedure": "x"}}, "patient": {{"id": "p-1"}},
            "course": {{"package": 3, "done": ["2026-03-02", "2026-03-16"], "planned": ["2026-03-30"]}},
            "facts": [{facts}]}}"#
        )
    };
    let ep = &course(r#"{"kind": "declined", "at": "2026-04-10T09:00:00"}"#);
    let esc = "treatment-course/course-planning-call/ep-1/0/escalation";
    let rules = crate::support::course_planning_waits();
    let planned = |ep: &str, h: &str| {
        let ep = crate::support::read(&rules, ep);
        (rules.plan_with(&ep, &history(h), &Calendar::default())).unwrap()
    };
    let done = |at: &str| {
        format!(
            r#"{{"outcomes": [{{"task": "{esc}", "outcome": "done", "at": "{at}", "by": "s-1"}}]}}"#
        )
    };
    let p = planned(ep, &done("2026-04-14T10:00"));
    assert_eq!(
        spans(&p, esc),
        "2026-04-14 2026-04-14 2026-04-14 2026-04-21 2026-04-28"
    );
    let p = planned(ep, &done("2026-04-22T10:00"));
    assert_eq!(
        spans(&p, esc),
        "2026-04-22 2026-04-22 2026-04-22 2026-04-29 2026-05-06"
    );
    // Without the refusal, the escalation keeps its day, done early or late.
    let p = planned(&course(""), &done("2026-04-14T10:00"));
    assert_eq!(
        spans(&p, esc),
        "2026-04-18 2026-04-17 2026-04-18 2026-04-25 2026-05-02"
    );
}

/// With no fact, a recording moves no check: the laser of Mon 2 Mar 2026 has its day-1
/// call on the 3rd and the call's check on the 4th (`escalate_after: P1D`), on time to the
/// 6th, worth doing to the 13th. Recorded done the evening before (3 Mar 21:00), or on
/// the surgery's day, it stays on the 4th, done early (audit 117: it moved to the day
/// recorded). Only a check a later try moved past the day it was done goes back to that
/// day (audit 88).
#[test]
fn a_check_done_before_its_day_with_no_fact_stays_on_its_day() {
    use followup::replan::{compliance, CompliancePeriod, ComplianceStatus};
    let ep = r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T11:00:00",
        "attributes": {"category": "laser"}, "patient": {"id": "p-1"}}"#;
    let check = "laser-aftercare/day-1-call/ep-1/0/overdue";
    for at in ["2026-03-03T21:00", "2026-03-02T15:00"] {
        let done =
            format!(r#"{{"outcomes": [{{"task": "{check}", "outcome": "done", "at": "{at}"}}]}}"#);
        let p = planned(ep, &done);
        assert_eq!(
            spans(&p, check),
            "2026-03-04 2026-03-04 2026-03-04 2026-03-06 2026-03-13",
            "{at}"
        );
        let period = CompliancePeriod {
            from: "2026-03-01".parse().unwrap(),
            to: "2026-03-31".parse().unwrap(),
            as_of: "2026-03-31".parse().unwrap(),
        };
        let report = compliance(&p.tasks, &[], &period);
        let judged = report.tasks.iter().find(|c| c.task.id() == check).unwrap();
        assert_eq!(judged.status, ComplianceStatus::Early, "{at}");
    }
}

/// A check done before its first day, whose call a later try moved on, goes back to that
/// first day, the one it had when done (audit 121: it went to the tries' day, two days
/// after it was done). The laser of Mon 2 Mar 2026: the day-1 call (3 Mar) and its check
/// (4 Mar); the check recorded done on 3 Mar at 21:00, then the call tried unanswered on
/// 4 Mar at 10:00 (its second attempt that day would put the check on the 5th).
#[test]
fn a_check_done_before_its_first_day_goes_back_to_it_after_later_tries() {
    let ep = r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T11:00:00",
        "attributes": {"category": "laser"}, "patient": {"id": "p-1"}}"#;
    let check = "laser-aftercare/day-1-call/ep-1/0/overdue";
    let h = format!(
        r#"{{"outcomes": [
            {{"task": "{check}", "outcome": "done", "at": "2026-03-03T21:00"}},
            {{"task": "laser-aftercare/day-1-call/ep-1/0", "outcome": "no_answer", "at": "2026-03-04T10:00"}}]}}"#
    );
    let p = planned(ep, &h);
    assert_eq!(
        spans(&p, check),
        "2026-03-04 2026-03-04 2026-03-04 2026-03-06 2026-03-13"
    );
}

/// A day agreed with no time (`"to": "2026-03-05"`, which reads as midnight) keeps the
/// step's time of day that day (audit 138: the call was due 00:00-01:00, past every
/// opening and quiet hour). The laser of Mon 2 Mar 2026: its day-3 call (Thu 5 Mar,
/// 09:00-18:00) rescheduled on the 4th to Fri 6 Mar: due the 6th, 09:00-18:00; an hour
/// agreed (`T16:30`) gives 16:30-17:30 as before.
#[test]
fn a_day_agreed_with_no_time_keeps_the_steps_time() {
    let ep = LASER;
    let call = "laser-aftercare/day-3-call/ep-1/0";
    // `due window` of the call rescheduled at `at` to `to`.
    let agreed = |at: &str, to: &str| {
        let h = format!(
            r#"{{"outcomes": [{{"task": "{call}", "outcome": "rescheduled", "at": "{at}", "to": "{to}"}}]}}"#
        );
        let p = planned(ep, &h);
        let t = task(&p, call);
        format!("{} {}", t.due, t.window)
    };
    assert_eq!(
        agreed("2026-03-04T15:00", "2026-03-06"),
        "2026-03-06 09:00-18:00"
    );
    assert_eq!(
        agreed("2026-03-04T15:00", "2026-03-06T16:30"),
        "2026-03-06 16:30-17:30"
    );
    // A day alone for the day recorded is that day (audit 142: refused as "before", naming
    // a `T00:00` nobody wrote), from the outcome on (audit 146: from 09:00, before it was
    // agreed), the seconds rounded up as for an event.
    assert_eq!(
        agreed("2026-03-05T10:00", "2026-03-05"),
        "2026-03-05 10:00-18:00"
    );
    assert_eq!(
        agreed("2026-03-05T16:29:30", "2026-03-05"),
        "2026-03-05 16:30-18:00"
    );
    // Agreed after the day's window: the next morning, as a task the event left no time
    // for (docs/domain.md §9), Fri 6 Mar 09:00-12:00 — not late the moment it is agreed
    // (audit 146: due 09:00-18:00 that day, overdue the next).
    for at in ["2026-03-05T19:00", "2026-03-05T17:59:30"] {
        assert_eq!(agreed(at, "2026-03-05"), "2026-03-06 09:00-12:00", "{at}");
    }
    // The same for a task with no step of its own, the day-1 call's supervisor check
    // (Wed 4 Mar, 09:00-18:00): agreed at 12:00 for its day, from 12:00; at 19:00, the
    // next day, its own window.
    let check = "laser-aftercare/day-1-call/ep-1/0/overdue";
    let agreed_check = |at: &str| {
        let h = format!(
            r#"{{"outcomes": [{{"task": "{check}", "outcome": "rescheduled", "at": "{at}", "to": "2026-03-04"}}]}}"#
        );
        let p = planned(ep, &h);
        let t = task(&p, check);
        format!("{} {}", t.due, t.window)
    };
    assert_eq!(agreed_check("2026-03-04T12:00"), "2026-03-04 12:00-18:00");
    assert_eq!(agreed_check("2026-03-04T19:00"), "2026-03-05 09:00-18:00");
}

/// Only an outcome that says the check happened records it (docs/closed-loop.md,
/// "Supervisors' checks"): the laser day-1 call of Mon 2 Mar 2026 made on its day, the 3rd
/// at 10:00, leaves its check (due the 4th) out, and a `note` or a `busy` on the check
/// changes nothing (audit 167: the note brought it back as open work). A complaint logged
/// Fri 27 Feb 2026 at 11:00: its first call that day, tried unanswered on Mon 2 Mar at
/// 08:02 and tried again that day (`…/attempt-2`), has its check a day after the attempt's
/// day, Tue 3 Mar; a `busy` on the check on Sat 28 Feb does not pin it there (audit 167:
/// it went back to that day).
#[test]
fn a_note_or_an_unanswered_try_on_a_check_records_nothing() {
    let check = "laser-aftercare/day-1-call/ep-1/0/overdue";
    for extra in ["note", "busy"] {
        let h = format!(
            r#"{{"outcomes": [
            {{"task": "laser-aftercare/day-1-call/ep-1/0", "outcome": "done", "at": "2026-03-03T10:00"}},
            {{"task": "{check}", "outcome": "{extra}", "at": "2026-03-04T09:00"}}]}}"#
        );
        let p = planned(LASER, &h);
        assert!(
            p.tasks.iter().all(|t| t.id() != check),
            "{extra}: {}",
            ids(&p).join("\n")
        );
    }
    let complaint = r#"{"id": "ep-1", "event": "complaint", "at": "2026-02-27T11:00:00",
        "attributes": {"severity": "normal"}, "patient": {"id": "p-1"}}"#;
    let first = "complaint/first-call/ep-1/0";
    let tried =
        format!(r#"{{"task": "{first}", "outcome": "no_answer", "at": "2026-03-02T08:02"}}"#);
    let without = planned(complaint, &format!(r#"{{"outcomes": [{tried}]}}"#));
    let check = format!("{first}/overdue");
    assert_eq!(task(&without, &check).due.to_string(), "2026-03-03");
    let with = planned(
        complaint,
        &format!(
            r#"{{"outcomes": [{tried}, {{"task": "{check}", "outcome": "busy", "at": "2026-02-28T12:31"}}]}}"#
        ),
    );
    assert_eq!(task(&with, &check).due.to_string(), "2026-03-03");
}
