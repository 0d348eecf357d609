//! Time of day: opening hours, the afternoon rules of docs/domain.md §4 (night-shift workers,
//! weekends and holidays), quiet hours, and plans that run past the calendar.
//! Every expected window and date is worked out by hand below.

use crate::support::{builtin, episode};
use followup::{calendar::Calendar, plan::Plan, rules::RuleSet};

fn window_of(p: &Plan, step: &str) -> String {
    let t = p
        .tasks
        .iter()
        .find(|t| t.step() == step)
        .unwrap_or_else(|| panic!("no {step}"));
    format!("{} {}", t.due, t.window)
}

fn lead(at: &str, tags: &str) -> followup::episode::Episode {
    episode(&format!(
        r#"{{"id": "l-1", "event": "consultation", "at": "{at}",
            "attributes": {{"source": "onsite", "outcome": "visited_no_purchase"}},
            "patient": {{"id": "p-1", "tags": [{tags}]}}}}"#
    ))
}

/// A visit without purchase on Mon 16 Mar 2026 at 16:00: the next-morning call is Tue
/// 17 Mar, 09:00-12:00; for a night-shift worker, who rests until the afternoon window
/// starts, it is in the afternoon, 14:00-18:00. The same-day thank-you message (window
/// `day`, 09:00-18:00) starts after the visit, at 16:00.
#[test]
fn night_shift_workers_are_called_in_the_afternoon() {
    let rules = builtin();
    let cal = Calendar::default();
    let day = rules.plan(&lead("2026-03-16T16:00:00", ""), &cal).unwrap();
    assert_eq!(
        window_of(&day, "visited-callback"),
        "2026-03-17 09:00-12:00"
    );
    let night = rules
        .plan(&lead("2026-03-16T16:00:00", r#""night_shift""#), &cal)
        .unwrap();
    assert_eq!(
        window_of(&night, "visited-callback"),
        "2026-03-17 14:00-18:00"
    );
    assert_eq!(window_of(&night, "thanks-sms"), "2026-03-16 16:00-18:00");
}

/// A visit on Fri 13 Mar 2026: the next-morning call falls on Sat 14 Mar, a weekend day
/// (the default calendar is open every day, and Saturday is still a weekend day): it
/// goes in the afternoon.
#[test]
fn weekend_calls_are_in_the_afternoon() {
    let p = builtin()
        .plan(&lead("2026-03-13T16:00:00", ""), &Calendar::default())
        .unwrap();
    assert_eq!(window_of(&p, "visited-callback"), "2026-03-14 14:00-18:00");
}

/// A visit on Thu 30 Apr 2026; the clinic works holidays but knows them (the China 2026
/// calendar merged into a calendar open every day that says it works on holidays). The call falls on Fri 1 May, Labour
/// Day: afternoon. On Sat 9 May, a make-up working day, it would be a morning call: a
/// visit on Fri 8 May gives the call on 9 May at 09:00.
#[test]
fn holiday_calls_are_in_the_afternoon_and_make_up_working_days_are_workdays() {
    let cal = crate::support::clinic_with_china_2026(r#"{"closed_on_holidays": false}"#);
    let rules = builtin();
    let p = rules.plan(&lead("2026-04-30T16:00:00", ""), &cal).unwrap();
    assert_eq!(window_of(&p, "visited-callback"), "2026-05-01 14:00-18:00");
    let p = rules.plan(&lead("2026-05-08T16:00:00", ""), &cal).unwrap();
    assert_eq!(window_of(&p, "visited-callback"), "2026-05-09 09:00-12:00");
}

/// A program `t` of these `steps` (the JSON array's items).
fn program_t(steps: &str) -> RuleSet {
    RuleSet::builder()
        .source(
            "t.json",
            format!(
                r#"{{"format": "followup/v1", "id": "t", "name": {{"zh": "t", "en": "t"}},
                  "steps": [{steps}]}}"#
            ),
        )
        .build()
        .unwrap()
}

fn one_step(time: &str, channel: &str) -> RuleSet {
    program_t(&format!(
        r#"{{"id": "call", "offset": "P1D", "channel": "{channel}", "time": {time},
            "title": {{"zh": "t", "en": "t"}}}}"#
    ))
}

/// A clinic with quiet hours 12:00-14:00 (午休).
fn lunch_break() -> Calendar {
    Calendar::from_json(
        "c",
        r#"{"quiet_hours": [{"start": "12:00", "end": "14:00"}]}"#,
    )
    .unwrap()
}

/// A clinic open from `open` to `close`, every day.
fn open_hours(open: &str, close: &str) -> Calendar {
    let json = format!(r#"{{"hours": {{"open": "{open}", "close": "{close}"}}}}"#);
    Calendar::from_json("c", &json).unwrap()
}

/// The window of `one_step(time, "phone")`'s call on `cal`.
fn phone_window(time: &str, cal: &Calendar) -> String {
    phone_window_of(time, &ep(), cal)
}

/// [`phone_window`] for the episode `ep`.
fn phone_window_of(time: &str, ep: &followup::episode::Episode, cal: &Calendar) -> String {
    one_step(time, "phone").plan(ep, cal).unwrap().tasks[0]
        .window
        .to_string()
}

fn ep() -> followup::episode::Episode {
    episode(r#"{"id": "e", "event": "procedure", "at": "2026-03-02", "patient": {"id": "p"}}"#)
}

/// Quiet hours 12:00-14:00 (午休): an 11:00-15:00 call keeps the longest free part; both
/// parts are an hour, so the earlier, 11:00-12:00. A 10:00-13:00 call becomes 10:00-12:00.
/// An in-person visit is not a contact at a distance: it keeps 11:00-15:00.
#[test]
fn quiet_hours_are_never_used_for_calls_or_messages() {
    let cal = lunch_break();
    let plan = |time: &str, channel: &str| one_step(time, channel).plan(&ep(), &cal).unwrap();
    let w = |p: Plan| p.tasks[0].window.to_string();
    assert_eq!(
        w(plan(r#"{"start": "11:00", "end": "15:00"}"#, "phone")),
        "11:00-12:00"
    );
    assert_eq!(
        w(plan(r#"{"start": "10:00", "end": "13:00"}"#, "sms")),
        "10:00-12:00"
    );
    assert_eq!(
        w(plan(r#"{"start": "11:00", "end": "15:00"}"#, "in_person")),
        "11:00-15:00"
    );
    // The default afternoon (14:00-18:00) does not touch them.
    assert_eq!(w(plan(r#""afternoon""#, "phone")), "14:00-18:00");
}

/// A step's window inside the clinic's quiet hours takes the free part of the
/// calendar's `day` window instead, as for a patient's rest hours (README, "Time of
/// day"; audit 7 of 6 December: every plan with such a step failed). Quiet 12:00-14:00
/// and a 12:30-13:30 call: the day 09:00-18:00 leaves 09:00-12:00 and 14:00-18:00, the
/// longer is taken. A clinic that never phones in the afternoon (14:00-18:00): the
/// built-in pre-sales first follow-up, an afternoon call (D+3, Fri 13 Mar 2026), goes
/// 09:00-14:00; quiet 08:00-12:00 and a morning step (the visited lead's next-morning
/// callback, Wed 11 Mar), 12:00-18:00.
#[test]
fn a_window_inside_quiet_hours_takes_the_free_part_of_the_day() {
    let cal = lunch_break();
    let p = one_step(r#"{"start": "12:30", "end": "13:30"}"#, "phone")
        .plan(&ep(), &cal)
        .unwrap();
    assert_eq!(p.tasks[0].window.to_string(), "14:00-18:00");
    let window = |quiet: &str, (source, outcome): (&str, &str), step: &str| {
        let cal = Calendar::from_json("c", &format!(r#"{{"quiet_hours": [{quiet}]}}"#)).unwrap();
        let ep = episode(&format!(
            r#"{{"id": "l", "event": "consultation", "at": "2026-03-10T10:00:00",
                "attributes": {{"source": "{source}", "outcome": "{outcome}"}}, "patient": {{"id": "p"}}}}"#
        ));
        let p = crate::support::builtin().plan(&ep, &cal).unwrap();
        let t = p.tasks.iter().find(|t| t.step() == step).unwrap();
        format!("{} {}", t.due, t.window)
    };
    let afternoon = r#"{"start": "14:00", "end": "18:00"}"#;
    assert_eq!(
        window(afternoon, ("online", "not_booked"), "first-follow-up"),
        "2026-03-13 09:00-14:00"
    );
    let morning = r#"{"start": "08:00", "end": "12:00"}"#;
    assert_eq!(
        window(
            morning,
            ("onsite", "visited_no_purchase"),
            "visited-callback"
        ),
        "2026-03-11 12:00-18:00"
    );
}

/// A named window written backwards is refused at the window itself, as its other
/// mistakes are (audit 146: at `/windows`). Column counted by hand: the window's `{`.
#[test]
fn a_named_window_must_start_before_it_ends() {
    let err = Calendar::from_json(
        "c.json",
        r#"{"windows":{"afternoon":{"start":"17:30","end":"13:30"}}}"#,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "c.json: /windows/afternoon (line 1, column 25): window \"afternoon\" is 17:30-13:30: expected start before end"
    );
}

#[test]
fn quiet_hours_must_start_before_they_end() {
    let err = Calendar::from_json(
        "c.json",
        r#"{"quiet_hours": [{"start": "21:00", "end": "08:00"}]}"#,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "c.json: /quiet_hours/0 (line 1, column 18): quiet hours 21:00-08:00: expected start before end on the same day (write a night as two periods, 00:00-08:00 and 21:00-23:59)"
    );
}

/// Opening hours cut every window and never widen one (README "Clinic calendars": "every
/// task's time window is cut to them"). A clinic open 10:00-20:00 with no windows of its
/// own: `day` 09:00-18:00 becomes 10:00-18:00, `morning` 10:00-12:00, `afternoon` stays
/// 14:00-18:00, `evening` 18:00-20:30 becomes 18:00-20:00 (audit 17: `day` was the whole
/// opening hours, 10:00-20:00). A window the calendar gives is cut too.
#[test]
fn opening_hours_cut_the_named_windows() {
    let cal = open_hours("10:00", "20:00");
    let plan = |time: &str| phone_window(time, &cal);
    assert_eq!(plan(r#""day""#), "10:00-18:00");
    assert_eq!(plan(r#""morning""#), "10:00-12:00");
    assert_eq!(plan(r#""afternoon""#), "14:00-18:00");
    assert_eq!(plan(r#""evening""#), "18:00-20:00");
    let cal = Calendar::from_json(
        "c",
        r#"{"hours": {"open": "10:00", "close": "20:00"},
        "windows": {"day": {"start": "11:00", "end": "17:00"}, "evening": {"start": "18:00", "end": "21:30"}}}"#,
    )
    .unwrap();
    let plan = |time: &str| phone_window(time, &cal);
    assert_eq!(plan(r#""day""#), "11:00-17:00");
    assert_eq!(plan(r#""evening""#), "18:00-20:00");
}

/// A clinic open around the clock (00:00-23:59) calls in the default windows, not at
/// midnight; the complaint logged at 20:30 is called back the next morning, 09:00-12:00
/// (docs/domain.md §9), not 20:30-23:59 the same night. With the README's example hours,
/// 09:00-21:00, the same: the day window is 09:00-18:00.
#[test]
fn a_clinic_open_late_still_calls_in_the_day() {
    let complaint = episode(
        r#"{"id": "k-1", "event": "complaint", "at": "2026-03-02T20:30:00",
            "attributes": {"severity": "normal"}, "patient": {"id": "p"}}"#,
    );
    for hours in [
        r#"{"open": "00:00", "close": "23:59"}"#,
        r#"{"open": "09:00", "close": "21:00"}"#,
    ] {
        let cal = Calendar::from_json("c", &format!(r#"{{"hours": {hours}}}"#)).unwrap();
        assert_eq!(phone_window(r#""day""#, &cal), "09:00-18:00", "{hours}");
        let p = builtin().plan(&complaint, &cal).unwrap();
        assert_eq!(
            window_of(&p, "first-call"),
            "2026-03-03 09:00-12:00",
            "{hours}"
        );
    }
}

/// The next morning is the morning whatever the quiet or rest hours block later in the
/// day (audit 61 A1). A complaint logged Tue 10 Mar 2026 at 19:30 (the `day` window,
/// 09:00-18:00, has nothing left): its first call goes to Wed 11 Mar, the morning part of
/// its window, 09:00-12:00 — with a lunch break of 12:30-13:00 too (the longer free part
/// of the day, 13:00-18:00, was taken, and it has no morning); in a clinic open 10:00-20:00
/// resting 12:00-14:00, 10:00-12:00 (it was 14:00-18:00); for a patient resting 12:30-13:00,
/// 09:00-12:00. A break inside the morning leaves its longer free part: quiet hours
/// 11:00-11:30 give 09:00-11:00. Quiet hours over the whole morning leave the afternoon.
#[test]
fn the_next_morning_is_the_morning_whatever_is_blocked_later() {
    let complaint = |patient: &str| {
        episode(&format!(
            r#"{{"id": "k-1", "event": "complaint", "at": "2026-03-10T19:30:00",
                "attributes": {{"severity": "normal"}}, "patient": {patient}}}"#
        ))
    };
    let plain = complaint(r#"{"id": "p"}"#);
    for (calendar, expected) in [
        (
            r#"{"quiet_hours": [{"start": "12:30", "end": "13:00"}]}"#,
            "2026-03-11 09:00-12:00",
        ),
        (
            r#"{"hours": {"open": "10:00", "close": "20:00"}, "quiet_hours": [{"start": "12:00", "end": "14:00"}]}"#,
            "2026-03-11 10:00-12:00",
        ),
        (
            r#"{"quiet_hours": [{"start": "11:00", "end": "11:30"}]}"#,
            "2026-03-11 09:00-11:00",
        ),
        (
            r#"{"quiet_hours": [{"start": "08:00", "end": "12:30"}]}"#,
            "2026-03-11 12:30-18:00",
        ),
    ] {
        let cal = Calendar::from_json("c", calendar).unwrap();
        let p = builtin().plan(&plain, &cal).unwrap();
        assert_eq!(window_of(&p, "first-call"), expected, "{calendar}");
    }
    let resting = complaint(r#"{"id": "p", "rest_hours": [{"start": "12:30", "end": "13:00"}]}"#);
    let p = builtin().plan(&resting, &Calendar::default()).unwrap();
    assert_eq!(window_of(&p, "first-call"), "2026-03-11 09:00-12:00");
}

/// On the event's day a call is made as soon as the quiet and rest hours let it (audit 61
/// B1): a complaint logged Tue 10 Mar 2026 at 10:15 is called back from 10:15 (README:
/// "a complaint logged at 10:15 is called back from 10:15"), in the first free part of
/// its `day` window, 10:15-12:30 before a lunch break of 12:30-13:00 — it was 13:00-18:00,
/// the longer part. Logged at 12:40, inside the break: 13:00-18:00. For a patient resting
/// 12:00-14:00, 10:15-12:00.
#[test]
fn on_the_events_day_the_first_free_part_after_it_is_taken() {
    let complaint = |at: &str, patient: &str| {
        episode(&format!(
            r#"{{"id": "k-1", "event": "complaint", "at": "2026-03-10T{at}",
                "attributes": {{"severity": "normal"}}, "patient": {patient}}}"#
        ))
    };
    let lunch = crate::support::half_hour_lunch();
    let p = builtin()
        .plan(&complaint("10:15", r#"{"id": "p"}"#), &lunch)
        .unwrap();
    assert_eq!(window_of(&p, "first-call"), "2026-03-10 10:15-12:30");
    let p = builtin()
        .plan(&complaint("12:40", r#"{"id": "p"}"#), &lunch)
        .unwrap();
    assert_eq!(window_of(&p, "first-call"), "2026-03-10 13:00-18:00");
    let resting = r#"{"id": "p", "rest_hours": [{"start": "12:00", "end": "14:00"}]}"#;
    let p = builtin()
        .plan(&complaint("10:15", resting), &Calendar::default())
        .unwrap();
    assert_eq!(window_of(&p, "first-call"), "2026-03-10 10:15-12:00");
}

/// A step's own window is cut to the opening hours too; when they leave nothing of it,
/// the task takes the `day` window within them. Clinic open 10:00-16:00 (day 10:00-16:00):
/// 15:00-17:00 → 15:00-16:00; 19:00-22:00 and 07:00-08:30 → 10:00-16:00 (audit 17: calls
/// at 19:00 and 07:00). A calendar evening 18:00-20:30 the hours leave nothing of: the
/// day window, 10:00-16:00.
#[test]
fn opening_hours_cut_a_steps_own_window() {
    let cal = open_hours("10:00", "16:00");
    let plan = |time: &str| phone_window(time, &cal);
    assert_eq!(plan(r#"{"start": "15:00", "end": "17:00"}"#), "15:00-16:00");
    assert_eq!(plan(r#"{"start": "19:00", "end": "22:00"}"#), "10:00-16:00");
    assert_eq!(plan(r#"{"start": "07:00", "end": "08:30"}"#), "10:00-16:00");
    assert_eq!(plan(r#""evening""#), "10:00-16:00");
}

/// A clinic open 09:00-12:00 has no afternoon: a night-shift worker, who rests until the
/// afternoon (14:00, docs/domain.md §4), cannot be called there and the call is dropped
/// (`rest_hours`), as for a patient resting 08:30-18:00 (audit 17: called 09:00-12:00,
/// in their rest).
#[test]
fn a_clinic_closing_at_noon_does_not_call_night_shift_workers() {
    let cal = open_hours("09:00", "12:00");
    let rules = one_step(r#""afternoon""#, "phone");
    let night = episode(
        r#"{"id": "e", "event": "procedure", "at": "2026-03-02", "patient": {"id": "p", "tags": ["night_shift"]}}"#,
    );
    let p = rules.plan(&night, &cal).unwrap();
    assert!(p.tasks.is_empty(), "{:?}", p.tasks);
    assert_eq!(
        crate::support::dropped(&p),
        ["t/call/e/0 rest_hours - 2026-03-03"]
    );
    // Another patient is called in what the clinic has: 09:00-12:00.
    let p = rules.plan(&ep(), &cal).unwrap();
    assert_eq!(p.tasks[0].window.to_string(), "09:00-12:00");
}

/// A plastic outpatient operated on Mon 2 Nov 2026 with the China 2026 calendar (it covers
/// 2026 only): tasks up to 31 Dec are known; from the month-2 call (2 Jan 2027) on, the
/// tasks say the calendar does not cover their day; the month-1 call (Wed 2 Dec) does not.
/// The official calendar closes weekends: the month-6 calls (Sun 2 May 2027: the care call
/// and the further-needs call, which waits for recovery) move to Mon 3 May together, after
/// the month-6 message, which goes out on Sunday.
#[test]
fn a_plan_running_past_the_calendar_says_so_in_each_task() {
    let cal = Calendar::china(2026).unwrap();
    let p = builtin()
        .plan(
            &episode(
                r#"{"id": "e", "event": "procedure", "at": "2026-11-02",
                    "attributes": {"category": "plastic", "setting": "outpatient"}, "patient": {"id": "p"}}"#,
            ),
            &cal,
        )
        .unwrap();
    let beyond: Vec<&str> = p
        .tasks
        .iter()
        .filter(|t| t.beyond_calendar)
        .map(|t| t.step())
        .collect();
    assert_eq!(
        beyond,
        [
            "month-2-call",
            "month-3-call",
            "month-3-sms",
            "month-6-sms",
            "further-needs-call",
            "month-6-call",
            "month-12-sms"
        ]
    );
    let m1 = p.tasks.iter().find(|t| t.step() == "month-1-call").unwrap();
    assert!(!m1.beyond_calendar);
    assert_eq!(m1.due.to_string(), "2026-12-02");
    let json =
        serde_json::to_value(p.tasks.iter().find(|t| t.step() == "month-3-call").unwrap()).unwrap();
    assert_eq!(json["beyond_calendar"], true);
}

/// Rest hours belong to the patient (docs/domain.md §9): a night-shift worker operated on Mon
/// 9 Mar 2026 is called in the afternoon after surgery too (day-1 call Tue 10 Mar, window
/// `day` 09:00-18:00 → 14:00-18:00, the afternoon window's start), and so are their
/// messages; the in-person reception keeps the clinic's hours. Rest hours given by the
/// patient win over the tag; rest hours covering the working day move the calls to the
/// evening; rest hours covering the evening too drop them.
#[test]
fn a_night_shift_patient_is_called_in_the_afternoon_by_every_program() {
    let surgery = |patient: &str| {
        episode(&format!(
            r#"{{"id": "s-1", "event": "procedure", "at": "2026-03-09T09:30:00",
                "attributes": {{"category": "plastic", "setting": "outpatient"}},
                "patient": {patient}}}"#
        ))
    };
    let rules = builtin();
    let cal = Calendar::default();
    let plan = |patient: &str| rules.plan(&surgery(patient), &cal).unwrap();
    // The day-1 call, the dressing change's reminder and its reception.
    let three = |p: &Plan| {
        [
            "day-1-call",
            "dressing-change-reminder",
            "dressing-change-reception",
        ]
        .map(|step| window_of(p, step))
    };
    let night = plan(r#"{"id": "p", "tags": ["night_shift"]}"#);
    assert_eq!(
        three(&night),
        [
            "2026-03-10 14:00-18:00",
            "2026-03-10 14:00-18:00",
            "2026-03-11 09:00-18:00"
        ]
    );
    // A clinic whose afternoon starts at 13:30: the night-shift worker rests until then.
    let early = Calendar::from_json(
        "c",
        r#"{"windows": {"afternoon": {"start": "13:30", "end": "17:30"}}}"#,
    )
    .unwrap();
    let p = rules
        .plan(&surgery(r#"{"id": "p", "tags": ["night_shift"]}"#), &early)
        .unwrap();
    assert_eq!(window_of(&p, "day-1-call"), "2026-03-10 13:30-18:00");
    // The patient's own rest hours: 12:00-15:00 leaves 09:00-12:00 and 15:00-18:00, the
    // longer of the two, the earlier on a tie: 09:00-12:00.
    let own = plan(
        r#"{"id": "p", "tags": ["night_shift"], "rest_hours": [{"start": "12:00", "end": "15:00"}]}"#,
    );
    assert_eq!(window_of(&own, "day-1-call"), "2026-03-10 09:00-12:00");
    // Resting through the working day, 08:30-18:00 (audit case C39b): the calls and
    // messages go to the calendar's evening window, 18:00-20:30, instead of being
    // dropped; the visit keeps the clinic's hours.
    let days = plan(r#"{"id": "p", "rest_hours": [{"start": "08:30", "end": "18:00"}]}"#);
    assert_eq!(
        three(&days),
        [
            "2026-03-10 18:00-20:30",
            "2026-03-10 18:00-20:30",
            "2026-03-11 09:00-18:00"
        ]
    );
    assert!(!days
        .dropped
        .iter()
        .any(|d| d.reason == followup::plan::DropReason::RestHours));
    // Resting all day: no call, and the plan says why.
    let never = plan(r#"{"id": "p", "rest_hours": [{"start": "00:00", "end": "23:59"}]}"#);
    assert!(never
        .tasks
        .iter()
        .all(|t| t.channel() == followup::rules::Channel::InPerson));
    assert!(never
        .dropped
        .iter()
        .any(|d| d.step() == "day-1-call" && d.reason == followup::plan::DropReason::RestHours));
}

/// An episode of Mon 2 Mar 2026 at `at` for a patient resting `rest` (`HH:MM-HH:MM`).
fn resting(at: &str, rest: &str) -> followup::episode::Episode {
    let (start, end) = rest.split_once('-').unwrap();
    episode(&format!(
        r#"{{"id": "e", "event": "procedure", "at": "2026-03-02T{at}",
            "patient": {{"id": "p", "rest_hours": [{{"start": "{start}", "end": "{end}"}}]}}}}"#
    ))
}

/// Quiet hours and rest hours together cut the whole window, and the longer free part is
/// kept (the earlier of two as long: README "Time of day"). Quiet 12:00-14:00, a D+1 day
/// call (09:00-18:00): resting 12:00-16:00 leaves 09:00-12:00 (3 h) and 16:00-18:00
/// (2 h): the morning; resting 12:00-15:00 leaves 09:00-12:00 and 15:00-18:00, 3 h each:
/// the earlier. Audit 24: the quiet hours' longer part (14:00-18:00) was cut again by the
/// rest hours, giving 16:00-18:00 and 15:00-18:00.
#[test]
fn quiet_and_rest_hours_together_keep_the_longer_part() {
    let cal = lunch_break();
    let window = |rest: &str| phone_window_of(r#""day""#, &resting("10:00", rest), &cal);
    assert_eq!(window("12:00-16:00"), "09:00-12:00");
    assert_eq!(window("12:00-15:00"), "09:00-12:00");
}

/// On the event's day, the window starts after the event, and what is free after it is
/// taken the same day (docs/rule-format.md "The time of the event": the next day only
/// when nothing of the window is left). A same-day call with its own window 11:00-19:00,
/// an event at 16:00, a patient resting 16:00-18:00: 18:00-19:00 that day. Audit 24: the
/// longer free part, 11:00-16:00, was chosen first, nothing of it was left after 16:00,
/// and the call went to the next morning.
#[test]
fn after_the_event_the_free_part_that_day_is_taken() {
    let rules = crate::support::one_program(
        "t",
        r#""steps": [{"id": "call", "offset": "P0D", "time": {"start": "11:00", "end": "19:00"},
            "title": {"zh": "t", "en": "t"}}]"#,
    );
    let p = rules
        .plan(&resting("16:00", "16:00-18:00"), &Calendar::default())
        .unwrap();
    assert_eq!(window_of(&p, "call"), "2026-03-02 18:00-19:00");
}

/// Rest hours built in code with seconds block the minutes they touch: a patient resting
/// until 17:59:30 is called 18:00 at the earliest — nothing of the `day` window (09:00-
/// 18:00) is left, so the day-1 call (Tue 3 Mar) goes to the evening window, 18:00-20:30
/// by default — never in a window
/// of seconds that the plan's JSON cannot write (audit 30: 17:59:30-18:00, written
/// 17:59-18:00, and the plan read back was another). Laser treatment on Mon 2 Mar 2026.
#[test]
fn rest_hours_with_seconds_leave_whole_minutes() {
    let mut ep = episode(
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {"category": "laser"}, "patient": {"id": "p-1"}}"#,
    );
    let t = |h, m, s| chrono::NaiveTime::from_hms_opt(h, m, s).unwrap();
    ep.patient.rest_hours = vec![followup::calendar::TimeWindow {
        start: t(0, 0, 0),
        end: t(17, 59, 30),
    }];
    let p = builtin().plan(&ep, &Calendar::default()).unwrap();
    assert_eq!(window_of(&p, "day-1-call"), "2026-03-03 18:00-20:30");
    let back: Plan = serde_json::from_str(&p.to_json().unwrap()).unwrap();
    assert_eq!(back, p);
    // A window read back must hold: start before end, due within its on-time days.
    let json = p.to_json().unwrap();
    let inverted = json.replacen(
        r#""window":{"start":"18:00","end":"20:30"}"#,
        r#""window":{"start":"20:30","end":"18:00"}"#,
        1,
    );
    let e = serde_json::from_str::<Plan>(&inverted)
        .unwrap_err()
        .to_string();
    assert!(e.contains("ends before it starts"), "{e}");
    let early = json.replacen(r#""due":"2026-03-03""#, r#""due":"2026-03-01""#, 1);
    let e = serde_json::from_str::<Plan>(&early)
        .unwrap_err()
        .to_string();
    assert!(e.contains("outside its on-time days"), "{e}");
}

/// On the event's day, rest hours that take what the day had left fall back on the
/// `evening`, as on any day (README "Time of day": "else of its `evening` window"; audit
/// 138: a complaint at 14:00 from a patient resting 13:00-18:00 went to the next morning,
/// while one resting 08:30-18:00 was called that evening). A complaint logged Wed 6 May
/// 2026 at 14:00: its same-day call (`day`, 09:00-18:00) has 14:00-18:00 left, all rest
/// hours: the evening, 18:00-20:30, that day. Logged at 19:30, the day itself has nothing
/// left: the next morning, rest hours or not. The clinic's quiet hours fall back as the
/// patient's rest hours do.
#[test]
fn rest_hours_after_the_event_fall_back_on_the_evening() {
    let complaint = |at: &str| {
        episode(&format!(
            r#"{{"id": "c9", "event": "complaint", "at": "{at}",
                "patient": {{"id": "p", "rest_hours": [{{"start": "13:00", "end": "18:00"}}]}}}}"#
        ))
    };
    let p = builtin()
        .plan(&complaint("2026-05-06T14:00:00"), &Calendar::default())
        .unwrap();
    assert_eq!(window_of(&p, "first-call"), "2026-05-06 18:00-20:30");
    let p = builtin()
        .plan(&complaint("2026-05-06T19:30:00"), &Calendar::default())
        .unwrap();
    assert_eq!(window_of(&p, "first-call"), "2026-05-07 09:00-12:00");
    // The clinic's quiet hours the same (audit 139): quiet 14:00-18:00, a complaint from a
    // patient with no rest hours logged at 15:00 is called that evening.
    let plain = episode(
        r#"{"id": "c8", "event": "complaint", "at": "2026-05-06T15:00:00", "patient": {"id": "p"}}"#,
    );
    let cal = Calendar::from_json(
        "c",
        r#"{"quiet_hours": [{"start": "14:00", "end": "18:00"}]}"#,
    )
    .unwrap();
    let p = builtin().plan(&plain, &cal).unwrap();
    assert_eq!(window_of(&p, "first-call"), "2026-05-06 18:00-20:30");
}

/// README, rest hours: "A time the patient agreed to (`rescheduled`) is kept as agreed,
/// whatever the rest hours, quiet hours and opening hours say"; docs/closed-loop.md: an
/// outcome that reached the patient is a contact. A day-3 call (Thu 5 Mar 2026, after a
/// procedure on Mon 2 Mar) at a clinic open 09:00-18:00, for a patient resting 09:00-18:00:
/// no time is left, and the call is dropped `rest_hours`. Staff reach the patient all the
/// same: agreed at 08:30 on the 5th for Fri 6 Mar at 19:00, the call is due then,
/// 19:00-20:00; done at 10:00 on the 5th, it is kept on its day, done (audit 148: both
/// outcomes were ignored as about a dropped task).
#[test]
fn a_call_the_rest_hours_leave_no_time_for_keeps_what_the_history_records() {
    let rules = crate::support::one_call_on_day(3);
    let (ep, cal) = resting_through_opening_hours();
    let with = |outcome: &str| {
        let h = crate::support::outcomes(&format!(r#"{{"task": "o/day-3/e/0", {outcome}}}"#));
        let p = rules.plan_with(&ep, &h, &cal).unwrap();
        let tasks: Vec<String> = (p.tasks.iter())
            .map(|t| {
                let record = t.record.as_ref().map(|r| format!(" {:?}", r.outcome));
                format!(
                    "{} {} {:?}{}",
                    t.due,
                    t.window,
                    t.shifted,
                    record.unwrap_or_default()
                )
            })
            .collect();
        (tasks, p.ignored.len(), p.dropped.len())
    };
    let p = rules.plan(&ep, &cal).unwrap();
    assert!(p.tasks.is_empty());
    assert_eq!(
        crate::support::dropped(&p),
        ["o/day-3/e/0 rest_hours - 2026-03-05"]
    );
    assert_eq!(
        with(r#""outcome": "rescheduled", "at": "2026-03-05T08:30", "to": "2026-03-06T19:00""#),
        (
            vec!["2026-03-06 19:00-20:00 Some(Agreed) Rescheduled".to_string()],
            0,
            0
        )
    );
    assert_eq!(
        with(r#""outcome": "done", "at": "2026-03-05T10:00""#),
        (vec!["2026-03-05 09:00-18:00 None Done".to_string()], 0, 0)
    );
}

/// A day alone agreed for the day recorded takes what the step's time that day leaves
/// after the outcome (docs/closed-loop.md, `rescheduled`). A day-3 call (Thu 5 Mar 2026)
/// at a clinic with quiet hours 12:00-14:00: its time that day is 14:00-18:00, the longer
/// free part of 09:00-18:00. Agreed for the 5th the evening before, at 08:30 or at 13:00
/// that day (before that part opens), it keeps 14:00-18:00; at 15:00, 15:00-18:00 (audit
/// 150: at 08:30 it took 09:00-12:00, the first free part after the outcome).
#[test]
fn a_day_agreed_for_today_before_its_time_keeps_the_steps_time_that_day() {
    let rules = crate::support::one_call_on_day(3);
    let ep = episode(
        r#"{"id": "e", "event": "procedure", "at": "2026-03-02T11:00", "patient": {"id": "p"}}"#,
    );
    let cal = Calendar::from_json(
        "c.json",
        r#"{"quiet_hours": [{"start": "12:00", "end": "14:00"}]}"#,
    )
    .unwrap();
    assert_eq!(
        window_of(&rules.plan(&ep, &cal).unwrap(), "day-3"),
        "2026-03-05 14:00-18:00"
    );
    let agreed_at = |at: &str| {
        let h = crate::support::outcomes(&format!(
            r#"{{"task": "o/day-3/e/0", "outcome": "rescheduled", "at": "{at}", "to": "2026-03-05"}}"#
        ));
        let p = rules.plan_with(&ep, &h, &cal).unwrap();
        let t = p.tasks.iter().find(|t| t.step() == "day-3").unwrap();
        format!("{} {}", t.due, t.window)
    };
    for at in ["2026-03-04T20:00", "2026-03-05T08:30", "2026-03-05T13:00"] {
        assert_eq!(agreed_at(at), "2026-03-05 14:00-18:00", "{at}");
    }
    assert_eq!(agreed_at("2026-03-05T15:00"), "2026-03-05 15:00-18:00");
}

/// The same for the tries of such a call (audit 151): a day-1 call (Tue 3 Mar 2026) for a
/// patient resting 08:00-21:00, tried three times after hours (no answer at 21:10, 21:20
/// and 21:30 on the 3rd; `no_answer`: PT2H, 3 attempts, then a message): the call and its
/// attempts 2 and 3 are kept with their records — attempt 2 due two hours after 21:10,
/// past the day, so the next day, Wed 4, in the step's own window; the message after the
/// last try is dropped `rest_hours` (nobody recorded it). With a `done` on attempt 2 at
/// 21:40, the call keeps its `no_answer` and attempt 2 is done.
#[test]
fn the_tries_of_a_call_the_rest_hours_leave_no_time_for_keep_their_records() {
    let rules = crate::support::one_program(
        "o",
        r#""defaults": {"channel": "phone", "role": "nurse", "time": "day",
                        "no_answer": {"retry_after": "PT2H", "max_attempts": 3, "then": "sms"}},
           "steps": [{"id": "day-1", "offset": "P1D", "title": {"zh": "1", "en": "1"}}]"#,
    );
    let ep = episode(
        r#"{"id": "e", "event": "procedure", "at": "2026-03-02T10:00", "patient": {"id": "p",
            "rest_hours": [{"start": "08:00", "end": "21:00"}]}}"#,
    );
    let plan = |outcomes: &str| {
        let h = crate::support::outcomes(outcomes);
        let p = rules.plan_with(&ep, &h, &Calendar::default()).unwrap();
        let tasks: Vec<String> = (p.tasks.iter())
            .map(|t| {
                let record = t.record.as_ref().map(|r| format!(" {:?}", r.outcome));
                format!(
                    "{} {} {}{}",
                    t.id(),
                    t.due,
                    t.window,
                    record.unwrap_or_default()
                )
            })
            .collect();
        (tasks, crate::support::dropped(&p), p.ignored.len())
    };
    let tried = |at: &str, id: &str, outcome: &str| {
        format!(r#"{{"task": "o/day-1/e/0{id}", "outcome": "{outcome}", "at": "2026-03-03T{at}"}}"#)
    };
    let three = [
        tried("21:10", "", "no_answer"),
        tried("21:20", "", "no_answer"),
        tried("21:30", "", "no_answer"),
    ];
    assert_eq!(
        plan(&three.join(", ")),
        (
            vec![
                "o/day-1/e/0 2026-03-03 09:00-18:00 NoAnswer".to_string(),
                "o/day-1/e/0/attempt-2 2026-03-04 09:00-18:00 NoAnswer".to_string(),
                "o/day-1/e/0/attempt-3 2026-03-04 09:00-18:00 NoAnswer".to_string(),
            ],
            vec!["o/day-1/e/0/message rest_hours - 2026-03-03".to_string()],
            0
        )
    );
    let done = [
        tried("21:10", "", "no_answer"),
        tried("21:40", "/attempt-2", "done"),
    ];
    assert_eq!(
        plan(&done.join(", ")),
        (
            vec![
                "o/day-1/e/0 2026-03-03 09:00-18:00 NoAnswer".to_string(),
                "o/day-1/e/0/attempt-2 2026-03-04 09:00-18:00 Done".to_string(),
            ],
            vec![],
            0
        )
    );
}

/// docs/closed-loop.md, `abnormal_recovery`: the onsite consultant calls (phone, the first
/// free part of the day window after it) and the doctor sees the patient; each is planned
/// or listed as dropped. Recorded at 21:30 on Tue 3 Mar 2026 for a patient resting
/// 08:00-21:00 every day: no time is ever free for the call — dropped `rest_hours`; the
/// doctor's visit (in person, no rest hours) is on Wed 4, 09:00-18:00 (audit 151: the
/// call was listed nowhere).
#[test]
fn an_abnormal_recoverys_call_the_rest_hours_leave_no_time_for_is_listed_as_dropped() {
    let rules = crate::support::one_call_on_day(1);
    let ep = episode(
        r#"{"id": "e", "event": "procedure", "at": "2026-03-02T10:00", "patient": {"id": "p",
            "rest_hours": [{"start": "08:00", "end": "21:00"}]}}"#,
    );
    let h = crate::support::outcomes(
        r#"{"task": "o/day-1/e/0", "outcome": "abnormal_recovery", "at": "2026-03-03T21:30"}"#,
    );
    let p = rules.plan_with(&ep, &h, &Calendar::default()).unwrap();
    let derived: Vec<String> = (p.tasks.iter())
        .filter(|t| t.derived.is_some())
        .map(|t| format!("{} {} {}", t.id(), t.due, t.window))
        .collect();
    assert_eq!(derived, ["o/day-1/e/0/doctor-visit 2026-03-04 09:00-18:00"]);
    assert_eq!(
        crate::support::dropped(&p),
        ["o/day-1/e/0/abnormal-contact rest_hours - 2026-03-03"]
    );
}

/// A refusal says so before the rest hours do (audit 155: `rest_hours` hid it): calls on
/// day 3 and day 6 (Thu 5 and Sun 8 Mar 2026) for a patient resting 09:00-18:00 at a
/// clinic open 09:00-18:00; the day-3 call recorded `declined` at 10:00 on the 5th (kept,
/// the history records it): the day-6 call is dropped `declined` (after a clear refusal,
/// no calls: docs/rule-format.md), not `rest_hours`.
#[test]
fn a_refusal_is_the_reason_before_the_rest_hours() {
    let rules = crate::support::one_program(
        "o",
        r#""defaults": {"channel": "phone", "role": "nurse", "time": "day"},
           "steps": [{"id": "day-3", "offset": "P3D", "title": {"zh": "3", "en": "3"}},
                     {"id": "day-6", "offset": "P6D", "title": {"zh": "6", "en": "6"}}]"#,
    );
    let (ep, cal) = resting_through_opening_hours();
    let h = crate::support::outcomes(
        r#"{"task": "o/day-3/e/0", "outcome": "declined", "at": "2026-03-05T10:00"}"#,
    );
    let p = rules.plan_with(&ep, &h, &cal).unwrap();
    assert_eq!(
        crate::support::dropped(&p),
        ["o/day-6/e/0 declined - 2026-03-08"]
    );
}

/// A procedure on Mon 2 Mar 2026 at 11:00 for a patient resting 09:00-18:00, at a clinic
/// open 09:00-18:00: the rest hours leave nothing of its day.
fn resting_through_opening_hours() -> (followup::episode::Episode, Calendar) {
    let ep = episode(
        r#"{"id": "e", "event": "procedure", "at": "2026-03-02T11:00", "patient": {"id": "p",
            "rest_hours": [{"start": "09:00", "end": "18:00"}]}}"#,
    );
    let cal = Calendar::from_json(
        "c.json",
        r#"{"hours": {"open": "09:00", "close": "18:00"}}"#,
    )
    .unwrap();
    (ep, cal)
}

/// Quiet hours take only what they block: a morning call (09:00-12:00) counted from a
/// surgery at 12:30 has nothing of its window left that day, the lunch break 12:00-14:00
/// or not, and goes to the next morning (`after_event`), as with no quiet hours (audit 174:
/// with them it stayed that day, 14:00-18:00). The same for a day alone agreed at 12:00 for
/// that day (docs/closed-loop.md: "with nothing left … the next day its channel works,
/// from the morning").
#[test]
fn quiet_hours_that_leave_the_window_free_do_not_keep_a_call_on_the_events_day() {
    let rules = program_t(
        r#"{"id": "call", "offset": "P0D", "channel": "phone", "time": "morning",
            "title": {"zh": "t", "en": "t"}}"#,
    );
    let ep = episode(
        r#"{"id": "e", "event": "procedure", "at": "2026-03-02T12:30:00", "patient": {"id": "p"}}"#,
    );
    for cal in [Calendar::default(), lunch_break()] {
        let p = rules.plan(&ep, &cal).unwrap();
        let t = &p.tasks[0];
        assert_eq!(
            (t.due.to_string(), t.window.to_string(), t.shifted),
            (
                "2026-03-03".to_string(),
                "09:00-12:00".to_string(),
                Some(followup::calendar::ShiftReason::AfterEvent)
            )
        );
        // Agreed at 12:00 on the 3rd for that day: nothing of the morning is left.
        let h = followup::history::History::from_json(
            "h.json",
            r#"{"outcomes": [{"task": "t/call/e/0", "outcome": "rescheduled", "at": "2026-03-03T12:00:00", "to": "2026-03-03"}]}"#,
        )
        .unwrap();
        let p = rules.plan_with(&ep, &h, &cal).unwrap();
        let t = &p.tasks[0];
        assert_eq!(
            (t.due.to_string(), t.window.to_string()),
            ("2026-03-04".to_string(), "09:00-12:00".to_string())
        );
    }
}

/// On the day of the event, a step whose window the quiet hours cover takes the first
/// free part of the calendar's `day` window after the event, as a step with a window of
/// its own does (docs/rule-format.md, "The time of the event"): quiet hours 10:00-11:00
/// and 14:00-18:00, an afternoon call (14:00-18:00, all quiet) on the day of a surgery at
/// 08:00 is at 09:00-10:00 (audit 177: 11:00-14:00, the longer part); the next day,
/// with no event before it, the longer part, 11:00-14:00.
#[test]
fn a_window_all_quiet_takes_the_first_free_part_after_the_event() {
    let cal = Calendar::from_json(
        "c",
        r#"{"quiet_hours": [{"start": "10:00", "end": "11:00"}, {"start": "14:00", "end": "18:00"}]}"#,
    )
    .unwrap();
    let rules = program_t(
        r#"{"id": "same-day", "offset": "P0D", "channel": "phone", "time": "afternoon",
            "title": {"zh": "t", "en": "t"}},
           {"id": "next-day", "offset": "P1D", "channel": "phone", "time": "afternoon",
            "title": {"zh": "t", "en": "t"}}"#,
    );
    let ep = episode(
        r#"{"id": "e", "event": "procedure", "at": "2026-05-06T08:00:00", "patient": {"id": "p"}}"#,
    );
    let p = rules.plan(&ep, &cal).unwrap();
    assert_eq!(window_of(&p, "same-day"), "2026-05-06 09:00-10:00");
    assert_eq!(window_of(&p, "next-day"), "2026-05-07 11:00-14:00");
}
