//! The built-in programs in the loop (docs/domain.md §1, §4, §7, §8): retries, supervisors'
//! checks, complaints, lead ownership, owners in scripts.

use super::*;

const SURGERY: &str = r#"{"id": "s-1", "event": "procedure", "at": "2026-03-02T10:00:00",
    "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-5"}}"#;

#[test]
fn the_day_1_call_after_surgery_is_tried_three_times_then_messaged() {
    // Plastic aftercare calls: "no_answer": {"retry_after": "PT2H", "max_attempts": 3,
    // "then": "sms"}. No answer at 17:00 on 3 Mar: 19:00 is after the 18:00 end of the
    // day, so the second call is on 4 Mar from 09:00; no answer at 09:10, the third at
    // 11:10; no answer at 11:15: an SMS instead, the same day from 11:15.
    let p = builtin_plan(
        SURGERY,
        r#"{"outcomes": [
            {"task": "plastic-aftercare/day-1-call/s-1/0", "outcome": "no_answer", "at": "2026-03-03T17:00:00"},
            {"task": "plastic-aftercare/day-1-call/s-1/0/attempt-2", "outcome": "no_answer", "at": "2026-03-04T09:10:00"},
            {"task": "plastic-aftercare/day-1-call/s-1/0/attempt-3", "outcome": "no_answer", "at": "2026-03-04T11:15:00"}
        ]}"#,
    );
    let chain = chain(&p, "day-1-call");
    let id = "plastic-aftercare/day-1-call/s-1/0";
    assert_eq!(
        chain,
        [
            format!("{id} 2026-03-03 09:00-18:00 phone customer_service [no_answer closed]"),
            format!(
                "{id}/attempt-2 2026-03-04 09:00-18:00 phone customer_service [no_answer closed]"
            ),
            format!(
                "{id}/attempt-3 2026-03-04 11:10-18:00 phone customer_service [no_answer closed]"
            ),
            format!("{id}/message 2026-03-04 11:15-18:00 sms customer_service"),
        ]
    );
    // The message asks the patient to call back: the call's script is what staff say
    // ("告知切口处勿沾水…"), not a text to send (audit 71 A1). No name or clinic given:
    // the fallback words.
    let message = task(&p, &format!("{id}/message"));
    let script = message.script().unwrap();
    assert_eq!(
        script.zh(),
        "顾客您好，这里是本院。我们致电未能联系上您，想了解您的近况。方便时请回电或回复本信息，谢谢！"
    );
    assert_eq!(
        script.en(),
        "Dear customer, this is our clinic: we called and could not reach you, and would like to hear how you are. When convenient, please call us back or reply to this message. Thank you!"
    );
    assert_ne!(message.script(), task(&p, id).script());
    assert_eq!(
        message.title().en(),
        "Day-1 aftercare call (calls unanswered: a message instead)"
    );
}

/// The message after the last unanswered try cannot go to a patient who opted out of
/// SMS (docs/domain.md §8): nothing reached her, so the day-1 call is not closed by it.
/// The surgery of Mon 2 Mar 2026, an SMS opt-out of 1 Mar; the day-1 call tried three
/// times on Tue 3 Mar. The message is dropped `opted_out`, and the call's supervisor's
/// check (`escalate_after: P1D`) follows as for a call not made: due Wed 4 Mar, on time
/// to Fri 6 (audit 255: the chain ended there, and nobody was told). Made on 4 Mar (the
/// patient called back), the call closes the check with it; and a patient who takes
/// messages gets the message and no check, as before.
#[test]
fn an_unreachable_patient_who_opted_out_of_messages_goes_to_the_supervisor() {
    let opted = SURGERY.replace(
        r#""patient": {"id": "p-5"}"#,
        r#""patient": {"id": "p-5", "opt_outs": [{"channel": "sms", "at": "2026-03-01T09:00:00"}]}"#,
    );
    let tries = r#"
        {"task": "plastic-aftercare/day-1-call/s-1/0", "outcome": "no_answer", "at": "2026-03-03T09:10:00"},
        {"task": "plastic-aftercare/day-1-call/s-1/0/attempt-2", "outcome": "no_answer", "at": "2026-03-03T11:15:00"},
        {"task": "plastic-aftercare/day-1-call/s-1/0/attempt-3", "outcome": "no_answer", "at": "2026-03-03T13:20:00"}"#;
    let id = "plastic-aftercare/day-1-call/s-1/0";
    let check = format!("{id}/overdue");
    let p = builtin_plan(&opted, &format!(r#"{{"outcomes": [{tries}]}}"#));
    let message = (p.dropped.iter()).find(|d| d.id() == format!("{id}/message"));
    assert_eq!(
        message.map(|d| (d.reason, d.detail.as_deref())),
        Some((followup::plan::DropReason::OptedOut, Some("sms")))
    );
    let t = task(&p, &check);
    assert_eq!(
        (t.due.to_string(), t.latest.to_string()),
        ("2026-03-04".into(), "2026-03-06".into())
    );
    assert!(t.record.is_none());
    // The patient called back and was reached on the 4th: the call and its check close.
    let done = format!(
        r#"{{"outcomes": [{tries},
        {{"task": "{id}/attempt-3", "outcome": "done", "at": "2026-03-04T10:00:00"}}]}}"#
    );
    let p = builtin_plan(&opted, &done);
    let record = task(&p, &check)
        .record
        .as_ref()
        .map(|r| (r.outcome, r.closed));
    assert_eq!(record, Some((OutcomeKind::Done, true)));
    assert!(p.ignored.is_empty(), "{:?}", p.ignored);
    // Messages allowed: the message goes, and the chain ends with it.
    let p = builtin_plan(SURGERY, &format!(r#"{{"outcomes": [{tries}]}}"#));
    assert!(p.tasks.iter().any(|t| t.id() == format!("{id}/message")));
    assert!(!p.tasks.iter().any(|t| t.id() == check));
}

/// The message after the last try, for a patient whose rest hours cover the day window
/// (a night-shift worker resting 09:00-18:00), takes the free part of the evening as any
/// task does (docs/rule-format.md, "Rest hours"): the surgery of Mon 2 Mar 2026, its
/// day-1 call (18:00-20:30) unanswered at 18:00, 18:10 and 18:20 on Tue 3 Mar: the
/// message goes 18:20-20:30 that evening (audit 262: it was dropped `rest_hours`, and the
/// call left to the supervisor). The last try at 20:30, nothing of the evening left: the
/// next evening, Wed 4, 18:00-20:30, worth sending 3 days from the try.
#[test]
fn the_message_after_the_last_try_takes_a_resting_patients_evening() {
    let resting = SURGERY.replace(
        r#""patient": {"id": "p-5"}"#,
        r#""patient": {"id": "p-5", "rest_hours": [{"start": "09:00", "end": "18:00"}]}"#,
    );
    let id = "plastic-aftercare/day-1-call/s-1/0";
    let tries = |times: [&str; 3]| {
        format!(
            r#"{{"outcomes": [
            {{"task": "{id}", "outcome": "no_answer", "at": "2026-03-03T{}:00"}},
            {{"task": "{id}/attempt-2", "outcome": "no_answer", "at": "2026-03-03T{}:00"}},
            {{"task": "{id}/attempt-3", "outcome": "no_answer", "at": "2026-03-03T{}:00"}}]}}"#,
            times[0], times[1], times[2]
        )
    };
    let message = |p: &Plan| {
        let t = task(p, &format!("{id}/message"));
        format!(
            "{} {} {:?}",
            t.due,
            t.window,
            t.expires.map(|e| e.to_string())
        )
    };
    let p = builtin_plan(&resting, &tries(["18:00", "18:10", "18:20"]));
    assert_eq!(message(&p), "2026-03-03 18:20-20:30 Some(\"2026-03-06\")");
    assert!(p.dropped.iter().all(|d| d.id() != format!("{id}/message")));
    let p = builtin_plan(&resting, &tries(["18:00", "19:10", "20:30"]));
    assert_eq!(message(&p), "2026-03-04 18:00-20:30 Some(\"2026-03-06\")");
}

/// A time agreed on a retry is the patient's, whatever moved the retry (audit 265): the
/// surgery of Sun 11 Jan 2026 at 19:15, its day-1 call (Mon 12 Jan) unanswered at 17:00,
/// tried again the next morning (Tue 13, 19:00 being past the window); on the 13th the
/// patient agrees to be called on Thu 15 at 10:00, past the day-3 call's rule day (14
/// Jan). The retry is kept there, 10:00-11:00, worth doing 7 days as the call was (to 22
/// Jan); no message (it was `superseded`, its agreed time ignored, and "we could not reach
/// you" went after one try). On the official 2026 calendar, the surgery of Thu 30 Apr at
/// 17:15: its day-1 call, kept on Labour Day (Fri 1 May), unanswered at 22:00, the retry
/// agreed at 23:00 for Sat 2 May 10:00: worth doing to 9 May, 7 days, not to 4 May.
#[test]
fn a_time_agreed_on_a_retry_is_kept_with_the_calls_days() {
    let ep = SURGERY
        .replace("s-1", "s-9")
        .replace("2026-03-02T10:00:00", "2026-01-11T19:15:00");
    let id = "plastic-aftercare/day-1-call/s-9/0";
    let p = builtin_plan(
        &ep,
        &format!(
            r#"{{"outcomes": [
            {{"task": "{id}", "outcome": "no_answer", "at": "2026-01-12T17:00:00"}},
            {{"task": "{id}/attempt-2", "outcome": "rescheduled", "at": "2026-01-13T10:00:00", "to": "2026-01-15T10:00:00"}}]}}"#
        ),
    );
    let t = task(&p, &format!("{id}/attempt-2"));
    assert_eq!(
        (
            t.due.to_string(),
            t.window.to_string(),
            t.expires.map(|e| e.to_string())
        ),
        (
            "2026-01-15".into(),
            "10:00-11:00".into(),
            Some("2026-01-22".into())
        )
    );
    assert!(p.ignored.is_empty(), "{:?}", p.ignored);
    assert!(p.dropped.iter().all(|d| !d.id().starts_with(id)));
    assert!(p.tasks.iter().all(|t| t.id() != format!("{id}/message")));
    let ep = SURGERY
        .replace("s-1", "s-8")
        .replace("2026-03-02T10:00:00", "2026-04-30T17:15:00");
    let id = "plastic-aftercare/day-1-call/s-8/0";
    let history = followup::history::History::from_json(
        "h.json",
        &format!(
            r#"{{"outcomes": [
            {{"task": "{id}", "outcome": "no_answer", "at": "2026-05-01T22:00:00"}},
            {{"task": "{id}/attempt-2", "outcome": "rescheduled", "at": "2026-05-01T23:00:00", "to": "2026-05-02T10:00:00"}}]}}"#
        ),
    )
    .unwrap();
    let cal = followup::calendar::Calendar::china(2026).unwrap();
    let p = builtin()
        .plan_with(&crate::support::episode(&ep), &history, &cal)
        .unwrap();
    let t = task(&p, &format!("{id}/attempt-2"));
    assert_eq!(
        (t.due.to_string(), t.expires.map(|e| e.to_string())),
        ("2026-05-02".into(), Some("2026-05-09".into()))
    );
}

#[test]
fn calls_not_recorded_go_to_the_supervisor_the_day_after_their_window() {
    // docs/domain.md §8: supervisors check that callbacks were done on the day the rules set.
    // The plastic day-1 and day-3 calls escalate one day after their last on-time day:
    // 4 and 6 Mar. Recorded done, their checks disappear.
    let p = builtin_plan(SURGERY, "{}");
    let checks: Vec<String> = (p.tasks.iter())
        .filter(|t| t.derived == Some(Derived::Overdue))
        .map(|t| format!("{} {}", t.id(), line(t)))
        .collect();
    assert_eq!(
        checks,
        [
            "plastic-aftercare/day-1-call/s-1/0/overdue 2026-03-04 09:00-18:00 internal supervisor",
            "plastic-aftercare/day-3-call/s-1/0/overdue 2026-03-06 09:00-18:00 internal supervisor",
        ]
    );
    assert_eq!(
        task(&p, "plastic-aftercare/day-1-call/s-1/0/overdue")
            .title()
            .zh(),
        "督导：术后第一天回访（逾期未做）"
    );
    let p = builtin_plan(
        SURGERY,
        r#"{"outcomes": [
            {"task": "plastic-aftercare/day-1-call/s-1/0", "outcome": "done", "at": "2026-03-03T10:00:00"},
            {"task": "plastic-aftercare/day-3-call/s-1/0", "outcome": "done", "at": "2026-03-05T10:00:00"}
        ]}"#,
    );
    assert!(!p.tasks.iter().any(|t| t.derived == Some(Derived::Overdue)));
}

#[test]
fn a_serious_complaint_is_reviewed_the_same_day_and_unanswered_calls_escalate() {
    // docs/domain.md §7. Logged Wed 6 May 2026 at 10:15, severity serious: the supervisor's
    // review that day from 10:15; the first call unanswered at 10:30, 12:35 and 14:40
    // (retries 2 h apart): after the third, the supervisor steps in from 14:40.
    let p = complaint_unanswered_three_times("2026-05-06", "serious", "busy", &Calendar::default());
    assert_eq!(
        id_lines(&p, |t| t.due.to_string() == "2026-05-06"),
        [
            "complaint/first-call/k/0 2026-05-06 10:15-18:00 phone customer_service [no_answer closed]",
            "complaint/serious-review/k/0 2026-05-06 10:15-18:00 internal supervisor",
            "complaint/first-call/k/0/attempt-2 2026-05-06 12:30-18:00 phone customer_service [busy closed]",
            "complaint/first-call/k/0/attempt-3 2026-05-06 14:35-18:00 phone customer_service [no_answer closed]",
            "complaint/first-call/k/0/unanswered 2026-05-06 14:40-18:00 internal supervisor",
        ]
    );
    // Its title counts no calls: the tries may stop before the step's max_attempts, when
    // the call expires (audit 177: "3 calls unanswered" after two).
    let look = task(&p, "complaint/first-call/k/0/unanswered").title();
    assert!(look.en().ends_with(" (unanswered)"), "{}", look.en());
    assert!(look.zh().ends_with("（未接通）"), "{}", look.zh());
    // A normal complaint gets no review.
    let p = builtin_plan(
        r#"{"id": "c-8", "event": "complaint", "at": "2026-05-06T10:15:00",
            "attributes": {"severity": "normal"}, "patient": {"id": "p-9"}}"#,
        "{}",
    );
    assert!(!p.tasks.iter().any(|t| t.step() == "serious-review"));
}

/// docs/domain.md §9: a complaint logged Fri 2 Oct 2026 at 20:30, the callback promised
/// for Sat 3 Oct. Its same-day call has nothing of the day left, and its next morning is
/// the promised callback's day: superseded by it. Staff called anyway at 20:45: what the
/// history records stays, on the call's day with its record (docs/closed-loop.md), as a
/// call the calendar leaves no day does; an answered call closes it; an unanswered one
/// would be tried again the next morning (22:45 is past the day), the promised callback's
/// day: superseded by it, as the call itself was (audit 216: both calls that morning),
/// and the supervisor looks into the unanswered call at once. Audit 37: the record
/// vanished, in no task and not in `ignored`, and compliance counted one call less.
#[test]
fn a_complaint_called_back_after_hours_keeps_its_record() {
    let complaint = r#"{"id": "k-1", "event": "complaint", "at": "2026-10-02T20:30:00",
        "patient": {"id": "p-k"}, "milestones": {"promised_callback": "2026-10-03"}}"#;
    let first = |p: &Plan| {
        id_lines(p, |t| {
            matches!(t.step(), "first-call" | "promised-callback")
                && t.derived.is_none_or(|d| d.name().starts_with("attempt"))
        })
    };
    let none = builtin_plan(complaint, "{}");
    assert_eq!(
        first(&none),
        ["complaint/promised-callback/k-1/0 2026-10-03 09:00-18:00 phone customer_service"]
    );
    assert!(crate::support::dropped(&none).contains(
        &"complaint/first-call/k-1/0 superseded promised-callback 2026-10-02".to_string()
    ));
    let after_hours = |outcome: &str| {
        let called = one_outcome("complaint/first-call/k-1/0", outcome, "2026-10-02T20:45:00");
        builtin_plan(complaint, &called)
    };
    let done = after_hours("done");
    assert_eq!(
        first(&done),
        [
            "complaint/first-call/k-1/0 2026-10-02 09:00-18:00 phone customer_service [done closed]",
            "complaint/promised-callback/k-1/0 2026-10-03 09:00-18:00 phone customer_service",
        ]
    );
    assert!(done.ignored.is_empty(), "{:?}", done.ignored);
    assert!(!crate::support::dropped(&done)
        .iter()
        .any(|d| d.contains("first-call")));
    let unanswered = after_hours("no_answer");
    assert_eq!(
        first(&unanswered),
        [
            "complaint/first-call/k-1/0 2026-10-02 09:00-18:00 phone customer_service [no_answer closed]",
            "complaint/promised-callback/k-1/0 2026-10-03 09:00-18:00 phone customer_service",
        ]
    );
    assert!(crate::support::dropped(&unanswered).contains(
        &"complaint/first-call/k-1/0/attempt-2 superseded promised-callback 2026-10-02".to_string()
    ));
    assert!(unanswered
        .tasks
        .iter()
        .any(|t| t.id() == "complaint/first-call/k-1/0/unanswered"
            && t.due.to_string() == "2026-10-03"));
}

/// The same call unanswered at 22:05, its retry two hours later at 00:05 on the promised
/// callback's day, is superseded by it as the retry of 20:45 is (22:45, past the day):
/// the retry's time came after midnight, a later day than the try's (audit 238: it was
/// kept beside the promised callback, two calls that morning). And one unanswered at
/// 15:00 is tried again at 17:00 the same day, before the promised callback's day.
#[test]
fn a_retry_past_midnight_on_the_next_calls_day_is_superseded() {
    let complaint = r#"{"id": "k-1", "event": "complaint", "at": "2026-10-02T14:30:00",
        "patient": {"id": "p-k"}, "milestones": {"promised_callback": "2026-10-03"}}"#;
    let unanswered_at = |at: &str| {
        let called = one_outcome("complaint/first-call/k-1/0", "no_answer", at);
        builtin_plan(complaint, &called)
    };
    let late = unanswered_at("2026-10-02T22:05:00");
    assert!(crate::support::dropped(&late).contains(
        &"complaint/first-call/k-1/0/attempt-2 superseded promised-callback 2026-10-03".to_string()
    ));
    assert!(!late.tasks.iter().any(|t| t.id().ends_with("/attempt-2")));
    // A call tried late, on the next call's own day, its retry past midnight: superseded
    // by that call, whose rule day it passed (audit 240: the next call was looked for
    // after the try's day only, and the day-6 call was too far). A plastic outpatient of
    // Mon 2 Mar 2026: the day-1 call (Tue 3) tried at 23:00 on Thu 5, the day-3 call's day.
    let surgery = r#"{"id": "s-9", "event": "procedure", "at": "2026-03-02T10:00:00",
        "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-9"}}"#;
    let late_day1 = one_outcome(
        "plastic-aftercare/day-1-call/s-9/0",
        "no_answer",
        "2026-03-05T23:00:00",
    );
    let p = builtin_plan(surgery, &late_day1);
    assert!(
        crate::support::dropped(&p).contains(
            &"plastic-aftercare/day-1-call/s-9/0/attempt-2 superseded day-3-call 2026-03-06"
                .to_string()
        ),
        "{:?}",
        crate::support::dropped(&p)
    );
    let early = unanswered_at("2026-10-02T15:00:00");
    let retry = task(&early, "complaint/first-call/k-1/0/attempt-2");
    assert_eq!(
        (retry.due.to_string(), retry.window.start.to_string()),
        ("2026-10-02".to_string(), "17:00:00".to_string())
    );
}

/// docs/closed-loop.md: a call a refusal stops comes back only when what the history
/// records on it reached the patient. A day "picked" on a call no one picks (the day-6
/// call of a plastic outpatient operated on Mon 2 Mar 2026; the patient said no on Wed 4
/// Mar) is ignored: the call stays `declined`, and the outcome is listed in `ignored`
/// (`dropped`). Audit 37: the call came back as open work on the picked day.
#[test]
fn a_day_picked_on_a_call_no_one_picks_brings_back_no_refused_call() {
    let surgery = r#"{"id": "s-1", "event": "procedure", "at": "2026-03-02T10:00:00",
        "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p-5"},
        "facts": [{"kind": "declined", "at": "2026-03-04T11:00:00"}]}"#;
    let p = builtin_plan(
        surgery,
        r#"{"outcomes": [{"task": "plastic-aftercare/day-6-call/s-1/0", "outcome": "picked",
            "at": "2026-03-05T10:00:00", "day": "2026-03-10"}]}"#,
    );
    assert!(!p.tasks.iter().any(|t| t.step() == "day-6-call"));
    assert!(crate::support::dropped(&p)
        .contains(&"plastic-aftercare/day-6-call/s-1/0 declined - 2026-03-08".to_string()));
    let ignored: Vec<String> = (p.ignored.iter())
        .map(|i| format!("{} {} {}", i.task, ser(&i.outcome), ser(&i.reason)))
        .collect();
    assert_eq!(
        ignored,
        ["plastic-aftercare/day-6-call/s-1/0 picked dropped"]
    );
    // Done on it, the call happened: kept with its record, as before.
    let done = builtin_plan(
        surgery,
        r#"{"outcomes": [{"task": "plastic-aftercare/day-6-call/s-1/0", "outcome": "done",
            "at": "2026-03-08T10:00:00"}]}"#,
    );
    let call = task(&done, "plastic-aftercare/day-6-call/s-1/0");
    assert_eq!(
        line(call),
        "2026-03-08 09:00-18:00 phone customer_service [done closed]"
    );
}

#[test]
fn lead_ownership_counts_its_three_months_from_the_last_assignment() {
    // docs/domain.md §4 (seed 002): a lead with no follow-up for 3 months is reassigned. A lead
    // of 10 Mar 2026 handed to customer service on 20 Apr: the check is 20 Jul; a
    // contact on 2 May moves it to 2 Aug.
    let lead = |extra: &str| {
        format!(
            r#"{{"id": "l-1", "event": "consultation", "at": "2026-03-10T11:00:00",
                "attributes": {{"source": "online", "outcome": "not_booked", "assigned_to": "customer_service"}},
                "patient": {{"id": "p-3"}}, "owners": {{"customer_service": "u-3"}},
                "reassignments": [{{"role": "customer_service", "to": "u-8", "at": "2026-04-20T09:00:00"}}]{extra}}}"#
        )
    };
    let check = |p: &Plan| {
        let t = task(p, "lead-ownership/reassign-stale-lead/l-1/0");
        (t.due.to_string(), t.owner.clone())
    };
    let p = builtin_plan(&lead(""), "{}");
    assert_eq!(check(&p), ("2026-07-20".to_string(), None));
    let p = builtin_plan(
        &lead(
            r#", "facts": [{"kind": "contacted", "at": "2026-05-02T15:00:00", "channel": "phone"}]"#,
        ),
        "{}",
    );
    assert_eq!(check(&p).0, "2026-08-02");
    // The customer-service tasks of the lead are the new owner's.
    assert!(p
        .tasks
        .iter()
        .filter(|t| t.role() == followup::rules::Role::CustomerService && !t.is_closed())
        .all(|t| t.owner.as_deref() == Some("u-8")));
}

#[test]
fn scripts_name_the_owner_of_the_task_and_follow_a_handover() {
    // The built-in no-show call (docs/domain.md §4, same day) is the consultant's: her name
    // fills {owner}. Handed to 小吴 before the thank-you message of the next days, the
    // open tasks speak in her name; the call done before the handover keeps 小周's.
    let rules = builtin();
    let ep = |reassign: &str| {
        crate::support::read(
            &rules,
            &format!(
                r#"{{"id": "ep-7", "event": "consultation", "at": "2026-03-10T11:00:00",
                    "attributes": {{"source": "online", "outcome": "no_show"}},
                    "patient": {{"id": "p-7", "name": "赵女士"}},
                    "owners": {{"consultant": {{"id": "u-21", "name": "小周"}}}}{reassign}}}"#
            ),
        )
    };
    let cal = Calendar::default();
    let plan = rules.plan(&ep(""), &cal).unwrap();
    let call = plan
        .tasks
        .iter()
        .find(|t| t.step() == "no-show-call")
        .unwrap();
    assert_eq!(call.owner.as_deref(), Some("u-21"));
    let script = call.script().unwrap();
    let script = script.zh();
    assert!(
        script.starts_with("赵女士您好！这里是本院，我是小周，"),
        "{script}"
    );
    let handed = ep(
        r#", "reassignments": [{"role": "consultant", "to": {"id": "u-30", "name": "小吴"}, "at": "2026-03-10T12:00:00"}]"#,
    );
    let h = history(
        r#"{"outcomes": [{"task": "presales/no-show-call/ep-7/0", "outcome": "done", "at": "2026-03-10T11:40:00"}]}"#,
    );
    let plan = rules.plan_with(&handed, &h, &cal).unwrap();
    let call = plan
        .tasks
        .iter()
        .find(|t| t.step() == "no-show-call")
        .unwrap();
    assert_eq!(call.owner.as_deref(), Some("u-21"));
    assert!(call.script().unwrap().zh().contains("我是小周"));
    let later: Vec<&Task> = (plan.tasks.iter())
        .filter(|t| t.role() == followup::rules::Role::Consultant && !t.is_closed())
        .collect();
    assert!(later
        .iter()
        .any(|t| t.script().is_some_and(|s| s.zh().contains("小吴"))));
    for t in later {
        assert_eq!(t.owner.as_deref(), Some("u-30"), "{}", t.id());
        if let Some(s) = t.script() {
            assert!(!s.zh().contains("小周"), "{}: {}", t.id(), s.zh());
        }
    }
}

const ONLINE_LEAD: &str = r#"{"id": "l-1", "event": "consultation", "at": "2026-03-10T11:00:00",
    "attributes": {"source": "online", "outcome": "not_booked"}, "patient": {"id": "p-8"},
    "owners": {"consultant": "u-21"}}"#;

/// docs/domain.md §4: the second follow-up (D+4..D+30) is on "a date the consultant
/// picks from the first call". An online lead of Tue 10 Mar: the first follow-up (D+3,
/// Fri 13 Mar) is agreed for Mon 16 Mar 15:00. While no day is picked, the second no
/// longer comes before it (Sat 14 Mar): it waits until the day after, Tue 17 Mar, and
/// its window still ends on D+30 (9 Apr). A day picked later is the day; a first call
/// agreed past D+30 leaves the second where the rule puts it.
#[test]
fn the_second_follow_up_waits_for_a_first_call_agreed_later() {
    let second = |history: &str| {
        let p = builtin_plan(ONLINE_LEAD, history);
        let t = task(&p, "presales/second-follow-up/l-1/0");
        (
            format!("{}..{}", t.due, t.latest),
            t.shifted.map(|s| s.name()),
        )
    };
    let agreed = r#"{"task": "presales/first-follow-up/l-1/0", "outcome": "rescheduled",
        "at": "2026-03-13T10:00:00", "to": "2026-03-16T15:00:00"}"#;
    assert_eq!(
        second(&format!(r#"{{"outcomes": [{agreed}]}}"#)),
        ("2026-03-17..2026-04-09".into(), Some("after_earlier_call"))
    );
    assert_eq!(
        second(&format!(
            r#"{{"outcomes": [{agreed}, {{"task": "presales/second-follow-up/l-1/0",
                "outcome": "picked", "at": "2026-03-16T15:30:00", "day": "2026-03-25"}}]}}"#
        )),
        ("2026-03-25..2026-04-09".into(), Some("picked"))
    );
    assert_eq!(
        second(&format!(
            r#"{{"outcomes": [{}]}}"#,
            agreed.replace("2026-03-16T15:00:00", "2026-04-10T15:00:00")
        )),
        ("2026-03-14..2026-04-09".into(), None)
    );
    assert_eq!(second("{}"), ("2026-03-14..2026-04-09".into(), None));
}

/// A normal complaint logged at `at`, planned with `outcomes` on a calendar whose clinic
/// rests 12:30-13:00 (a lunch break).
fn complaint_at_lunch_clinic(at: &str, outcomes: &str) -> Plan {
    let ep = crate::support::episode(&format!(
        r#"{{"id": "k", "event": "complaint", "at": "{at}", "attributes": {{"severity": "normal"}},
            "patient": {{"id": "p"}}}}"#
    ));
    let lunch = crate::support::half_hour_lunch();
    let h = history(&format!(r#"{{"outcomes": [{outcomes}]}}"#));
    builtin().plan_with(&ep, &h, &lunch).unwrap()
}

/// A retry is made as soon as it may be (audit 67 A3): a complaint logged Tue 10 Mar 2026
/// at 08:00 in a clinic with a lunch break of 12:30-13:00 is called 09:00-12:30 (the
/// first free part after the event); unanswered at 09:00, its second try is due two
/// hours later, 11:00-12:30 — it went to 13:00-18:00, the longer part of the day. Tried
/// again at 12:20, the third try (14:20) is in the afternoon, 14:20-18:00.
#[test]
fn a_retry_takes_the_first_free_part_after_its_time() {
    let p = complaint_at_lunch_clinic(
        "2026-03-10T08:00",
        r#"{"task": "complaint/first-call/k/0", "outcome": "no_answer", "at": "2026-03-10T09:00"},
        {"task": "complaint/first-call/k/0/attempt-2", "outcome": "no_answer", "at": "2026-03-10T12:20"}"#,
    );
    assert_eq!(
        id_lines(&p, |t| t.step() == "first-call"),
        [
            "complaint/first-call/k/0 2026-03-10 09:00-12:30 phone customer_service [no_answer closed]",
            "complaint/first-call/k/0/attempt-2 2026-03-10 11:00-12:30 phone customer_service [no_answer closed]",
            "complaint/first-call/k/0/attempt-3 2026-03-10 14:20-18:00 phone customer_service",
            // Still open at the end of its day: the supervisor checks it the next day
            // (the first call's `escalate_after`, P1D).
            "complaint/first-call/k/0/overdue 2026-03-11 09:00-18:00 internal supervisor",
        ]
    );
}

/// Two unanswered tries of the call `call` (its id) on `day`, at the two times.
fn tried_twice(call: &str, day: &str, (first, second): (&str, &str)) -> followup::history::History {
    history(&format!(
        r#"{{"outcomes": [
        {{"task": "{call}", "outcome": "no_answer", "at": "{day}T{first}"}},
        {{"task": "{call}/attempt-2", "outcome": "no_answer", "at": "{day}T{second}"}}]}}"#
    ))
}

/// Program `m`: one call the day after a procedure, tried twice two hours apart, then
/// `then`; `message` (a JSON text, or empty) its `no_answer.message`. Read as a rule file.
fn one_call_rules(then: &str, message: &str) -> Result<followup::rules::RuleSet, followup::Error> {
    let message = match message {
        "" => String::new(),
        m => format!(r#", "message": {m}"#),
    };
    followup::rules::RuleSet::builder()
        .source(
            "m.json",
            format!(
                r#"{{"format": "followup/v1", "id": "m", "name": {{"zh": "m", "en": "m"}},
                "applies": {{"event": "procedure"}},
                "steps": [{{"id": "call", "offset": "P1D", "title": {{"zh": "c", "en": "c"}},
                    "script": {{"zh": "问候", "en": "Ask"}},
                    "no_answer": {{"retry_after": "PT2H", "max_attempts": 2, "then": "{then}"{message}}}}}]}}"#
            ),
        )
        .build()
}

/// A procedure on Mon 2 Mar 2026 at 10:00 of the patient `patient` (JSON), episode `e`.
fn procedure_of_2_march(patient: &str) -> followup::episode::Episode {
    crate::support::episode(&format!(
        r#"{{"id": "e", "event": "procedure", "at": "2026-03-02T10:00", "patient": {patient}}}"#
    ))
}

/// A rule's own message after the last unanswered call (`no_answer.message`), a template
/// as a script is: a one-call program tried twice, then `{patient}` gets it by SMS.
#[test]
fn no_answer_message_is_the_rules_text() {
    let message =
        r#"{"zh": "{patient}您好，请回电。", "en": "Dear {patient}, please call us back."}"#;
    let rules = one_call_rules("sms", message).unwrap();
    let ep = procedure_of_2_march(r#"{"id": "p", "name": "王女士"}"#);
    let h = tried_twice("m/call/e/0", "2026-03-03", ("09:00", "11:00"));
    let p = rules.plan_with(&ep, &h, &Calendar::default()).unwrap();
    let message = task(&p, "m/call/e/0/message");
    assert_eq!(message.script().unwrap().zh(), "王女士您好，请回电。");
    assert_eq!(
        message.script().unwrap().en(),
        "Dear 王女士, please call us back."
    );
    // A control character in it is refused where it is, as in any text.
    let err = one_call_rules("sms", r#"{"zh": "请回电\u0007", "en": "Call us"}"#).unwrap_err();
    assert_eq!(err.pointer(), "/steps/0/no_answer/message/zh");
}

/// A retry on a later day takes the first free part of its window too (audit 70 A2): a
/// complaint logged Wed 6 May 2026 at 16:30, a lunch break of 12:30-13:00; unanswered at
/// 16:40, the retry at 18:40 finds nothing of the day window left: the next day, from
/// 09:00, 09:00-12:30 — it was 13:00-18:00, the longer part.
#[test]
fn a_retry_on_the_next_day_takes_the_morning() {
    let p = complaint_at_lunch_clinic(
        "2026-05-06T16:30",
        r#"{"task": "complaint/first-call/k/0", "outcome": "no_answer", "at": "2026-05-06T16:40"}"#,
    );
    let attempt = task(&p, "complaint/first-call/k/0/attempt-2");
    assert_eq!(
        format!("{} {}", attempt.due, attempt.window),
        "2026-05-07 09:00-12:30"
    );
}

/// The message after the last unanswered try goes out as soon as it may (audit 76): a
/// one-call program tried twice on Tue 3 Mar 2026, in a clinic with a lunch break of
/// 12:30-13:00. Last tried at 11:00: the message is due 11:00-12:30 — it was
/// 13:00-18:00, the longer part of the day; at 17:30, 17:30-18:00; at 18:30, when the
/// day has nothing left, the next day's first free part, 09:00-12:30 (not only the
/// morning: a message is not the first thing to do, as a retry is not).
#[test]
fn the_message_after_the_last_try_takes_the_first_free_part() {
    let rules = one_call_rules("sms", "").unwrap();
    let ep = procedure_of_2_march(r#"{"id": "p"}"#);
    let lunch = crate::support::half_hour_lunch();
    let message = |last: &str| {
        let h = tried_twice("m/call/e/0", "2026-03-03", ("08:00", last));
        let p = rules.plan_with(&ep, &h, &lunch).unwrap();
        let t = task(&p, "m/call/e/0/message");
        format!("{} {}", t.due, t.window)
    };
    assert_eq!(message("11:00"), "2026-03-03 11:00-12:30");
    assert_eq!(message("17:30"), "2026-03-03 17:30-18:00");
    assert_eq!(message("18:30"), "2026-03-04 09:00-12:30");
}

/// The message after the last unanswered try is worth sending while the call was, at
/// most (audit 70 A1): a reminder call the day before a review visit on Fri 10 Apr 2026,
/// worth making until the day before the visit (`expires: P0D`), tried
/// twice on Thu 9 Apr: its message goes out that day and expires with the call, on 9 Apr
/// — it lasted until 12 Apr, past the visit it announced.
#[test]
fn the_message_after_a_reminder_call_expires_with_it() {
    let rules = crate::support::one_program(
        "rv",
        r#""applies": {"event": "procedure"}, "milestones": {"review_visit": null},
        "steps": [{"id": "rv-call", "from": "review_visit", "offset": "-P1D", "expires": "P0D",
            "title": {"zh": "r", "en": "r"},
            "no_answer": {"retry_after": "PT2H", "max_attempts": 2, "then": "sms"}}]"#,
    );
    let ep = crate::support::episode(
        r#"{"id": "w", "event": "procedure", "at": "2026-04-01T10:00", "patient": {"id": "p"},
            "milestones": {"review_visit": "2026-04-10"}}"#,
    );
    let h = tried_twice("rv/rv-call/w/0", "2026-04-09", ("10:00", "12:00"));
    let p = rules.plan_with(&ep, &h, &Calendar::default()).unwrap();
    let call = task(&p, "rv/rv-call/w/0");
    assert_eq!(
        call.expires.map(|d| d.to_string()).as_deref(),
        Some("2026-04-09")
    );
    let message = task(&p, "rv/rv-call/w/0/message");
    assert_eq!(message.due.to_string(), "2026-04-09");
    assert_eq!(
        message.expires.map(|d| d.to_string()).as_deref(),
        Some("2026-04-09")
    );
}

/// Audit 72: the message after the last try is worth sending 3 days from that try, not
/// from the day a closure moved it to; and a wrong placeholder in `no_answer.message`
/// is named where it is written. A call on Tue 3 Mar 2026 tried at 10:00 and 14:20,
/// the message system closed 3-7 March: the message would go out on Sun 8 March, past
/// its 3 days (to Fri 6 March): dropped `expired`. Closed on 3 March only: sent on
/// Wed 4 March, worth sending until the 6th.
#[test]
fn the_message_after_the_last_try_counts_its_days_from_the_try() {
    let rules = one_call_rules("sms", "").unwrap();
    let ep = procedure_of_2_march(r#"{"id": "p"}"#);
    let h = tried_twice("m/call/e/0", "2026-03-03", ("10:00", "14:20"));
    let closed = |dates: &str| {
        Calendar::from_json(
            "c",
            &format!(r#"{{"messages": {{"closed_dates": [{dates}]}}}}"#),
        )
        .unwrap()
    };
    let week = r#""2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07""#;
    let p = rules.plan_with(&ep, &h, &closed(week)).unwrap();
    assert!(
        p.tasks.iter().all(|t| !t.id().ends_with("/message")),
        "{:?}",
        id_lines(&p, |_| true)
    );
    crate::support::assert_drop_starts(&p, "m/call/e/0/message expired");
    let p = rules
        .plan_with(&ep, &h, &closed(r#""2026-03-03""#))
        .unwrap();
    let message = task(&p, "m/call/e/0/message");
    assert_eq!(message.due.to_string(), "2026-03-04");
    assert_eq!(
        message.expires.map(|d| d.to_string()).as_deref(),
        Some("2026-03-06")
    );

    let err = followup::rules::RuleSet::builder()
        .source(
            "m.json",
            r#"{"format": "followup/v1", "id": "m", "name": {"zh": "m", "en": "m"}, "applies": {"event": "procedure"},
            "milestones": {"visit": null},
            "steps": [{"id": "call", "from": "visit", "offset": "-P1D", "title": {"zh": "c", "en": "c"},
            "script": {"zh": "提醒", "en": "Remind"},
            "no_answer": {"retry_after": "PT2H", "max_attempts": 2, "then": "sms",
                          "message": {"zh": "{when:vist}请来院", "en": "Come in"}}}]}"#,
        )
        .build()
        .unwrap_err();
    assert_eq!(err.pointer(), "/steps/0/no_answer/message/zh");
    crate::support::assert_has(&err, "did you mean {when:visit}?");
}

/// Audit 72 F3, F4: a `message` that nothing would send (with `then: drop`) is refused
/// where it is written, and so is `{when:event}` in a patient-level programme, whose
/// patient has no event ("那天生日快乐").
#[test]
fn a_message_never_sent_and_an_event_a_patient_lacks_are_refused() {
    let err = one_call_rules("drop", r#"{"zh": "请回电", "en": "Call us"}"#).unwrap_err();
    assert_eq!(err.pointer(), "/steps/0/no_answer/message");
    crate::support::assert_has(&err, "only when \"then\" is \"sms\" or \"wechat\"");
    let err = followup::rules::RuleSet::builder().source("g.json", 
        r#"{"format": "followup/v1", "id": "g", "name": {"zh": "g", "en": "g"}, "scope": "patient",
        "applies": {}, "defaults": {"channel": "sms"},
        "steps": [{"id": "hello", "from": "birthday", "title": {"zh": "g", "en": "g"},
            "script": {"zh": "{when:event}生日快乐", "en": "Happy birthday"}}]}"#,
    ).build().unwrap_err();
    // At the language that says it, as every template error is (audit 80).
    assert_eq!(err.pointer(), "/steps/0/script/zh");
    crate::support::assert_has(&err, "a patient-level programme has none");
}

/// A check counted from the latest fact (`latest:KIND`) that the history closed stays
/// where it was, counted from the latest fact known the morning of the day it was closed;
/// a fact after that one starts the next, occurrence 1 (audits 245, 246, 248). The lead
/// of Mon 2 Mar 2026 15:00 handed to customer service: its stale-lead check is due 3 months after the last contact or
/// assignment, Tue 2 Jun with none. The supervisor does it at 09:30 that day and hands
/// the lead to u-cs2 at 10:00: the check stays on 2 Jun, done; the new holder's lead
/// gets its own check on Wed 2 Sep. Without the handover, the check done is the only
/// one; with the handover alone (no check recorded), the one check counts from it.
#[test]
fn a_check_from_the_latest_fact_closed_stays_and_the_next_follows() {
    let lead = |reassigned: bool| {
        let handover = if reassigned {
            r#", "reassignments": [{"role": "customer_service", "to": "u-cs2", "at": "2026-06-02T10:00"}]"#
        } else {
            ""
        };
        format!(
            r#"{{"id": "ep-B", "event": "consultation", "at": "2026-03-02T15:00:00",
                "attributes": {{"source": "online", "outcome": "not_booked", "assigned_to": "customer_service"}},
                "patient": {{"id": "p-B"}}, "owners": {{"customer_service": "u-cs1", "supervisor": "u-sup1"}}{handover}}}"#
        )
    };
    let done = r#"{"outcomes": [{"task": "lead-ownership/reassign-stale-lead/ep-B/0",
        "outcome": "done", "at": "2026-06-02T09:30", "by": "u-sup1"}]}"#;
    let checks = |p: &Plan| -> Vec<String> {
        (p.tasks.iter())
            .filter(|t| t.program() == "lead-ownership")
            .map(|t| format!("{} {} {}", t.id(), t.due, t.is_closed()))
            .collect()
    };
    let id = "lead-ownership/reassign-stale-lead/ep-B";
    assert_eq!(
        checks(&builtin_plan(&lead(true), done)),
        [
            format!("{id}/0 2026-06-02 true"),
            format!("{id}/1 2026-09-02 false")
        ]
    );
    assert_eq!(
        checks(&builtin_plan(&lead(false), done)),
        [format!("{id}/0 2026-06-02 true")]
    );
    assert_eq!(
        checks(&builtin_plan(&lead(true), r#"{"outcomes": []}"#)),
        [format!("{id}/0 2026-09-02 false")]
    );
    // A contact on Wed 10 Jun at 10:00, the check (due 2 Jun) done late that day at
    // 15:00: the check stays on 2 Jun, the day the consultation had made it due, not on
    // the contact's 10 Sep; the contact starts the next, due 10 Sep (audit 246: the check
    // moved to 10 Sep, "done early", and none came after it).
    let contacted_at = |at: &str| {
        lead(false).replace(
            r#""patient": {"id": "p-B"}"#,
            &format!(
                r#""patient": {{"id": "p-B"}}, "facts": [{{"kind": "contacted", "at": "{at}"}}]"#
            ),
        )
    };
    // `contacted` the contact's moment, `done` the check's; the checks planned then.
    let contact_then_check = |contacted: &str, done: &str| {
        let history = format!(
            r#"{{"outcomes": [{{"task": "lead-ownership/reassign-stale-lead/ep-B/0",
                "outcome": "done", "at": "{done}", "by": "u-sup1"}}]}}"#
        );
        checks(&builtin_plan(&contacted_at(contacted), &history))
    };
    assert_eq!(
        contact_then_check("2026-06-10T10:00:00", "2026-06-10T15:00"),
        [
            format!("{id}/0 2026-06-02 true"),
            format!("{id}/1 2026-09-10 false")
        ]
    );
    // A contact on Fri 1 May, the check done on Mon 1 Jun: that morning the check was due
    // Sat 1 Aug (the worklist had it so), and was done early (audit 248: `plan` judged
    // it late, due 2 Jun, and `replay` early); done before its day, it does not cover
    // it: a check is still due on 1 Aug (audit 250: the lead was never checked again).
    assert_eq!(
        contact_then_check("2026-05-01T10:00:00", "2026-06-01T15:00"),
        [
            format!("{id}/0 2026-08-01 true"),
            format!("{id}/1 2026-08-01 false")
        ]
    );
}

/// A follow-up added by hand with a time of its own keeps out of the patient's rest hours,
/// as every call does (docs/domain.md §9; audit 269: a call set for 10:00-11:00 stayed
/// there for a night-shift patient resting 09:00-18:00): its part outside them
/// (17:00-19:00 → 18:00-19:00), else the free part of the day window, here the evening
/// (10:00-11:00 → 18:00-20:30); a visit in person is no call and keeps its time.
#[test]
fn a_follow_up_with_a_time_keeps_out_of_the_rest_hours() {
    let resting = SURGERY.replace(
        r#""patient": {"id": "p-5"}"#,
        r#""patient": {"id": "p-5", "rest_hours": [{"start": "09:00", "end": "18:00"}]}"#,
    );
    let follow_up = |id: &str, channel: &str, start: &str, end: &str| {
        format!(
            r#"{{"id": "{id}", "due": "2026-03-11", "channel": "{channel}", "role": "onsite_consultant",
               "time": {{"start": "{start}", "end": "{end}"}}, "title": {{"zh": "{id}", "en": "{id}"}}}}"#
        )
    };
    let p = builtin_plan(
        &resting,
        &format!(
            r#"{{"outcomes": [], "follow_ups": [{}, {}, {}]}}"#,
            follow_up("a", "phone", "10:00", "11:00"),
            follow_up("b", "phone", "17:00", "19:00"),
            follow_up("c", "in_person", "10:00", "11:00")
        ),
    );
    let window = |id: &str| {
        task(&p, &format!("follow-up/{id}/s-1/0"))
            .window
            .to_string()
    };
    assert_eq!(
        [window("a"), window("b"), window("c")],
        ["18:00-20:30", "18:00-19:00", "10:00-11:00"]
    );
}

/// A follow-up added by hand may name its episode: only that episode's plan makes it,
/// its id naming that episode from the start, whatever the history records (audit 276:
/// with none named, a host's tools gave it the first episode until a record named
/// another, and its id changed). A bad episode id is refused, located.
#[test]
fn a_follow_up_names_the_episode_it_belongs_to() {
    let h = r#"{"outcomes": [], "follow_ups": [{"id": "photos", "due": "2026-03-11", "channel": "phone",
        "role": "onsite_consultant", "title": {"zh": "看照片", "en": "photos"}, "episode": "s-2"}]}"#;
    let first = builtin_plan(SURGERY, h);
    assert!(first.tasks.iter().all(|t| t.program() != "follow-up"));
    let second = builtin_plan(&SURGERY.replace("s-1", "s-2"), h);
    let ids: Vec<String> = (second.tasks.iter())
        .filter(|t| t.program() == "follow-up")
        .map(|t| t.id())
        .collect();
    assert_eq!(ids, ["follow-up/photos/s-2/0"]);
    let err = followup::history::History::from_json("h.json", &h.replace("\"s-2\"", "\"s 2\""))
        .unwrap_err();
    assert_eq!(err.pointer(), "/follow_ups/0/episode");
    assert!(
        err.message().starts_with("invalid episode id \"s 2\""),
        "{}",
        err.message()
    );
}
