//! A call made ends the earlier calls of its lane still open (audit 232): the later
//! call's script covers the patient's later state, so an earlier call is worth doing
//! until the day before it at the latest — then `expired`, not overdue work (and still
//! not done for compliance). A refusal is not such a call: it ends the calls at its
//! moment (`stopped_calls.rs`).

use super::*;
use followup::plan::Status;

/// An onsite lead seen on Wed 11 Mar 2026 at 16:00, visited and bought nothing
/// (rules/presales.json): the next-morning call on Thu 12 Mar (09:00-12:00, expiring
/// seven days later, on the 19th), the first follow-up on Sat 14 Mar (D+3) — made at
/// 15:00 that day, the second follow-up's day picked for the 25th. The next-morning
/// call, never made, is worth doing until Fri 13 Mar: expired from the 14th, no longer
/// overdue work to the 19th. The thank-you message (another lane) and the second
/// follow-up (after the call made) keep their days.
#[test]
fn a_call_made_ends_the_earlier_calls_of_its_lane() {
    let episode = r#"{"id": "E14", "event": "consultation", "at": "2026-03-11T16:00:00",
        "attributes": {"source": "onsite", "outcome": "visited_no_purchase", "visit": "first"},
        "patient": {"id": "p-E14"}}"#;
    let history = r#"{"outcomes": [
        {"task": "presales/first-follow-up-onsite/E14/0", "outcome": "done", "at": "2026-03-14T15:00:00"},
        {"task": "presales/second-follow-up-onsite/E14/0", "outcome": "picked", "at": "2026-03-14T15:05:00",
         "day": "2026-03-25"}]}"#;
    let call_days = |p: &Plan| days(task(p, "presales/visited-callback/E14/0"));
    let before = builtin_plan(episode, r#"{"outcomes": []}"#);
    assert_eq!(
        call_days(&before),
        "2026-03-12..2026-03-12 expires 2026-03-19"
    );
    let mut p = builtin_plan(episode, history);
    assert_eq!(call_days(&p), "2026-03-12..2026-03-12 expires 2026-03-13");
    let call = task(&p, "presales/visited-callback/E14/0");
    assert!(!call.is_closed());
    let second = task(&p, "presales/second-follow-up-onsite/E14/0");
    assert_eq!(second.due, date("2026-03-25"));
    let thanks = task(&p, "presales/thanks-sms/E14/0");
    assert_eq!(thanks.due, date("2026-03-11"));
    let ep = crate::support::read(&builtin(), episode);
    p.set_as_of(&ep, date("2026-03-15"));
    assert_eq!(
        task(&p, "presales/visited-callback/E14/0").status,
        Some(Status::Expired)
    );
}

/// A plastic inpatient of Mon 2 Mar 2026: the day-1 call (Tue 3 Mar) not made, the day-3
/// call (Thu 5 Mar) made that morning: the day-1 call is worth doing until Wed 4 Mar.
/// Made on the day-1 call's own day (a day-3 call made early, on the 3rd), the day-1
/// call keeps that day, never less. Its supervisor's check (`escalate_after` P1D: due Wed
/// 4 Mar, on time to the 6th) ends with it, as with a fact that ends the call (audit 236):
/// kept on the 4th when the call's last day is the 4th; left out when it is the 3rd.
#[test]
fn a_later_call_made_early_leaves_the_earlier_its_own_day() {
    let episode = r#"{"id": "ep-2", "event": "procedure", "at": "2026-03-02T10:00:00",
        "attributes": {"category": "plastic", "setting": "inpatient"}, "patient": {"id": "p-2"}}"#;
    let made_on = |at: &str| {
        let history = format!(
            r#"{{"outcomes": [{{"task": "plastic-aftercare/day-3-call/ep-2/0", "outcome": "done", "at": "{at}"}}]}}"#
        );
        let p = builtin_plan(episode, &history);
        let t = task(&p, "plastic-aftercare/day-1-call/ep-2/0");
        let check = (p.tasks.iter())
            .find(|c| c.id() == "plastic-aftercare/day-1-call/ep-2/0/overdue")
            .map(|c| (c.due, c.latest, c.expires));
        ((t.due, t.latest, t.expires), check)
    };
    let d = date;
    let (call, check) = made_on("2026-03-05T10:00:00");
    assert_eq!(
        call,
        (d("2026-03-03"), d("2026-03-03"), Some(d("2026-03-04")))
    );
    assert_eq!(
        check,
        Some((d("2026-03-04"), d("2026-03-04"), Some(d("2026-03-04"))))
    );
    let (call, check) = made_on("2026-03-03T11:00:00");
    assert_eq!(
        call,
        (d("2026-03-03"), d("2026-03-03"), Some(d("2026-03-03")))
    );
    assert_eq!(check, None);
    // With no call made, the check is due on the 4th, on time to the 6th.
    let p = builtin_plan(episode, r#"{"outcomes": []}"#);
    let c = task(&p, "plastic-aftercare/day-1-call/ep-2/0/overdue");
    assert_eq!((c.due, c.latest), (d("2026-03-04"), d("2026-03-06")));
}

fn date(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

/// A call counted from a fact is a lane of its own (docs/rule-format.md): made, it ends
/// none of the calls counted from the event (audit 243: the confirmation after a
/// complaint's resolution, made, ended the first call; a request's resolution ended a
/// key customer's callback). A complaint of Wed 18 Mar 2026 at 10:00, its first call
/// that day not made (worth doing to Wed 25), its callback promised for Fri 20, resolved
/// Sat 21 at 11:00, the confirmation made on Sun 22: the first call still expires on the
/// 25th.
#[test]
fn a_call_counted_from_a_fact_ends_no_call_of_the_event() {
    let complaint = r#"{"id": "ep-C", "event": "complaint", "at": "2026-03-18T10:00:00",
        "attributes": {"about": "bruising"}, "patient": {"id": "p-9"},
        "milestones": {"promised_callback": "2026-03-20"},
        "facts": [{"kind": "complaint_resolved", "at": "2026-03-21T11:00:00"}]}"#;
    // The first call's days once `step`'s call is recorded made at `at`.
    let first_after = |step: &str, at: &str| {
        let history = format!(
            r#"{{"outcomes": [{{"task": "complaint/{step}/ep-C/0", "outcome": "done", "at": "{at}"}}]}}"#
        );
        days(task(
            &builtin_plan(complaint, &history),
            "complaint/first-call/ep-C/0",
        ))
    };
    assert_eq!(
        first_after("resolution-confirmation", "2026-03-22T10:00"),
        "2026-03-18..2026-03-18 expires 2026-03-25"
    );
    // The promised callback (of the event's lane), made on the 20th, does end it.
    assert_eq!(
        first_after("promised-callback", "2026-03-20T10:00"),
        "2026-03-18..2026-03-18 expires 2026-03-19"
    );
}

/// `due..latest expires E` of `t`.
fn days(t: &followup::plan::Task) -> String {
    let expires = t.expires.map_or("never".to_string(), |e| e.to_string());
    format!("{}..{} expires {expires}", t.due, t.latest)
}
