//! What facts do to a plan (docs/domain.md §4, §7, §8): facts arriving before, on and after a
//! due day, opt-outs, clear refusals (`declined`), `wait_for`, and the fact-anchored
//! complaint steps. Expected calendars and dropped lists are written by hand.
//!
//! The rule (docs/rule-format.md): a fact counts against a task when it happened strictly
//! before the task's due day at the start of its time window — `day` and `morning` start
//! at 09:00, `afternoon` at 14:00. So a purchase at 10:00 on the due day stops that day's
//! afternoon call but not a 09:00 message of the same day.
//!
//! The lead used throughout: an online lead who booked and did not show, Tue 10 Mar 2026
//! 10:00 (the calendar of tests/golden_presales.rs): thanks-sms and no-show-call on
//! 10 Mar (09:00 / 14:00), first-follow-up Fri 13 Mar 14:00, second-follow-up Sat 14 Mar
//! 14:00 (picked by the consultant up to 9 Apr), 611 messages 15 Mar, 1 and 15 Apr, 1 and
//! 15 May, 1 Jun (09:00), 611 calls 24 Apr and 8 Jun (14:00).

use crate::support::{assert_calendar, builtin, dropped, episode, lines, plan};
use followup::{calendar::Calendar, episode::Episode, plan::DropReason, rules::RuleSet};

/// The no-show online lead of 10 Mar 2026 with `facts` (a JSON array body).
fn lead(facts: &str) -> followup::plan::Plan {
    plan(&format!(
        r#"{{"id": "l-1", "event": "consultation", "at": "2026-03-10T10:00:00",
            "attributes": {{"source": "online", "outcome": "no_show"}}, "patient": {{"id": "p-1"}},
            "facts": [{facts}]}}"#
    ))
}

/// Every 611 occurrence dropped by a conversion before 15 Mar.
const ALL_611_STOPPED: [&str; 8] = [
    "plan-611/day-45-call/l-1/0 stopped converted 2026-04-24",
    "plan-611/day-90-call/l-1/0 stopped converted 2026-06-08",
    "plan-611/message/l-1/0 stopped converted 2026-03-15",
    "plan-611/message/l-1/1 stopped converted 2026-04-01",
    "plan-611/message/l-1/2 stopped converted 2026-04-15",
    "plan-611/message/l-1/3 stopped converted 2026-05-01",
    "plan-611/message/l-1/4 stopped converted 2026-05-15",
    "plan-611/message/l-1/5 stopped converted 2026-06-01",
];

fn with<const N: usize>(base: [&'static str; N], more: &[&'static str]) -> Vec<&'static str> {
    let mut v: Vec<&str> = base.to_vec();
    v.extend_from_slice(more);
    v
}

/// Bought on Thu 12 Mar, the day before the first follow-up: it is dropped (`stopped`,
/// `converted`), and so is the second follow-up ("no second reminder is set either"),
/// and all of the 611 plan. The same-day tasks stay.
#[test]
fn converted_the_day_before_the_first_follow_up() {
    let p = lead(r#"{"kind": "converted", "at": "2026-03-12T18:00:00"}"#);
    assert_calendar(
        &p,
        &[
            "2026-03-10 thanks-sms sms consultant",
            "2026-03-10 no-show-call phone consultant",
        ],
    );
    let mut want = ALL_611_STOPPED.to_vec();
    want.extend([
        "presales/first-follow-up/l-1/0 stopped converted 2026-03-13",
        "presales/second-follow-up/l-1/0 stopped converted 2026-03-14",
    ]);
    assert_eq!(dropped(&p), want);
}

/// Bought at 10:00 on the due day, before the afternoon (14:00) call: the same as buying
/// the day before. So is a purchase at 14:00 sharp, as the window opens, or at 14:00:30:
/// nothing of the call is left (audits 219, 223: it kept 14:00-14:01, a call after the
/// purchase).
#[test]
fn converted_on_the_due_day_morning_stops_the_afternoon_call() {
    let before = lead(r#"{"kind": "converted", "at": "2026-03-12T18:00:00"}"#);
    for at in ["2026-03-13T14:00:00", "2026-03-13T14:00:30"] {
        let sharp = lead(&format!(r#"{{"kind": "converted", "at": "{at}"}}"#));
        assert_eq!(lines(&sharp), lines(&before), "{at}");
        assert_eq!(dropped(&sharp), dropped(&before), "{at}");
    }
    let p = lead(r#"{"kind": "converted", "at": "2026-03-13T10:00:00"}"#);
    assert_eq!(lines(&p), lines(&before));
    assert_eq!(dropped(&p), dropped(&before));
    let first = p
        .dropped
        .iter()
        .find(|d| d.step() == "first-follow-up")
        .unwrap();
    assert_eq!(
        (first.reason, first.detail.as_deref()),
        (DropReason::Stopped, Some("converted"))
    );
}

/// Bought at 15:00 on the due day, after the call's window opened at 14:00: the first
/// follow-up stays (it was due before the purchase); the second (Sat 14 Mar) is stopped.
/// A purchase at 14:01 leaves the call its first minute; one at 14:00 sharp or 14:00:30
/// (windows count whole minutes) stops it (the test above).
#[test]
fn converted_on_the_due_day_afternoon_keeps_that_call() {
    for at in ["2026-03-13T15:00:00", "2026-03-13T14:01:00"] {
        let p = lead(&format!(r#"{{"kind": "converted", "at": "{at}"}}"#));
        assert_calendar(
            &p,
            &[
                "2026-03-10 thanks-sms sms consultant",
                "2026-03-10 no-show-call phone consultant",
                "2026-03-13 first-follow-up phone consultant",
            ],
        );
        let want = with(
            ALL_611_STOPPED,
            &["presales/second-follow-up/l-1/0 stopped converted 2026-03-14"],
        );
        assert_eq!(dropped(&p), want, "converted at {at}");
    }
}

/// A task of several days is judged at the start of its last minute: the 611 call around
/// day 45 of a first visit on Tue 10 Mar 2026 at 16:00 (fixed window 21-27 Apr,
/// 14:00-18:00) stays for a purchase at 18:00 on the 27th, after its window, and is
/// stopped by one at 17:59 (audit 223: a fact at the window's closing minute dropped it
/// whole, and erased the missed call from compliance).
#[test]
fn a_fact_at_the_close_of_a_windows_last_day_is_after_it() {
    let plan = |at: &str| {
        plan(&format!(
            r#"{{"id": "ep-C", "event": "consultation", "at": "2026-03-10T16:00:00",
                "attributes": {{"source": "onsite", "outcome": "visited_no_purchase", "visit": "first"}},
                "patient": {{"id": "p-2"}}, "facts": [{{"kind": "converted", "at": "{at}"}}]}}"#
        ))
    };
    let day_45 = "plan-611/day-45-call/ep-C/0";
    let kept = plan("2026-04-27T18:00:00");
    let call = kept.tasks.iter().find(|t| t.id() == day_45);
    assert_eq!(
        call.map(|t| (t.earliest.to_string(), t.latest.to_string())),
        Some(("2026-04-21".to_string(), "2026-04-27".to_string()))
    );
    let stopped = plan("2026-04-27T17:59:00");
    assert!(dropped(&stopped)
        .iter()
        .any(|d| d.starts_with(&format!("{day_45} stopped converted"))));
}

/// Bought on Mon 16 Mar 09:30, after both follow-ups were due and after the 15 Mar
/// message: the first follow-up and that message stay; the 611 plan stops from 1 Apr.
#[test]
fn converted_after_the_due_day_keeps_the_earlier_tasks() {
    let p = lead(r#"{"kind": "converted", "at": "2026-03-16T09:30:00"}"#);
    assert_calendar(
        &p,
        &[
            "2026-03-10 thanks-sms sms consultant",
            "2026-03-10 no-show-call phone consultant",
            "2026-03-13 first-follow-up phone consultant",
            "2026-03-15 message sms consultant",
        ],
    );
    // The second follow-up's window (staff pick a day from 14 Mar to 9 Apr) was still
    // open when the lead bought: it is judged at the end of its window, and dropped.
    assert_eq!(
        dropped(&p),
        [
            "plan-611/day-45-call/l-1/0 stopped converted 2026-04-24",
            "plan-611/day-90-call/l-1/0 stopped converted 2026-06-08",
            "plan-611/message/l-1/1 stopped converted 2026-04-01",
            "plan-611/message/l-1/2 stopped converted 2026-04-15",
            "plan-611/message/l-1/3 stopped converted 2026-05-01",
            "plan-611/message/l-1/4 stopped converted 2026-05-15",
            "plan-611/message/l-1/5 stopped converted 2026-06-01",
            "presales/second-follow-up/l-1/0 stopped converted 2026-03-14",
        ]
    );
}

/// One day, two windows: the phone lead of Tue 31 Mar has its 611 message #4 (09:00) and
/// its D+45 call (14:00) both on Fri 15 May. Bought at 10:00 that day: the message stays,
/// the call is stopped, and so is everything after.
#[test]
fn a_fact_at_10_stops_the_afternoon_call_but_not_the_morning_message_of_that_day() {
    let p = plan(
        r#"{"id": "l-3", "event": "consultation", "at": "2026-03-31T16:00:00",
            "attributes": {"source": "phone", "outcome": "not_booked"}, "patient": {"id": "p-3"},
            "facts": [{"kind": "converted", "at": "2026-05-15T10:00:00"}]}"#,
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
        ],
    );
    assert_eq!(
        dropped(&p),
        [
            "plan-611/day-45-call/l-3/0 stopped converted 2026-05-15",
            "plan-611/day-90-call/l-3/0 stopped converted 2026-06-29",
            "plan-611/message/l-3/4 stopped converted 2026-06-01",
            "plan-611/message/l-3/5 stopped converted 2026-06-15",
        ]
    );
}

/// A booked lead who came in at 12:00 on the appointment day: the 14:00 no-show call and
/// the follow-ups are stopped (`visited`), but visiting is not buying, so the 611 plan
/// goes on.
#[test]
fn visited_stops_the_booked_leads_calls_but_not_the_611_plan() {
    let p = lead(r#"{"kind": "visited", "at": "2026-03-10T12:00:00"}"#);
    assert_calendar(
        &p,
        &[
            "2026-03-10 thanks-sms sms consultant",
            "2026-03-15 message sms consultant",
            "2026-04-01 message sms consultant",
            "2026-04-15 message sms consultant",
            "2026-04-24 day-45-call phone consultant",
            "2026-05-01 message sms consultant",
            "2026-05-15 message sms consultant",
            "2026-06-01 message sms consultant",
            "2026-06-08 day-90-call phone consultant",
        ],
    );
    assert_eq!(
        dropped(&p),
        [
            "presales/first-follow-up/l-1/0 stopped visited 2026-03-13",
            "presales/no-show-call/l-1/0 stopped visited 2026-03-10",
            "presales/second-follow-up/l-1/0 stopped visited 2026-03-14",
        ]
    );
}

/// An on-site lead is stopped by buying, not by visiting (they already came in).
#[test]
fn visited_does_not_stop_an_onsite_leads_follow_ups() {
    let p = plan(
        r#"{"id": "l-2", "event": "consultation", "at": "2026-03-15T11:00:00",
            "attributes": {"source": "onsite", "outcome": "visited_no_purchase"}, "patient": {"id": "p-2"},
            "facts": [{"kind": "visited", "at": "2026-03-17T10:00:00"}]}"#,
    );
    assert!(p.dropped.is_empty(), "{:?}", p.dropped);
    let steps: Vec<&str> = p.tasks.iter().map(|t| t.step()).collect();
    assert!(
        steps.contains(&"first-follow-up-onsite") && steps.contains(&"second-follow-up-onsite")
    );
}

/// Facts listed in any order give the same plan.
#[test]
fn fact_order_does_not_matter() {
    let a = lead(
        r#"{"kind": "contacted", "at": "2026-03-11T10:00:00"},
           {"kind": "opt_out", "at": "2026-04-20T09:00:00", "channel": "sms"},
           {"kind": "converted", "at": "2026-05-02T10:00:00"}"#,
    );
    let b = lead(
        r#"{"kind": "converted", "at": "2026-05-02T10:00:00"},
           {"kind": "opt_out", "at": "2026-04-20T09:00:00", "channel": "sms"},
           {"kind": "contacted", "at": "2026-03-11T10:00:00"}"#,
    );
    assert_eq!(a, b);
}

/// Opted out of SMS on Wed 15 Apr at 10:00: that day's 09:00 message was already due and
/// stays; the later messages are dropped (`opted_out`, `sms`); calls are untouched.
#[test]
fn opt_out_of_sms_drops_only_the_later_messages() {
    let p = lead(r#"{"kind": "opt_out", "at": "2026-04-15T10:00:00", "channel": "sms"}"#);
    assert_calendar(
        &p,
        &[
            "2026-03-10 thanks-sms sms consultant",
            "2026-03-10 no-show-call phone consultant",
            "2026-03-13 first-follow-up phone consultant",
            "2026-03-14 second-follow-up phone consultant",
            "2026-03-15 message sms consultant",
            "2026-04-01 message sms consultant",
            "2026-04-15 message sms consultant",
            "2026-04-24 day-45-call phone consultant",
            "2026-06-08 day-90-call phone consultant",
        ],
    );
    assert_eq!(
        dropped(&p),
        [
            "plan-611/message/l-1/3 opted_out sms 2026-05-01",
            "plan-611/message/l-1/4 opted_out sms 2026-05-15",
            "plan-611/message/l-1/5 opted_out sms 2026-06-01",
        ]
    );
}

/// An SMS opt-out stops every message (docs/domain.md §8: "An sms opt-out stops every
/// message"): a program of one message a day on each channel from D+1 (event Mon 2 Mar),
/// opted out of SMS on the event's day at 12:00. The WeChat message (Tue 3), the letter
/// (Wed 4) and the SMS (Thu 5) are dropped, each naming the SMS opt-out; the call (Fri 6)
/// and the home visit (Sat 7) go ahead. Opted out of WeChat instead: only the WeChat
/// message is dropped.
#[test]
fn an_sms_opt_out_stops_every_message() {
    let step = |id: &str, day: u32, channel: &str| {
        format!(
            r#"{{"id": "{id}", "offset": "P{day}D", "channel": "{channel}",
                 "title": {{"zh": "{id}", "en": "{id}"}}}}"#
        )
    };
    let steps = [
        step("wechat", 1, "wechat"),
        step("letter", 2, "mail"),
        step("sms", 3, "sms"),
        step("call", 4, "phone"),
        step("visit", 5, "home_visit"),
    ];
    let rules = crate::support::one_program("m", &format!(r#""steps": [{}]"#, steps.join(",")));
    let ep = |channel: &str| {
        episode(&format!(
            r#"{{"id": "e", "event": "x", "at": "2026-03-02T09:00", "patient": {{"id": "p"}},
                "facts": [{{"kind": "opt_out", "at": "2026-03-02T12:00", "channel": "{channel}"}}]}}"#
        ))
    };
    let p = rules.plan(&ep("sms"), &Calendar::default()).unwrap();
    assert_calendar(
        &p,
        &[
            "2026-03-06 call phone customer_service",
            "2026-03-07 visit home_visit customer_service",
        ],
    );
    assert_eq!(
        dropped(&p),
        [
            "m/letter/e/0 opted_out sms 2026-03-04",
            "m/sms/e/0 opted_out sms 2026-03-05",
            "m/wechat/e/0 opted_out sms 2026-03-03",
        ]
    );
    let p = rules.plan(&ep("wechat"), &Calendar::default()).unwrap();
    assert_eq!(p.tasks.len(), 4);
    assert_eq!(dropped(&p), ["m/wechat/e/0 opted_out wechat 2026-03-03"]);
}

/// Opted out of phone calls on Thu 12 Mar: every later call of both programs is dropped
/// (`opted_out`, `phone`), the second follow-up with its anchor; messages go on.
#[test]
fn opt_out_of_phone_drops_the_later_calls_of_every_program() {
    let p = lead(r#"{"kind": "opt_out", "at": "2026-03-12T09:00:00", "channel": "phone"}"#);
    assert!(p
        .tasks
        .iter()
        .all(|t| t.channel() != followup::rules::Channel::Phone
            || t.due <= "2026-03-12".parse().unwrap()));
    assert_eq!(
        dropped(&p),
        [
            "plan-611/day-45-call/l-1/0 opted_out phone 2026-04-24",
            "plan-611/day-90-call/l-1/0 opted_out phone 2026-06-08",
            "presales/first-follow-up/l-1/0 opted_out phone 2026-03-13",
            "presales/second-follow-up/l-1/0 opted_out phone 2026-03-14",
        ]
    );
    assert_eq!(p.tasks.iter().filter(|t| t.step() == "message").count(), 6);
}

/// A complaint is the patient's own request to be answered (docs/domain.md §7: a call the
/// same day, the callback promised in it): the complaint programme counts opt-outs from
/// its event on (`"opt_outs": "from_event"`). A patient who opted out of calls on 5 Jan
/// 2026 complains on Tue 10 Mar at 10:00, the callback promised for Thu 12: the first
/// call (10 Mar, from 10:00), the promised callback and the callbacks every 3 days from
/// 15 Mar are all planned (audit 255: every call was dropped `opted_out`, and a complaint
/// that is not serious left no task at all). Opted out again at 14:00 that day ("stop
/// calling me about it"), the calls after it are dropped; the first call is worth making
/// until then. A surgery after the same January opt-out still gets no call.
#[test]
fn a_complaint_is_answered_whatever_opt_out_came_before_it() {
    let complaint = |facts: &str| {
        plan(&format!(
            r#"{{"id": "k-1", "event": "complaint", "at": "2026-03-10T10:00:00",
                "attributes": {{"about": "swelling"}}, "milestones": {{"promised_callback": "2026-03-12"}},
                "patient": {{"id": "p-1", "opt_outs": [{{"channel": "phone", "at": "2026-01-05T09:00:00"}}]}},
                "facts": [{facts}]}}"#
        ))
    };
    let p = complaint("");
    assert_eq!(dropped(&p), Vec::<String>::new());
    let days: Vec<String> = (p.tasks.iter())
        .take(4)
        .map(|t| format!("{} {} {}", t.step(), t.due, t.window))
        .collect();
    assert_eq!(
        days,
        [
            "first-call 2026-03-10 10:00-18:00",
            "promised-callback 2026-03-12 09:00-18:00",
            "until-resolved-callback 2026-03-15 09:00-18:00",
            "until-resolved-callback 2026-03-18 09:00-18:00",
        ]
    );
    assert_eq!(p.tasks.len(), 12);
    let p = complaint(r#"{"kind": "opt_out", "at": "2026-03-10T14:00:00", "channel": "phone"}"#);
    let first = (p.tasks.iter())
        .find(|t| t.step() == "first-call")
        .map(|t| (t.due, t.expires));
    let day = |d: &str| d.parse::<chrono::NaiveDate>().unwrap();
    assert_eq!(first, Some((day("2026-03-10"), Some(day("2026-03-10")))));
    assert_eq!(
        dropped(&p).first().map(String::as_str),
        Some("complaint/promised-callback/k-1/0 opted_out phone 2026-03-12")
    );
    assert_eq!(p.tasks.len(), 1);
    let surgery = plan(
        r#"{"id": "s-1", "event": "procedure", "at": "2026-03-10T10:00:00",
            "attributes": {"category": "laser"},
            "patient": {"id": "p-1", "opt_outs": [{"channel": "phone", "at": "2026-01-05T09:00:00"}]}}"#,
    );
    assert!(p
        .tasks
        .iter()
        .chain(&surgery.tasks)
        .all(|t| t.channel() != followup::rules::Channel::Phone || t.step() == "first-call"));
    assert!(dropped(&surgery)
        .iter()
        .any(|d| d.contains("day-1-call") && d.contains("opted_out phone")));
}

/// An opt-out also stops the SMS of a treatment course (no `declined` rule needed): the
/// package-5 course of tests/golden_courses.rs, opted out of SMS on Tue 31 Mar.
#[test]
fn opt_out_of_sms_in_a_course() {
    let p = plan(
        r#"{"id": "c-5", "event": "course", "at": "2026-03-02", "patient": {"id": "p-5"},
            "course": {"package": 5, "done": ["2026-03-02", "2026-03-16"],
                       "planned": ["2026-03-30", "2026-04-13", "2026-04-27"]},
            "facts": [{"kind": "opt_out", "at": "2026-03-31T12:00:00", "channel": "sms"}]}"#,
    );
    assert_eq!(
        dropped(&p),
        [
            "treatment-course/course-end-thanks-sms/c-5/0 opted_out sms 2026-04-28",
            "treatment-course/review-reminder/c-5/0 missing_anchor review_visit -",
            "treatment-course/review-thanks-sms/c-5/0 missing_anchor review_visit -",
            "treatment-course/session-reassurance-sms/c-5/3 opted_out sms 2026-04-01",
            "treatment-course/session-reassurance-sms/c-5/4 opted_out sms 2026-04-15",
            "treatment-course/session-reassurance-sms/c-5/5 opted_out sms 2026-04-29",
            "treatment-course/session-reminder/c-5/4 opted_out sms 2026-04-12",
            "treatment-course/session-reminder/c-5/5 opted_out sms 2026-04-26",
        ]
    );
    // The calls all stay: 5 care calls, the planning call and 3 care calls after the end.
    assert_eq!(
        p.tasks
            .iter()
            .filter(|t| t.channel() == followup::rules::Channel::Phone)
            .count(),
        9
    );
}

/// The lead clearly said no on Thu 12 Mar at 11:00. Calls stop at once (`declined`: the
/// first follow-up, the 611 calls; the second follow-up loses its anchor); messages go on
/// up to 6 months after the refusal (12 Sep): all six 611 messages (to 1 Jun) stay. The
/// same-day call on 10 Mar was before the refusal and stays.
#[test]
fn declined_stops_calls_and_keeps_messages() {
    let p = lead(r#"{"kind": "declined", "at": "2026-03-12T11:00:00"}"#);
    assert_calendar(
        &p,
        &[
            "2026-03-10 thanks-sms sms consultant",
            "2026-03-10 no-show-call phone consultant",
            "2026-03-15 message sms consultant",
            "2026-04-01 message sms consultant",
            "2026-04-15 message sms consultant",
            "2026-05-01 message sms consultant",
            "2026-05-15 message sms consultant",
            "2026-06-01 message sms consultant",
        ],
    );
    assert_eq!(
        dropped(&p),
        [
            "plan-611/day-45-call/l-1/0 declined - 2026-04-24",
            "plan-611/day-90-call/l-1/0 declined - 2026-06-08",
            "presales/first-follow-up/l-1/0 declined - 2026-03-13",
            "presales/second-follow-up/l-1/0 declined - 2026-03-14",
        ]
    );
}

/// A refusal on Mon 20 Apr leaves what was due before it: only the 611 calls after it
/// (24 Apr, 8 Jun) are dropped.
#[test]
fn declined_later_keeps_the_calls_due_before_it() {
    let p = lead(r#"{"kind": "declined", "at": "2026-04-20T15:00:00"}"#);
    assert_eq!(
        dropped(&p),
        [
            "plan-611/day-45-call/l-1/0 declined - 2026-04-24",
            "plan-611/day-90-call/l-1/0 declined - 2026-06-08",
        ]
    );
    assert_eq!(p.tasks.len(), 10);
}

/// Messages past the refusal's 6-month horizon. The built-in 611 messages end at D+90, so
/// a refusal after the consultation never reaches its horizon; the rule is shown on the
/// built-in 611 program with 16 messages instead of 6 (to 1 Nov), everything else as
/// built in. Refused Sun 15 Mar at 10:00 (after that day's 09:00 message): horizon
/// 15 Sep. The 15 Sep message is on the horizon and stays; 1 Oct, 15 Oct and 1 Nov are
/// dropped (`past_horizon`); both calls are dropped (`declined`).
#[test]
fn declined_messages_stop_after_the_6_month_horizon() {
    let text = include_str!("../rules/plan-611.json").replace("COUNT=6", "COUNT=16");
    assert_ne!(text, include_str!("../rules/plan-611.json"));
    let rules = RuleSet::builder()
        .source("plan-611-long.json", text)
        .build()
        .unwrap();
    let ep = episode(
        r#"{"id": "l-1", "event": "consultation", "at": "2026-03-10T10:00:00",
            "attributes": {"outcome": "no_show"}, "patient": {"id": "p-1"},
            "facts": [{"kind": "declined", "at": "2026-03-15T10:00:00"}]}"#,
    );
    let p = rules.plan(&ep, &Calendar::default()).unwrap();
    let kept: Vec<String> = p.tasks.iter().map(|t| t.due.to_string()).collect();
    assert_eq!(
        kept,
        [
            "2026-03-15",
            "2026-04-01",
            "2026-04-15",
            "2026-05-01",
            "2026-05-15",
            "2026-06-01",
            "2026-06-15",
            "2026-07-01",
            "2026-07-15",
            "2026-08-01",
            "2026-08-15",
            "2026-09-01",
            "2026-09-15",
        ]
    );
    assert_eq!(
        dropped(&p),
        [
            "plan-611/day-45-call/l-1/0 declined - 2026-04-24",
            "plan-611/day-90-call/l-1/0 declined - 2026-06-08",
            "plan-611/message/l-1/13 past_horizon 2026-09-15 2026-10-01",
            "plan-611/message/l-1/14 past_horizon 2026-09-15 2026-10-15",
            "plan-611/message/l-1/15 past_horizon 2026-09-15 2026-11-01",
        ]
    );
}

/// A refusal and an SMS opt-out together: the opt-out wins for messages (it has no
/// horizon), the refusal for calls.
#[test]
fn opt_out_comes_before_declined() {
    let p = lead(
        r#"{"kind": "declined", "at": "2026-03-12T11:00:00"},
           {"kind": "opt_out", "at": "2026-04-02T11:00:00", "channel": "sms"}"#,
    );
    assert_eq!(
        dropped(&p),
        [
            "plan-611/day-45-call/l-1/0 declined - 2026-04-24",
            "plan-611/day-90-call/l-1/0 declined - 2026-06-08",
            "plan-611/message/l-1/2 opted_out sms 2026-04-15",
            "plan-611/message/l-1/3 opted_out sms 2026-05-01",
            "plan-611/message/l-1/4 opted_out sms 2026-05-15",
            "plan-611/message/l-1/5 opted_out sms 2026-06-01",
            "presales/first-follow-up/l-1/0 declined - 2026-03-13",
            "presales/second-follow-up/l-1/0 declined - 2026-03-14",
        ]
    );
}

/// A refusal belongs to the patient (docs/domain.md §8): a program without a `declined` rule
/// (the treatment course) honours it too, by the default rule — no calls, messages for 6
/// months. Course of 2 sessions (Mon 2 and 16 Mar), refusal on Tue 3 Mar at 09:30: the
/// planning call of 3 Mar, due from 09:00, was due before it and stays, its window ended
/// at the refusal (one at 09:00 sharp would leave it nothing); the doctor's-assistant calls of 5 and 19
/// Mar and the month calls of 17 Apr, 17 May and 17 Jun are dropped; the messages (4, 15,
/// 17, 18 Mar) and the supervisor's internal task stay. The same refusal given as the
/// patient's `declined` instead of a fact gives the same plan.
#[test]
fn a_refusal_stops_the_calls_of_a_program_without_a_declined_rule() {
    let json = |facts: &str, patient: &str| {
        format!(
            r#"{{"id": "c-5", "event": "course", "at": "2026-03-02", "patient": {{"id": "p-5"{patient}}},
                "course": {{"package": 2, "done": ["2026-03-02"], "planned": ["2026-03-16"]}},
                "facts": [{facts}]}}"#
        )
    };
    let refused = plan(&json(
        r#"{"kind": "declined", "at": "2026-03-03T09:30:00"}"#,
        "",
    ));
    assert_eq!(
        dropped(&refused),
        [
            "treatment-course/course-end-month-1-call/c-5/0 declined - 2026-04-17",
            "treatment-course/course-end-month-2-call/c-5/0 declined - 2026-05-17",
            "treatment-course/course-end-month-3-call/c-5/0 declined - 2026-06-17",
            "treatment-course/review-reminder/c-5/0 missing_anchor review_visit -",
            "treatment-course/review-thanks-sms/c-5/0 missing_anchor review_visit -",
            "treatment-course/session-care-call/c-5/1 declined - 2026-03-05",
            "treatment-course/session-care-call/c-5/2 declined - 2026-03-19",
        ]
    );
    let kept: Vec<String> = crate::support::lines(&refused);
    assert_eq!(
        kept,
        [
            "2026-03-03 course-planning-call phone onsite_consultant",
            "2026-03-04 session-reassurance-sms sms customer_service",
            "2026-03-15 session-reminder sms customer_service",
            "2026-03-17 course-end-thanks-sms sms customer_service",
            "2026-03-18 session-reassurance-sms sms customer_service",
        ]
    );
    // The course-planning call, due at 09:00 before the patient refused, stays, worth doing
    // that day only; its supervisor's escalation when its wait ends (4 April) is left
    // out: the refusal ended the call it would look into (audit 77).
    let call = (refused.tasks.iter()).find(|t| t.step() == "course-planning-call");
    assert_eq!(call.and_then(|t| t.expires), "2026-03-03".parse().ok());
    let by_patient = plan(&json("", r#", "declined": "2026-03-03T09:30:00""#));
    assert_eq!(by_patient.tasks, refused.tasks);
    assert_eq!(by_patient.dropped, refused.dropped);
}

const UPSELL: &str = r#"{
  "format": "followup/v1", "id": "upsell", "name": {"zh": "二次开发", "en": "Upsell"},
  "applies": {"event": "procedure"},
  "vocabulary": {"facts": ["visited"]},
  "steps": [
    {"id": "care-call", "offset": "P1D", "title": {"zh": "关怀", "en": "Care"}},
    {"id": "needs-call", "offset": "P1M",
     "wait_for": {"fact": "recovered", "max": "P2M", "then": "drop"},
     "title": {"zh": "需求", "en": "Further needs"}}
  ]
}"#;

fn upsell(facts: &str) -> followup::plan::Plan {
    let rules = RuleSet::builder()
        .source("upsell.json", UPSELL)
        .build()
        .unwrap();
    let ep: Episode = episode(&format!(
        r#"{{"id": "u-1", "event": "procedure", "at": "2026-03-02", "patient": {{"id": "p-u"}},
            "facts": [{facts}]}}"#
    ));
    rules.plan(&ep, &Calendar::default()).unwrap()
}

/// docs/domain.md §8: no selling while the patient has not recovered. Without a `recovered`
/// fact the sales-flavoured call (2 Apr) carries `waits_for: recovered` (and says so in
/// JSON); the care call does not. Once the fact is recorded, nothing waits. The task is
/// planned either way: waiting is not dropping. The wait has a limit (two months): with
/// no recovery by 2 Jun the call expires then (`"then": "drop"`).
#[test]
fn wait_for_marks_the_task_until_the_fact_happens() {
    let p = upsell("");
    assert_calendar(
        &p,
        &[
            "2026-03-03 care-call phone customer_service",
            "2026-04-02 needs-call phone customer_service",
        ],
    );
    assert_eq!(p.tasks[0].waits_for(), None);
    assert_eq!(p.tasks[1].waits_for(), Some("recovered"));
    assert_eq!(
        p.tasks[1].expires.map(|d| d.to_string()).as_deref(),
        Some("2026-06-02")
    );
    let json = serde_json::to_value(&p.tasks[1]).unwrap();
    assert_eq!(json["waits_for"], "recovered");
    assert!(serde_json::to_value(&p.tasks[0])
        .unwrap()
        .get("waits_for")
        .is_none());

    let p = upsell(r#"{"kind": "recovered", "at": "2026-03-20T10:00:00"}"#);
    assert!(p.tasks.iter().all(|t| t.waits_for().is_none()), "{p:?}");
    assert!(p.dropped.is_empty());
    // Another fact kind does not end the wait.
    let p = upsell(r#"{"kind": "visited", "at": "2026-03-20T10:00:00"}"#);
    assert_eq!(p.tasks[1].waits_for(), Some("recovered"));
}

/// "Holds a task until a fact": recovered only on Fri 24 Apr 2026, after the needs call's
/// day (2 Apr). The call moves to 24 Apr and says why; it keeps its id and nominal day.
#[test]
fn wait_for_moves_the_task_to_a_fact_that_comes_after_its_day() {
    let p = upsell(r#"{"kind": "recovered", "at": "2026-04-24T10:00:00"}"#);
    let needs = p.tasks.iter().find(|t| t.step() == "needs-call").unwrap();
    assert_eq!(
        (needs.nominal.to_string(), needs.due.to_string()),
        ("2026-04-02".into(), "2026-04-24".into())
    );
    assert_eq!(
        needs.shifted,
        Some(followup::calendar::ShiftReason::WaitedForFact)
    );
    assert_eq!(needs.waits_for(), None);
    assert_eq!(needs.id(), "upsell/needs-call/u-1/0");
    // A clinic closed on Fridays: the first open day from 24 Apr is Sat 25 Apr.
    let rules = RuleSet::builder()
        .source("upsell.json", UPSELL)
        .build()
        .unwrap();
    let ep = episode(
        r#"{"id": "u-1", "event": "procedure", "at": "2026-03-02", "patient": {"id": "p-u"},
            "facts": [{"kind": "recovered", "at": "2026-04-24T10:00:00"}]}"#,
    );
    let cal = Calendar::from_json("c", r#"{"closed_weekdays": ["Fri"]}"#).unwrap();
    let p = rules.plan(&ep, &cal).unwrap();
    let needs = p.tasks.iter().find(|t| t.step() == "needs-call").unwrap();
    assert_eq!(needs.due.to_string(), "2026-04-25");
}

/// docs/domain.md §7. Complaint on Mon 2 Mar 2026: the same-day call; the callback promised
/// for Wed 4 Mar (milestone `promised_callback`); resolved Fri 6 Mar 16:00, so the
/// confirmation call is the day after, Sat 7 Mar (the default calendar is open every day).
/// The callbacks every 3 days after the promised one (7, 10 … 4 Apr) all come after the
/// resolution: the ten are stopped by it.
#[test]
fn complaint_with_promised_callback_and_resolution() {
    let p = plan(
        r#"{"id": "k-1", "event": "complaint", "at": "2026-03-02T10:00:00", "patient": {"id": "p-k"},
            "milestones": {"promised_callback": "2026-03-04"},
            "facts": [{"kind": "complaint_resolved", "at": "2026-03-06T16:00:00"}]}"#,
    );
    assert_calendar(
        &p,
        &[
            "2026-03-02 first-call phone customer_service",
            "2026-03-04 promised-callback phone customer_service",
            "2026-03-07 resolution-confirmation phone customer_service",
        ],
    );
    let loop_days = [
        "2026-03-07",
        "2026-03-10",
        "2026-03-13",
        "2026-03-16",
        "2026-03-19",
        "2026-03-22",
        "2026-03-25",
        "2026-03-28",
        "2026-03-31",
        "2026-04-03",
    ];
    let expected: Vec<String> = (loop_days.iter().enumerate())
        .map(|(n, day)| {
            format!("complaint/until-resolved-callback/k-1/{n} stopped complaint_resolved {day}")
        })
        .collect();
    assert_eq!(dropped(&p), expected);
}

/// Just recorded: no promised day yet (listed as `missing_anchor`, naming the milestone,
/// and the ten callbacks that follow it as `anchor_dropped`) and not resolved (nothing
/// planned, nothing dropped for the confirmation).
#[test]
fn complaint_just_recorded() {
    let p = plan(
        r#"{"id": "k-2", "event": "complaint", "at": "2026-03-02T10:00:00", "patient": {"id": "p-k"}}"#,
    );
    assert_calendar(&p, &["2026-03-02 first-call phone customer_service"]);
    let mut expected =
        vec!["complaint/promised-callback/k-2/0 missing_anchor promised_callback -".to_string()];
    // The ten callbacks after the promised one (COUNT=10) go with it.
    expected.extend((0..10).map(|n| {
        format!("complaint/until-resolved-callback/k-2/{n} anchor_dropped promised-callback -")
    }));
    assert_eq!(dropped(&p), expected);
}

/// Resolved twice (reopened, then resolved again): one confirmation per resolution,
/// numbered in time order whatever the order the facts are listed in.
#[test]
fn complaint_resolved_twice_gets_two_confirmations() {
    let p = plan(
        r#"{"id": "k-3", "event": "complaint", "at": "2026-03-02T10:00:00", "patient": {"id": "p-k"},
            "milestones": {"promised_callback": "2026-03-03"},
            "facts": [{"kind": "complaint_resolved", "at": "2026-03-20T09:00:00"},
                      {"kind": "complaint_resolved", "at": "2026-03-05T17:00:00"}]}"#,
    );
    let confirmations: Vec<(String, String)> = p
        .tasks
        .iter()
        .filter(|t| t.step() == "resolution-confirmation")
        .map(|t| (t.id().clone(), t.due.to_string()))
        .collect();
    assert_eq!(
        confirmations,
        [
            (
                "complaint/resolution-confirmation/k-3/0".to_string(),
                "2026-03-06".to_string()
            ),
            (
                "complaint/resolution-confirmation/k-3/1".to_string(),
                "2026-03-21".to_string()
            ),
        ]
    );
}

/// The fact-anchored request step of the repair after-sales (seed 003: a request raised
/// in a callback is resolved within one day): due the day the request was raised, on time
/// until the next day.
#[test]
fn request_raised_is_resolved_within_a_day() {
    let p = plan(&crate::support::key_request_episode(
        "r-1",
        "2026-03-02T10:00:00",
        "2026-03-03T11:00:00",
    ));
    let t = crate::support::task_of(&p, "request-resolution").unwrap();
    assert_eq!(
        (
            t.earliest.to_string(),
            t.due.to_string(),
            t.latest.to_string()
        ),
        (
            "2026-03-03".into(),
            "2026-03-03".into(),
            "2026-03-04".into()
        )
    );
}

/// docs: `opt_out` needs a `channel`. An opt-out without one is accepted and silently
/// does nothing: the patient who asked not to be contacted is still contacted.
#[test]
fn opt_out_without_a_channel_is_rejected() {
    let r = Episode::from_json(
        "ep",
        r#"{"id": "l-1", "event": "consultation", "at": "2026-03-10", "patient": {"id": "p-1"},
            "facts": [{"kind": "opt_out", "at": "2026-03-11"}]}"#,
    );
    assert!(r.is_err(), "accepted: {r:?}");
}

/// docs/domain.md §4: a follow-up is dropped if, before it is due, the lead came in or bought.
/// The second follow-up is due on a day the consultant picks between D+4 (Sat 14 Mar)
/// and D+30 (9 Apr): facts count until the end of that window, so a lead who bought on
/// Fri 20 Mar has no second follow-up (judged on its first possible day only, it stayed,
/// and the consultant might call a customer who had bought).
#[test]
fn converted_inside_the_picked_window_stops_the_second_follow_up() {
    let p = lead(r#"{"kind": "converted", "at": "2026-03-20T10:00:00"}"#);
    assert!(
        p.dropped
            .iter()
            .any(|d| d.step() == "second-follow-up" && d.reason == DropReason::Stopped),
        "second follow-up kept after the purchase: {:?}",
        p.tasks.iter().find(|t| t.step() == "second-follow-up")
    );
}

/// Facts count against a staff-picked task until the end of its window, its last day's
/// time window included (docs/rule-format.md: "facts count against it until the end of
/// its window"): the second follow-up's window ends Thu 9 Apr (D+30), 14:00-18:00; a
/// purchase that day at 17:37 stops it (audit 20: only before 14:00 did), one at 18:30
/// comes after it.
#[test]
fn a_purchase_on_the_last_afternoon_of_the_picked_window_stops_it() {
    let stopped = |at: &str| {
        lead(&format!(r#"{{"kind": "converted", "at": "{at}"}}"#))
            .dropped
            .iter()
            .any(|d| d.step() == "second-follow-up" && d.reason == DropReason::Stopped)
    };
    assert!(stopped("2026-04-09T17:37:00"));
    assert!(!stopped("2026-04-09T18:30:00"));
}

/// The calendar's closed days do not change which facts count: the first follow-up moved
/// from Fri 13 Mar (closed) to Sat 14 Mar is judged at its new due day, so a purchase on
/// 13 Mar at 15:00 stops it.
#[test]
fn facts_are_judged_against_the_shifted_due_day() {
    let cal = Calendar::from_json("cal", r#"{"closed_dates": ["2026-03-13"]}"#).unwrap();
    let ep = episode(
        r#"{"id": "l-1", "event": "consultation", "at": "2026-03-10T10:00:00",
            "attributes": {"source": "online", "outcome": "no_show"}, "patient": {"id": "p-1"},
            "facts": [{"kind": "converted", "at": "2026-03-13T15:00:00"}]}"#,
    );
    let p = builtin().plan(&ep, &cal).unwrap();
    let first = p
        .dropped
        .iter()
        .find(|d| d.step() == "first-follow-up")
        .unwrap();
    assert_eq!(first.reason, DropReason::Stopped);
    assert_eq!(first.nominal, Some("2026-03-13".parse().unwrap()));
}

/// A program of one needs call a month after the event that waits as `wait` says.
fn wait_rules(wait: &str) -> RuleSet {
    crate::support::one_program(
        "w",
        &format!(
            r#""steps": [{{"id": "needs-call", "offset": "P1M", "wait_for": {wait},
                 "title": {{"zh": "需求", "en": "Further needs"}}}}]"#
        ),
    )
}

/// An episode of 2 Mar 2026 (id `u-2`) with `facts` (JSON objects, comma-separated).
fn wait_episode(facts: &str) -> Episode {
    episode(&format!(
        r#"{{"id": "u-2", "event": "x", "at": "2026-03-02", "patient": {{"id": "p-u"}},
            "facts": [{facts}]}}"#
    ))
}

/// A wait with no limit given lasts a month and then goes ahead (`proceed`): a wait never
/// withholds a task for good. Needs call of 2 Apr, no recovery: it goes ahead on 2 May
/// (`wait_ended`), nothing waits. With `"then": "escalate"` it waits, expires at the end
/// of its wait (2 May), and a supervisor gets a task the day after (3 May), id
/// `…/0/escalation`. A recovery on 20 Apr brings either back to a plain task on 20 Apr.
#[test]
fn a_wait_ends_by_its_then_proceed_or_escalate() {
    let (rules, ep) = (wait_rules, wait_episode);
    let cal = Calendar::default();
    let proceed = rules(r#""recovered""#).plan(&ep(""), &cal).unwrap();
    assert_calendar(
        &proceed,
        &["2026-05-02 needs-call phone customer_service <- 2026-04-02 (wait_ended)"],
    );
    assert_eq!(proceed.tasks[0].waits_for(), None);

    let escalate = rules(r#"{"fact": "recovered", "then": "escalate"}"#);
    let p = escalate.plan(&ep(""), &cal).unwrap();
    assert_calendar(
        &p,
        &[
            "2026-04-02 needs-call phone customer_service",
            "2026-05-03 needs-call/escalation internal supervisor <- 2026-05-02 (wait_ended)",
        ],
    );
    assert_eq!(
        p.tasks[0].expires.map(|d| d.to_string()).as_deref(),
        Some("2026-05-02")
    );
    assert_eq!(p.tasks[1].id(), "w/needs-call/u-2/0/escalation");
    let back: followup::plan::Task =
        serde_json::from_str(&serde_json::to_string(&p.tasks[1]).unwrap()).unwrap();
    assert_eq!(back, p.tasks[1]);

    let recovered = r#"{"kind": "recovered", "at": "2026-04-20T10:00:00"}"#;
    for rules in [rules(r#""recovered""#), escalate] {
        let p = rules.plan(&ep(recovered), &cal).unwrap();
        assert_calendar(
            &p,
            &["2026-04-20 needs-call phone customer_service <- 2026-04-02 (waited_for_fact)"],
        );
    }
}

/// The task that waited comes after the fact on the fact's day (README "Time of day": a
/// task counted from a fact starts after the fact's time; §8: no selling before the
/// recovery is recorded). The needs call of Thu 2 Apr 2026 (day window 09:00-18:00):
/// recovered on Mon 20 Apr at 10:00, it is due 20 Apr from 10:00 (audit 16: from 09:00,
/// and a call at 09:00 was on time); recovered on its own day, 2 Apr, at 15:30, it stays
/// that day from 15:30; recovered at 18:30 on 20 Apr, nothing of the day is left: Tue 21
/// Apr, the morning part of its window (09:00-12:00), `after_event`.
#[test]
fn a_task_that_waited_comes_after_the_facts_time() {
    let cal = Calendar::default();
    let at = |fact: &str| {
        let p = wait_rules(r#""recovered""#)
            .plan(
                &wait_episode(&format!(r#"{{"kind": "recovered", "at": "{fact}"}}"#)),
                &cal,
            )
            .unwrap();
        let Some(t) = p.tasks.first() else {
            return format!("{:?}", crate::support::dropped(&p));
        };
        format!(
            "{} {}-{} {:?}",
            t.due,
            t.window.start.format("%H:%M"),
            t.window.end.format("%H:%M"),
            t.shifted.map(|s| s.name())
        )
    };
    assert_eq!(
        at("2026-04-20T10:00:00"),
        "2026-04-20 10:00-18:00 Some(\"waited_for_fact\")"
    );
    assert_eq!(at("2026-04-02T15:30:00"), "2026-04-02 15:30-18:00 None");
    assert_eq!(
        at("2026-04-20T18:30:00"),
        "2026-04-21 09:00-12:00 Some(\"after_event\")"
    );
}

/// docs/domain.md §8: "a wait has a limit". A fact recorded after the wait has ended
/// comes too late and changes nothing: the needs call of 2 Apr waits a month (to 2 May);
/// recovered on 20 May, the call went ahead on 2 May (`proceed`), or it waited and expired
/// on 2 May, with the supervisor's task on 3 May (`escalate`) or without (`drop`) — the
/// plan is the one without the fact, not a sales call revived on 20 May. On the last day
/// of the wait (2 May) the fact is still in time.
#[test]
fn a_fact_after_the_end_of_the_wait_comes_too_late() {
    let rules = wait_rules;
    let ep = |at: &str| wait_episode(&format!(r#"{{"kind": "recovered", "at": "{at}"}}"#));
    let cal = Calendar::default();
    let late = ep("2026-05-20T10:00:00");
    let p = rules(r#""recovered""#).plan(&late, &cal).unwrap();
    assert_calendar(
        &p,
        &["2026-05-02 needs-call phone customer_service <- 2026-04-02 (wait_ended)"],
    );
    for (then, expected) in [
        (
            "drop",
            &["2026-04-02 needs-call phone customer_service"][..],
        ),
        (
            "escalate",
            &[
                "2026-04-02 needs-call phone customer_service",
                "2026-05-03 needs-call/escalation internal supervisor <- 2026-05-02 (wait_ended)",
            ][..],
        ),
    ] {
        let p = rules(&format!(r#"{{"fact": "recovered", "then": "{then}"}}"#))
            .plan(&late, &cal)
            .unwrap();
        assert_calendar(&p, expected);
        assert_eq!(p.tasks[0].waits_for(), Some("recovered"), "{then}");
        assert_eq!(
            p.tasks[0].expires.map(|d| d.to_string()).as_deref(),
            Some("2026-05-02"),
            "{then}"
        );
    }
    // Recovered on the wait's last day: in time.
    let p = rules(r#"{"fact": "recovered", "then": "drop"}"#)
        .plan(&ep("2026-05-02T17:00:00"), &cal)
        .unwrap();
    assert_calendar(
        &p,
        &["2026-05-02 needs-call phone customer_service <- 2026-04-02 (waited_for_fact)"],
    );
    assert_eq!(p.tasks[0].waits_for(), None);
}

/// An SMS opt-out recorded on the patient holds in the aftercare programs too: plastic
/// outpatient operated Mon 2 Mar 2026, opted out of SMS on 5 Mar — the messages before
/// (dressing-change reminder, 3 Mar) go out, every later one is dropped `opted_out`.
#[test]
fn a_patients_sms_opt_out_holds_in_the_aftercare_programs() {
    let p = plan(
        r#"{"id": "ep-o", "event": "procedure", "at": "2026-03-02", "patient": {"id": "p-o",
            "opt_outs": [{"channel": "sms", "at": "2026-03-05T00:00:00"}]},
            "attributes": {"category": "plastic", "setting": "outpatient"}}"#,
    );
    let sms: Vec<String> = p
        .tasks
        .iter()
        .filter(|t| t.channel() == followup::rules::Channel::Sms)
        .map(|t| format!("{} {}", t.due, t.step()))
        .collect();
    assert_eq!(sms, ["2026-03-03 dressing-change-reminder"]);
    let opted: Vec<&str> = p
        .dropped
        .iter()
        .filter(|d| d.reason == DropReason::OptedOut)
        .map(|d| d.step())
        .collect();
    assert_eq!(
        opted,
        [
            "month-1-sms",
            "month-12-sms",
            "month-3-sms",
            "month-6-sms",
            "suture-removal-followup",
            "suture-removal-reminder"
        ]
    );
}

/// docs/domain.md §8: a refusal stops the follow-up the patient said no to, from then on;
/// "the care call itself always happens". A patient who said no on 10 Jan 2025 (as a
/// lead) and came back for surgery on Mon 2 Mar 2026 has not refused the aftercare of that
/// surgery: the refusal, whether on the patient, as an episode fact, or the same day
/// before the event, leaves the new episode's calls and reminders as they are (audit
/// case C43: before, one task of 19 was left, the in-person reception). A refusal on the
/// day of the event counts, as before: from it, no calls.
#[test]
fn a_refusal_before_the_event_does_not_stop_the_new_episodes_care() {
    let surgery = |patient: &str, facts: &str| {
        plan(&format!(
            r#"{{"id": "s-1", "event": "procedure", "at": "2026-03-02T10:00:00",
                "attributes": {{"category": "plastic", "setting": "outpatient"}},
                "patient": {{"id": "p-1"{patient}}}, "facts": [{facts}]}}"#
        ))
    };
    let fresh = surgery("", "");
    assert!(fresh.tasks.len() >= 15, "{}", fresh.tasks.len());
    let old_on_patient = surgery(r#", "declined": "2025-01-10T11:00:00""#, "");
    let old_fact = surgery("", r#"{"kind": "declined", "at": "2025-01-10T11:00:00"}"#);
    // The morning of the surgery, before it (audit 36: the same day counted).
    let that_morning = surgery(r#", "declined": "2026-03-02T09:00:00""#, "");
    for p in [&old_on_patient, &old_fact, &that_morning] {
        assert_eq!(lines(p), lines(&fresh));
        assert_eq!(dropped(p), dropped(&fresh));
    }
    // Said no at 16:00 on the day of the surgery: the calls from the next day on stop.
    let same_day = surgery(r#", "declined": "2026-03-02T16:00:00""#, "");
    let calls = |p: &followup::plan::Plan| {
        p.tasks
            .iter()
            .filter(|t| t.channel() == followup::rules::Channel::Phone)
            .count()
    };
    assert!(calls(&fresh) >= 6, "{}", calls(&fresh));
    assert_eq!(calls(&same_day), 0, "{:?}", lines(&same_day));
    assert!(dropped(&same_day)
        .iter()
        .any(|d| d.contains("day-1-call") && d.contains(" declined ")));
}

/// The same for a step that stops at a refusal (`stop_when: ["declined"]`, the lead's
/// follow-ups): a lead who said no on the phone at 09:00 and walked in for a consultation
/// at 16:00 the same day (Mon 16 Mar 2026, onsite, visited without buying) gets the
/// consultation's follow-up — first follow-up, second follow-up, lead ownership — as a
/// lead who never said no, whether the refusal is an episode fact or a `declined`
/// recorded on another episode's task (audit 62 A1: the steps' `stop_when` counted the
/// refusal by its day, and dropped all three `stopped` while the refusal rule let the
/// 611 calls go ahead). Said no at 17:00, after the consultation, the three stop.
#[test]
fn a_refusal_before_a_consultation_that_day_does_not_stop_its_follow_up() {
    let lead = |facts: &str| {
        episode(&format!(
            r#"{{"id": "l-1", "event": "consultation", "at": "2026-03-16T16:00:00",
                "attributes": {{"source": "onsite", "outcome": "visited_no_purchase", "visit": "first",
                                "assigned_to": "customer_service"}},
                "patient": {{"id": "p-l"}}, "facts": [{facts}]}}"#
        ))
    };
    let cal = followup::calendar::Calendar::default();
    let fresh = builtin().plan(&lead(""), &cal).unwrap();
    let steps = [
        "first-follow-up-onsite",
        "second-follow-up-onsite",
        "reassign-stale-lead",
    ];
    for step in steps {
        assert!(
            fresh.tasks.iter().any(|t| t.step() == step),
            "{step}: {:?}",
            lines(&fresh)
        );
    }
    let morning = builtin()
        .plan(
            &lead(r#"{"kind": "declined", "at": "2026-03-16T09:00:00"}"#),
            &cal,
        )
        .unwrap();
    let history = followup::history::History::from_json(
        "history",
        r#"{"outcomes": [{"task": "presales/first-follow-up-onsite/l-0/0", "outcome": "declined",
                          "at": "2026-03-16T09:00:00"}]}"#,
    )
    .unwrap();
    let on_another_task = builtin().plan_with(&lead(""), &history, &cal).unwrap();
    for p in [&morning, &on_another_task] {
        assert_eq!(lines(p), lines(&fresh));
        assert_eq!(dropped(p), dropped(&fresh));
    }
    let after = builtin()
        .plan(
            &lead(r#"{"kind": "declined", "at": "2026-03-16T17:00:00"}"#),
            &cal,
        )
        .unwrap();
    for step in steps {
        assert!(
            !after.tasks.iter().any(|t| t.step() == step),
            "{step}: {:?}",
            lines(&after)
        );
    }
}

/// docs/domain.md §8: a refusal and an SMS opt-out belong to the patient, and rest hours
/// hold for every call (§9). One patient, three episodes planned together: a plastic
/// outpatient surgery on Tue 10 Feb 2026 at 10:00, a consultation on Wed 11 Feb with a
/// `declined` fact on Thu 12 Feb at 10:00, and a laser session on Thu 12 Feb at 15:00,
/// whose patient opted out of SMS on Fri 13 Feb and rests until 13:00.
/// `Episode::with_patient_of` gives each plan the patient as the three know them:
/// - the surgery's calls due by the refusal stay (day 1, Wed 11 Feb, 13:00-17:00: the
///   rest hours given on the laser, until 13:00, and on the surgery, from 17:00, are
///   both the patient's; audit 38: a copy's own hid the other's); from Fri 13 Feb on, no
///   call: `declined`; its messages stop after the opt-out (`opted_out`);
/// - the laser session came after the refusal: its calls go ahead (day 1 Fri 13 Feb, day
///   3 Sun 15 Feb…), 13:00-17:00 too;
/// - planned alone, the surgery knows nothing of either (audit 36: its calls went on).
#[test]
fn a_patients_refusal_opt_out_and_rest_hours_hold_for_all_their_episodes() {
    let ep = |json: &str| crate::support::episode(json);
    let surgery = ep(
        r#"{"id": "s", "event": "procedure", "at": "2026-02-10T10:00:00",
        "attributes": {"category": "plastic", "setting": "outpatient"},
        "patient": {"id": "p-9", "rest_hours": [{"start": "17:00", "end": "23:59"}]}}"#,
    );
    let consultation = ep(
        r#"{"id": "c", "event": "consultation", "at": "2026-02-11T16:00:00",
        "attributes": {"outcome": "not_booked", "source": "phone"}, "patient": {"id": "p-9"},
        "facts": [{"kind": "declined", "at": "2026-02-12T10:00:00"}]}"#,
    );
    let laser = ep(
        r#"{"id": "l", "event": "procedure", "at": "2026-02-12T15:00:00",
        "attributes": {"category": "laser"},
        "patient": {"id": "p-9", "rest_hours": [{"start": "00:00", "end": "13:00"}]},
        "facts": [{"kind": "opt_out", "channel": "sms", "at": "2026-02-13T08:00:00"}]}"#,
    );
    let all = [surgery.clone(), consultation, laser.clone()];
    let cal = Calendar::default();
    let rules = followup::rules::RuleSet::builtin().unwrap();
    let s = rules.plan(&surgery.with_patient_of(&all), &cal).unwrap();
    let calls = |p: &followup::plan::Plan| -> Vec<String> {
        (p.tasks.iter())
            .filter(|t| t.channel() == followup::rules::Channel::Phone)
            .map(|t| format!("{} {} {}", t.due, t.step(), t.window))
            .collect()
    };
    assert_eq!(calls(&s), ["2026-02-11 day-1-call 13:00-17:00"]);
    let reason = |p: &followup::plan::Plan, step: &str| {
        (p.dropped.iter())
            .find(|d| d.step() == step)
            .map(|d| d.reason.name())
    };
    assert_eq!(reason(&s, "day-3-call"), Some("declined"));
    assert_eq!(reason(&s, "month-1-sms"), Some("opted_out"));
    let alone = rules.plan(&surgery, &cal).unwrap();
    assert!(alone.tasks.iter().any(|t| t.step() == "day-3-call"));
    assert!(alone.tasks.iter().any(|t| t.step() == "month-1-sms"));
    let l = rules.plan(&laser.with_patient_of(&all), &cal).unwrap();
    let laser_calls = calls(&l);
    assert_eq!(
        laser_calls.get(..2),
        Some(
            &[
                "2026-02-13 day-1-call 13:00-17:00".to_string(),
                "2026-02-15 day-3-call 13:00-17:00".to_string()
            ][..]
        )
    );
    assert!(
        laser_calls.iter().all(|c| c.ends_with(" 13:00-17:00")),
        "{laser_calls:?}"
    );
}

/// docs/domain.md §4: "a follow-up is dropped if, before it is due, the customer came in
/// or bought" — after the consultation. A purchase dated a month before it (an earlier
/// purchase, or the year typed wrong) stops nothing: the plan is the plan without it
/// (audit case H21: before, every follow-up and the six 611 messages were `stopped`).
/// The same purchase on the consultation's day, even an hour before it, counts as before.
#[test]
fn a_stop_fact_dated_before_the_event_stops_nothing() {
    let none = lead("");
    let before = lead(r#"{"kind": "converted", "at": "2026-02-10T10:00:00"}"#);
    assert_eq!(lines(&before), lines(&none));
    assert_eq!(dropped(&before), dropped(&none));
    let same_day = lead(r#"{"kind": "converted", "at": "2026-03-10T09:00:00"}"#);
    for d in ALL_611_STOPPED {
        assert!(dropped(&same_day).iter().any(|x| x == d), "{d}");
    }
}

/// A task moved by its wait counts its expiry from the day the wait gives it — the fact's
/// day, or the end of the wait — before the calendar moves it (docs/rule-format.md,
/// "Expiry"; audit 26). The needs call's rule day is Thu 2 Apr 2026; a phone call expires 7
/// days after its last on-time day. Recovered on Mon 20 Apr (2 Apr + 18 days) in a clinic
/// closed on Mondays: due Tue 21 Apr, expires 27 Apr (20 + 7), as in a clinic open that
/// Monday. No recovery: the wait ends Sat 2 May; closed that day, the call goes ahead on
/// Sun 3 May and expires 9 May (2 + 7). A closure of 20-30 April leaves the recovered call
/// no day from the recovery to 27 April (the next open day, 1 May, is past it): dropped
/// `expired`, as any call whose closure outlasts its expiry (audit 56: it went to 1 May,
/// its expiry moved with it).
#[test]
fn a_wait_counts_expiry_from_the_day_it_gives_not_the_calendars() {
    let plan = |wait: &str, facts: &str, cal: &str| {
        let cal = Calendar::from_json("cal", cal).unwrap();
        wait_rules(wait).plan(&wait_episode(facts), &cal).unwrap()
    };
    let expires = |wait: &str, facts: &str, cal: &str| {
        let p = plan(wait, facts, cal);
        let t = &p.tasks[0];
        (t.due.to_string(), t.expires.map(|d| d.to_string()))
    };
    let recovered = r#"{"kind": "recovered", "at": "2026-04-20T10:00:00"}"#;
    let day = |d: &str, e: &str| (d.to_string(), Some(e.to_string()));
    assert_eq!(
        expires(
            r#""recovered""#,
            recovered,
            r#"{"closed_weekdays": ["Mon"]}"#
        ),
        day("2026-04-21", "2026-04-27")
    );
    assert_eq!(
        expires(r#""recovered""#, recovered, "{}"),
        day("2026-04-20", "2026-04-27")
    );
    assert_eq!(
        expires(r#""recovered""#, "", r#"{"closed_dates": ["2026-05-02"]}"#),
        day("2026-05-03", "2026-05-09")
    );
    let closed = format!(
        r#"{{"closed_dates": [{}]}}"#,
        (20..=30)
            .map(|d| format!("\"2026-04-{d}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let p = plan(r#""recovered""#, recovered, &closed);
    assert!(p.tasks.is_empty(), "{:?}", crate::support::lines(&p));
    assert_eq!(
        dropped(&p),
        ["w/needs-call/u-2/0 expired closed_date 2026-04-02"]
    );
}

/// A fact dated before the episode anchors nothing, as it stops nothing (audit 79): a
/// complaint of Wed 6 May 2026 at 09:30 with its callback promised for Fri 8 May, and a
/// `complaint_resolved` fact dated Fri 1 May (a slip of the date). The callbacks of an
/// unresolved complaint go ahead, and no confirmation call comes: it was moved to the
/// complaint's day as if the complaint were resolved. Resolved on Mon 11 May at 16:00,
/// the confirmation is the next day, 12 May.
#[test]
fn a_fact_before_the_episode_anchors_nothing() {
    let complaint = |resolved: &str| {
        plan(&format!(
            r#"{{"id": "k-1", "event": "complaint", "at": "2026-05-06T09:30:00",
                "attributes": {{"severity": "normal"}}, "patient": {{"id": "p-1"}},
                "milestones": {{"promised_callback": "2026-05-08"}},
                "facts": [{{"kind": "complaint_resolved", "at": "{resolved}"}}]}}"#
        ))
    };
    let confirmations = |p: &followup::plan::Plan| -> Vec<String> {
        (p.tasks.iter())
            .filter(|t| t.step() == "resolution-confirmation")
            .map(|t| t.due.to_string())
            .collect()
    };
    let slip = complaint("2026-05-01T10:00:00");
    assert!(confirmations(&slip).is_empty());
    assert!((slip.tasks.iter()).any(|t| t.step() == "promised-callback"));
    assert_eq!(
        confirmations(&complaint("2026-05-11T16:00:00")),
        ["2026-05-12"]
    );
}
