//! Planning notices for one patient: audience, day, expiry, opt-outs, refusals, the
//! calendar's crews and rest hours.

use super::*;
use followup::{calendar::ShiftReason, rules::Channel};

/// The expert clinic day of Sun 12 April, announced by a message on Wed 8 April.
fn expert_day(audience: &str) -> Vec<Notice> {
    one_notice(
        "expert-day",
        "2026-04-08",
        &format!(r#""event_day": "2026-04-12", "audience": {audience}"#),
    )
}

#[test]
fn an_sms_notice_goes_out_on_its_day_on_time_until_the_day_before_its_event() {
    let list = expert_day("{}");
    let plan = plan_for(
        &patient(r#"{"id": "p-1"}"#),
        &[],
        &list,
        &Calendar::default(),
    );
    assert_eq!(
        lines(&plan),
        ["2026-04-08 expert-day sms customer_service 09:00-18:00"]
    );
    let t = &plan.tasks[0];
    assert_eq!(t.id(), "notice/expert-day/patient:p-1/0");
    assert_eq!(
        (t.program(), t.episode(), t.patient()),
        ("notice", "patient:p-1", "p-1")
    );
    let days = [t.earliest, t.due, t.latest, t.nominal].map(|d| d.to_string());
    assert_eq!(
        days,
        ["2026-04-08", "2026-04-08", "2026-04-11", "2026-04-08"]
    );
    assert_eq!(
        t.expires.map(|d| d.to_string()).as_deref(),
        Some("2026-04-12")
    );
    assert_eq!(t.title().en(), "Notice");
    assert_eq!(plan.programs.len(), 1);
    assert_eq!(&*plan.programs[0], "notice");
    // The JSON of the task is a task's: it reads back equal, id checked.
    let json = serde_json::to_string(t).unwrap();
    assert!(json.starts_with(r#"{"id":"notice/expert-day/patient:p-1/0","program":"notice","step":"expert-day","occurrence":0,"episode":"patient:p-1""#), "{json}");
    let back: followup::plan::Task = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, t);
}

#[test]
fn without_an_event_day_a_message_is_worth_three_days_a_call_seven() {
    let list = notices(&format!(
        "[{}, {}]",
        notice("promo-sms", "2026-04-08", r#""audience": {}"#),
        notice(
            "promo-call",
            "2026-04-08",
            r#""channel": "phone", "audience": {}"#
        )
    ));
    let expires: Vec<String> = list
        .iter()
        .map(|n| n.expires().unwrap().to_string())
        .collect();
    assert_eq!(expires, ["2026-04-11", "2026-04-15"]);
    let plan = plan_for(
        &patient(r#"{"id": "p-1"}"#),
        &[],
        &list,
        &Calendar::default(),
    );
    // On time on their day only.
    let spans: Vec<String> = plan
        .tasks
        .iter()
        .map(|t| format!("{} {}..{} {:?}", t.step(), t.earliest, t.latest, t.expires))
        .collect();
    assert_eq!(
        spans,
        [
            "promo-call 2026-04-08..2026-04-08 Some(2026-04-15)",
            "promo-sms 2026-04-08..2026-04-08 Some(2026-04-11)"
        ]
    );
}

#[test]
fn a_tag_audience_targets_the_tagged_patients_and_no_one_else() {
    let list = expert_day(r#"{"tag": ["key_customer", "vip"]}"#);
    let cal = Calendar::default();
    let vip = plan_for(
        &patient(r#"{"id": "p-1", "tags": ["vip"]}"#),
        &[],
        &list,
        &cal,
    );
    assert_eq!(vip.tasks.len(), 1);
    // Not targeted: nothing planned, nothing dropped, no program applied.
    let other = plan_for(
        &patient(r#"{"id": "p-2", "tags": ["night_shift"]}"#),
        &[],
        &list,
        &cal,
    );
    assert!(other.tasks.is_empty() && other.dropped.is_empty() && other.programs.is_empty());
}

#[test]
fn an_attribute_audience_needs_one_episode_matching_every_key() {
    let list =
        expert_day(r#"{"event": "procedure", "category": "plastic", "setting": "inpatient"}"#);
    let cal = Calendar::default();
    let p = patient(r#"{"id": "p-1"}"#);
    let plastic_in = procedure("ep-1", "plastic", "inpatient");
    let plastic_out = procedure("ep-2", "plastic", "outpatient");
    let laser_in = procedure("ep-3", "laser", "inpatient");
    let targeted = |eps: &[Episode]| !plan_for(&p, eps, &list, &cal).tasks.is_empty();
    assert!(targeted(&[laser_in.clone(), plastic_in.clone()]));
    // Plastic and inpatient, but not in one episode: not targeted.
    assert!(!targeted(&[plastic_out.clone(), laser_in.clone()]));
    assert!(!targeted(&[]));
    // Tags and attributes together: both must match.
    let both = expert_day(r#"{"tag": "key_customer", "category": "plastic"}"#);
    let key = patient(r#"{"id": "p-1", "tags": ["key_customer"]}"#);
    let out = std::slice::from_ref(&plastic_out);
    assert_eq!(plan_for(&key, out, &both, &cal).tasks.len(), 1);
    assert!(plan_for(&p, out, &both, &cal).tasks.is_empty());
    assert!(plan_for(&key, &[laser_in], &both, &cal).tasks.is_empty());
    // One task per notice, however many episodes match.
    let all = plan_for(&key, &[plastic_out, plastic_in], &both, &cal);
    assert_eq!(all.tasks.len(), 1);
}

#[test]
fn an_sms_opt_out_drops_sms_notices_and_keeps_calls() {
    let list = notices(&format!(
        "[{}, {}, {}]",
        notice(
            "expert-sms",
            "2026-04-08",
            r#""event_day": "2026-04-12", "audience": {}"#
        ),
        notice(
            "expert-call",
            "2026-04-08",
            r#""event_day": "2026-04-12", "channel": "phone", "audience": {}"#
        ),
        notice(
            "expert-wechat",
            "2026-04-09",
            r#""event_day": "2026-04-12", "channel": "wechat", "audience": {}"#
        )
    ));
    let cal = Calendar::default();
    let out =
        patient(r#"{"id": "p-1", "opt_outs": [{"channel": "sms", "at": "2026-04-01T09:00"}]}"#);
    let plan = plan_for(&out, &[], &list, &cal);
    assert_eq!(
        lines(&plan),
        ["2026-04-08 expert-call phone customer_service 09:00-18:00"]
    );
    // An SMS opt-out stops every message (docs/domain.md §8): the WeChat notice too.
    assert_eq!(
        dropped(&plan),
        [
            "notice/expert-sms/patient:p-1/0 opted_out sms",
            "notice/expert-wechat/patient:p-1/0 opted_out sms"
        ]
    );
    // An opt_out fact in one of the patient's episodes counts the same.
    let ep = episode(
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02", "patient": {"id": "p-1"},
            "attributes": {"category": "laser"},
            "facts": [{"kind": "opt_out", "channel": "sms", "at": "2026-04-07T20:00"}]}"#,
    );
    let plan = plan_for(&patient(r#"{"id": "p-1"}"#), &[ep], &list, &cal);
    assert_eq!(
        dropped(&plan),
        [
            "notice/expert-sms/patient:p-1/0 opted_out sms",
            "notice/expert-wechat/patient:p-1/0 opted_out sms"
        ]
    );
    // An opt-out of WeChat stops WeChat only.
    let wechat = r#"{"id": "p-1", "opt_outs": [{"channel": "wechat", "at": "2026-04-01T09:00"}]}"#;
    let plan = plan_for(&patient(wechat), &[], &list, &cal);
    assert_eq!(plan.tasks.len(), 2);
    assert_eq!(
        dropped(&plan),
        ["notice/expert-wechat/patient:p-1/0 opted_out wechat"]
    );
}

/// An opt-out counts when it comes strictly before the notice is due at the start of its
/// window: at noon it stops a night-shift worker's message (due at 14:00) but not another
/// patient's (due at 09:00).
#[test]
fn an_opt_out_on_the_day_counts_before_the_window_starts() {
    let list = expert_day("{}");
    let cal = Calendar::default();
    let outs = r#""opt_outs": [{"channel": "sms", "at": "2026-04-08T12:00"}]"#;
    let day = patient(&format!(r#"{{"id": "p-1", {outs}}}"#));
    let night = patient(&format!(
        r#"{{"id": "p-1", "tags": ["night_shift"], {outs}}}"#
    ));
    assert_eq!(plan_for(&day, &[], &list, &cal).tasks.len(), 1);
    assert_eq!(
        dropped(&plan_for(&night, &[], &list, &cal)),
        ["notice/expert-day/patient:p-1/0 opted_out sms"]
    );
}

/// A fact inside a notice's window ends the window there, as for a rule's task (audit
/// 223: a notice call kept 14:00-18:00 after a refusal at 15:00): a call on Wed 8 April
/// in the afternoon (14:00-18:00), the patient refusing at 15:00: 14:00-15:00; a message
/// of the day (09:00-18:00) with an SMS opt-out at 10:00:30: 09:00-10:00; the opt-out in
/// the message's first minute (09:00:30) leaves it nothing.
#[test]
fn a_fact_inside_a_notices_window_ends_it_there() {
    let list = notices(&format!(
        "[{}, {}]",
        notice(
            "april-call",
            "2026-04-08",
            r#""channel": "phone", "time": "afternoon", "audience": {}"#
        ),
        notice("april-sms", "2026-04-08", r#""audience": {}"#)
    ));
    let cal = Calendar::default();
    let p = patient(
        r#"{"id": "p-1", "declined": "2026-04-08T15:00:00",
            "opt_outs": [{"channel": "sms", "at": "2026-04-08T10:00:30"}]}"#,
    );
    assert_eq!(
        lines(&plan_for(&p, &[], &list, &cal)),
        [
            "2026-04-08 april-sms sms customer_service 09:00-10:00",
            "2026-04-08 april-call phone customer_service 14:00-15:00",
        ]
    );
    let first_minute =
        patient(r#"{"id": "p-1", "opt_outs": [{"channel": "sms", "at": "2026-04-08T09:00:30"}]}"#);
    assert_eq!(
        dropped(&plan_for(&first_minute, &[], &list, &cal)),
        ["notice/april-sms/patient:p-1/0 opted_out sms"]
    );
}

/// A refusal on a later day of a notice call's days ends them there, as a rule's task's
/// (audit 227: the call stayed open work after the refusal): an expert-day call sent
/// on Mon 6 April for Sun 12 April, on time to the 11th and worth making to the 12th;
/// the patient refusing on Wed 8 April at 10:00: the call is worth making until the 8th.
#[test]
fn a_refusal_on_a_later_day_ends_a_notices_days() {
    let list = expert_call("2026-04-06");
    let cal = Calendar::default();
    let span = |p: &Patient| {
        let plan = plan_for(p, &[], &list, &cal);
        (plan.tasks.iter())
            .map(|t| {
                format!(
                    "{} {} {:?}",
                    t.due,
                    t.latest,
                    t.expires.map(|e| e.to_string())
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        span(&patient(r#"{"id": "p-1"}"#)),
        ["2026-04-06 2026-04-11 Some(\"2026-04-12\")"]
    );
    assert_eq!(
        span(&patient(
            r#"{"id": "p-1", "declined": "2026-04-08T10:00:00"}"#
        )),
        ["2026-04-06 2026-04-08 Some(\"2026-04-08\")"]
    );
}

/// After a clear refusal on 1 March: no calls; messages until 1 September (6 months).
#[test]
fn a_refusal_stops_calls_and_lets_messages_go_on_for_six_months() {
    let list = notices(&format!(
        "[{}, {}, {}, {}]",
        notice(
            "april-call",
            "2026-04-08",
            r#""channel": "phone", "audience": {}"#
        ),
        notice("april-sms", "2026-04-08", r#""audience": {}"#),
        notice("september-1-sms", "2026-09-01", r#""audience": {}"#),
        notice("september-2-sms", "2026-09-02", r#""audience": {}"#)
    ));
    let cal = Calendar::default();
    let declined = patient(r#"{"id": "p-1", "declined": "2026-03-01T10:00:00"}"#);
    let plan = plan_for(&declined, &[], &list, &cal);
    let due: Vec<String> = plan
        .tasks
        .iter()
        .map(|t| format!("{} {}", t.due, t.step()))
        .collect();
    assert_eq!(due, ["2026-04-08 april-sms", "2026-09-01 september-1-sms"]);
    assert_eq!(
        dropped(&plan),
        [
            "notice/april-call/patient:p-1/0 declined -",
            "notice/september-2-sms/patient:p-1/0 past_horizon 2026-09-01",
        ]
    );
    // A declined fact of an episode is the same refusal.
    let ep = episode(
        r#"{"id": "ep-1", "event": "consultation", "at": "2026-02-20", "patient": {"id": "p-1"},
            "attributes": {"outcome": "not_booked"},
            "facts": [{"kind": "declined", "at": "2026-03-01T10:00:00"}]}"#,
    );
    let again = plan_for(&patient(r#"{"id": "p-1"}"#), &[ep], &list, &cal);
    assert_eq!(dropped(&again), dropped(&plan));
    // A refusal after the notice's day does not reach back.
    let later = patient(r#"{"id": "p-1", "declined": "2026-04-09T10:00:00"}"#);
    let plan = plan_for(&later, &[], &list, &cal);
    assert_eq!((plan.tasks.len(), plan.dropped.len()), (4, 0));
}

#[test]
fn a_call_on_a_day_the_call_desk_is_closed_moves_to_its_next_day_and_a_message_does_not() {
    let list = notices(&format!(
        "[{}, {}]",
        notice(
            "expert-call",
            "2026-04-06",
            r#""event_day": "2026-04-12", "channel": "phone", "audience": {}"#
        ),
        notice(
            "expert-sms",
            "2026-04-06",
            r#""event_day": "2026-04-12", "audience": {}"#
        )
    ));
    let cal = Calendar::from_json("clinic.json", r#"{"closed_weekdays": ["Mon"]}"#).unwrap();
    let plan = plan_for(&patient(r#"{"id": "p-1"}"#), &[], &list, &cal);
    assert_eq!(
        lines(&plan),
        [
            "2026-04-06 expert-sms sms customer_service 09:00-18:00",
            "2026-04-07 expert-call phone customer_service 09:00-18:00 <- 2026-04-06 (closed_weekday)",
        ]
    );
    let call = &plan.tasks[1];
    assert_eq!(
        (call.earliest.to_string(), call.latest.to_string()),
        ("2026-04-07".into(), "2026-04-11".into())
    );
}

#[test]
fn a_call_whose_next_call_desk_day_is_after_its_event_is_dropped_as_expired() {
    let list = expert_call("2026-04-06");
    // Closed on Mondays and from 7 to 12 April: the call desk's next day is Tue 14 April.
    let cal = Calendar::from_json(
        "clinic.json",
        r#"{"closed_weekdays": ["Mon"], "closed_dates": ["2026-04-07", "2026-04-08",
            "2026-04-09", "2026-04-10", "2026-04-11", "2026-04-12"]}"#,
    )
    .unwrap();
    let plan = plan_for(&patient(r#"{"id": "p-1"}"#), &[], &list, &cal);
    assert!(plan.tasks.is_empty());
    assert_eq!(
        dropped(&plan),
        ["notice/expert-call/patient:p-1/0 expired closed_weekday"]
    );
    assert_eq!(
        plan.dropped[0].nominal.map(|d| d.to_string()).as_deref(),
        Some("2026-04-06")
    );
    // With the call desk on duty on Sat 11 April, the call goes out then: the event day
    // itself is the last chance.
    let on_duty = Calendar::from_json(
        "clinic.json",
        r#"{"closed_weekdays": ["Mon"], "closed_dates": ["2026-04-07", "2026-04-08",
            "2026-04-09", "2026-04-10", "2026-04-11", "2026-04-12"],
            "call_desk": {"open_dates": ["2026-04-11"]}}"#,
    )
    .unwrap();
    let plan = plan_for(&patient(r#"{"id": "p-1"}"#), &[], &list, &on_duty);
    assert_eq!(
        lines(&plan),
        ["2026-04-11 expert-call phone customer_service 09:00-18:00 <- 2026-04-06 (closed_weekday)"]
    );
    // On time until the day before the event, never before its own day.
    assert_eq!(
        (
            plan.tasks[0].earliest.to_string(),
            plan.tasks[0].latest.to_string()
        ),
        ("2026-04-11".into(), "2026-04-11".into())
    );
}

#[test]
fn a_message_on_a_day_the_messages_are_closed_moves_and_the_event_day_is_its_last() {
    let list = expert_day("{}");
    let cal = Calendar::from_json(
        "clinic.json",
        r#"{"messages": {"closed_dates": ["2026-04-08", "2026-04-09", "2026-04-10", "2026-04-11"]}}"#,
    )
    .unwrap();
    let plan = plan_for(&patient(r#"{"id": "p-1"}"#), &[], &list, &cal);
    assert_eq!(
        lines(&plan),
        ["2026-04-12 expert-day sms customer_service 09:00-18:00 <- 2026-04-08 (messages_closed)"]
    );
    assert_eq!(plan.tasks[0].channel(), Channel::Sms);
    assert_eq!(plan.tasks[0].shifted, Some(ShiftReason::MessagesClosed));
}

#[test]
fn the_official_calendar_moves_a_call_off_the_qingming_holiday() {
    // Qingming 2026: Sat 4 to Mon 6 April, closed (the default clinic closes on holidays).
    let list = expert_call("2026-04-04");
    let cal = crate::support::clinic_with_china_2026("{}");
    let plan = plan_for(&patient(r#"{"id": "p-1"}"#), &[], &list, &cal);
    assert_eq!(
        lines(&plan),
        ["2026-04-07 expert-call phone customer_service 09:00-18:00 <- 2026-04-04 (holiday)"]
    );
    assert!(!plan.tasks[0].beyond_calendar);
    // Beyond the calendar's coverage, the task says so.
    let plan = plan_for(
        &patient(r#"{"id": "p-1"}"#),
        &[],
        &notices(&format!(
            "[{}]",
            notice("next-year", "2027-04-08", r#""audience": {}"#)
        )),
        &cal,
    );
    assert!(plan.tasks[0].beyond_calendar);
}

#[test]
fn rest_hours_hold_for_notices() {
    let list = notices(&format!(
        "[{}, {}, {}]",
        notice("day-sms", "2026-04-08", r#""audience": {}"#),
        notice(
            "morning-call",
            "2026-04-08",
            r#""channel": "phone", "time": {"start": "10:00", "end": "12:00"}, "audience": {}"#
        ),
        notice(
            "letter",
            "2026-04-08",
            r#""channel": "mail", "time": "morning", "audience": {}"#
        )
    ));
    let cal = Calendar::default();
    // A night-shift worker rests until the afternoon: the message goes at 14:00, and the
    // morning call takes the part of the day outside the rest hours. Mail is no contact
    // at a time of day.
    let night = patient(r#"{"id": "p-1", "tags": ["night_shift"]}"#);
    assert_eq!(
        lines(&plan_for(&night, &[], &list, &cal)),
        [
            "2026-04-08 letter mail customer_service 09:00-12:00",
            "2026-04-08 day-sms sms customer_service 14:00-18:00",
            "2026-04-08 morning-call phone customer_service 14:00-18:00",
        ]
    );
    // Resting through the working day, 08:30-18:00: the evening, 18:00-20:30, as for a
    // program's calls (README, "Time of day"; audit 13 of 6 December: dropped).
    let days = patient(r#"{"id": "p-1", "rest_hours": [{"start": "08:30", "end": "18:00"}]}"#);
    assert_eq!(
        lines(&plan_for(&days, &[], &list, &cal)),
        [
            "2026-04-08 letter mail customer_service 09:00-12:00",
            "2026-04-08 day-sms sms customer_service 18:00-20:30",
            "2026-04-08 morning-call phone customer_service 18:00-20:30",
        ]
    );
    // Resting all day: no call, no message.
    let all_day = patient(r#"{"id": "p-1", "rest_hours": [{"start": "00:00", "end": "23:59"}]}"#);
    let plan = plan_for(&all_day, &[], &list, &cal);
    assert_eq!(
        lines(&plan),
        ["2026-04-08 letter mail customer_service 09:00-12:00"]
    );
    assert_eq!(
        dropped(&plan),
        [
            "notice/day-sms/patient:p-1/0 rest_hours -",
            "notice/morning-call/patient:p-1/0 rest_hours -",
        ]
    );
}

/// Quiet hours that cover a notice's own time leave it the free part of the `day`
/// window, as for a program's step (docs/rule-format.md, "Clinic notices": "As in every
/// program"): a lunch-time call of 12:00-13:00 under quiet hours of 12:00-14:00 is made
/// 14:00-18:00, and a morning message under quiet hours of 09:00-12:00 goes 12:00-18:00
/// (audit 258: both were the calendar's error, and failed the patient's whole plan).
#[test]
fn quiet_hours_that_cover_a_notice_leave_it_the_free_part_of_the_day() {
    // The notice's days and windows under quiet hours `quiet`.
    let windows = |notice: &[Notice], quiet: &str| -> Vec<String> {
        let cal = Calendar::from_json("clinic.json", &format!(r#"{{"quiet_hours": [{quiet}]}}"#))
            .unwrap();
        let plan = plan_for(&patient(r#"{"id": "p-1"}"#), &[], notice, &cal);
        (plan.tasks.iter())
            .map(|t| format!("{} {}", t.due, t.window))
            .collect()
    };
    let lunch = one_notice(
        "lunch-call",
        "2026-04-08",
        r#""channel": "phone", "time": {"start": "12:00", "end": "13:00"}, "audience": {}"#,
    );
    assert_eq!(
        windows(&lunch, r#"{"start": "12:00", "end": "14:00"}"#),
        ["2026-04-08 14:00-18:00"]
    );
    let morning = one_notice(
        "morning-sms",
        "2026-04-08",
        r#""time": "morning", "audience": {}"#,
    );
    assert_eq!(
        windows(&morning, r#"{"start": "09:00", "end": "12:00"}"#),
        ["2026-04-08 12:00-18:00"]
    );
}

#[test]
fn tasks_are_sorted_by_day_then_time_then_id() {
    let list = notices(&format!(
        "[{}, {}, {}]",
        notice("b", "2026-04-08", r#""audience": {}"#),
        notice("a", "2026-04-08", r#""audience": {}"#),
        notice("c", "2026-04-07", r#""time": "afternoon", "audience": {}"#)
    ));
    let plan = plan_for(
        &patient(r#"{"id": "p-1"}"#),
        &[],
        &list,
        &Calendar::default(),
    );
    let order: Vec<&str> = plan.tasks.iter().map(|t| t.step()).collect();
    assert_eq!(order, ["c", "a", "b"]);
}

/// A notice's owner is whoever owns its role on its last day, as a rule task's is (audit
/// 78: it went to whoever owns it now). An SMS notice sent on Mon 9 Mar 2026 is worth
/// sending 3 days, to 12 Mar; the patient's customer service passes from u-3 (小李) to
/// u-5 (小王) on 16 Mar: the notice is u-3's, and `{owner}` names 小李. Sent on 16 Mar, it
/// is u-5's.
#[test]
fn a_notice_belongs_to_the_owner_on_its_last_day() {
    let ep = episode(
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {"category": "laser"}, "patient": {"id": "p-1"},
            "owners": {"customer_service": {"id": "u-3", "name": "小李"}},
            "reassignments": [{"role": "customer_service", "to": {"id": "u-5", "name": "小王"},
                "at": "2026-03-16T09:00:00"}]}"#,
    );
    let owner = |send_on: &str| {
        let list = notices(&format!(
            r#"[{{"id": "n", "send_on": "{send_on}", "audience": {{}},
                "title": {{"zh": "{{owner}}通知", "en": "Notice"}}}}]"#
        ));
        let plan = plan_for(
            &ep.patient,
            std::slice::from_ref(&ep),
            &list,
            &Calendar::default(),
        );
        let t = &plan.tasks[0];
        format!("{} {}", t.owner.as_deref().unwrap_or("-"), t.title().zh())
    };
    assert_eq!(owner("2026-03-09"), "u-3 小李通知");
    assert_eq!(owner("2026-03-16"), "u-5 小王通知");
}

/// A patient with two episodes whose customer service differs: the laser of Mon 2 Mar
/// 2026 (u-3, 小李) and the injection of Fri 20 Mar (u-8, 小周). The notice goes to the
/// owner of the latest episode, whatever order the host passes them in (audit 87: the
/// first one passed won).
#[test]
fn a_notice_of_a_patient_with_two_episodes_belongs_to_the_latest_ones_owner() {
    let first = episode(
        r#"{"id": "ep-1", "event": "procedure", "at": "2026-03-02T10:00:00",
            "attributes": {"category": "laser"}, "patient": {"id": "p-1"},
            "owners": {"customer_service": {"id": "u-3", "name": "小李"}}}"#,
    );
    let second = episode(
        r#"{"id": "ep-2", "event": "procedure", "at": "2026-03-20T10:00:00",
            "attributes": {"category": "injection"}, "patient": {"id": "p-1"},
            "owners": {"customer_service": {"id": "u-8", "name": "小周"}}}"#,
    );
    let list = notices(
        r#"[{"id": "n", "send_on": "2026-04-08", "audience": {},
            "title": {"zh": "{owner}通知", "en": "Notice"}}]"#,
    );
    for episodes in [
        [first.clone(), second.clone()],
        [second.clone(), first.clone()],
    ] {
        let plan = plan_for(&first.patient, &episodes, &list, &Calendar::default());
        let t = &plan.tasks[0];
        assert_eq!(
            format!("{} {}", t.owner.as_deref().unwrap_or("-"), t.title().zh()),
            "u-8 小周通知"
        );
    }
}
