//! Who is greeted: tags, key customers, patients without a birthday or born this year;
//! and which planner plans which scope.

use super::*;

/// docs/domain.md §5 (seed 003): ordinary customers get a light touch once a quarter, 10 Jan,
/// Apr, Jul, Oct; key customers are served by their own callbacks and get none; a patient
/// tagged `no_greetings` gets no greetings (but is still an ordinary customer).
#[test]
fn quarterly_touch_and_tags() {
    let day = "sms customer_service 09:00-18:00";
    let quarterly = [
        format!("2026-01-10 quarterly-touch/quarterly-message {day}"),
        format!("2026-04-10 quarterly-touch/quarterly-message {day}"),
        format!("2026-07-10 quarterly-touch/quarterly-message {day}"),
        format!("2026-10-10 quarterly-touch/quarterly-message {day}"),
    ];
    let ordinary = plan_builtin(&patient("p-o", None, &[]), "2026-01-01", "2026-12-31");
    let only = |plan: &Plan, program: &str| Plan {
        tasks: plan
            .tasks
            .iter()
            .filter(|t| t.program() == program)
            .cloned()
            .collect(),
        ..Plan::default()
    };
    let q: Vec<&str> = quarterly.iter().map(String::as_str).collect();
    assert_lines(&only(&ordinary, "quarterly-touch"), &q);
    assert_eq!(
        only(&ordinary, "quarterly-touch").tasks[0].id(),
        "quarterly-touch/quarterly-message/patient:p-o/20260110"
    );

    let key = plan_builtin(
        &patient("p-k", Some("1985-04-10"), &["key_customer"]),
        "2026-01-01",
        "2026-12-31",
    );
    assert!(key.tasks.iter().all(|t| t.program() != "quarterly-touch"));
    assert!(key.dropped.is_empty(), "{:?}", key.dropped);
    // Key customers still get their greetings: the birthday falls on 10 Apr.
    assert_eq!(dates_of(&key, "birthday-greeting"), ["2026-04-10"]);

    let quiet = plan_builtin(
        &patient("p-q", Some("1990-11-03"), &["no_greetings"]),
        "2026-01-01",
        "2026-12-31",
    );
    assert_lines(&quiet, &q);
    assert!(quiet.dropped.is_empty(), "{:?}", quiet.dropped);

    let both = plan_builtin(
        &patient("p-b", Some("1990-11-03"), &["no_greetings", "key_customer"]),
        "2026-01-01",
        "2026-12-31",
    );
    assert!(both.tasks.is_empty(), "{:?}", lines(&both));
}

/// A patient without a birthday gets every other greeting, and the birthday greeting is
/// listed as dropped (`missing_anchor`, detail "birthday").
#[test]
fn patient_without_a_birthday_drops_the_birthday_greeting() {
    let plan = plan_builtin(&patient("p-nb", None, &[]), "2026-01-01", "2026-12-31");
    assert!(dates_of(&plan, "birthday-greeting").is_empty());
    assert_eq!(dates_of(&plan, "christmas"), ["2026-12-25"]);
    assert_eq!(plan.dropped.len(), 1, "{:?}", plan.dropped);
    let x = &plan.dropped[0];
    assert_eq!(x.id(), "greetings/birthday-greeting/patient:p-nb/0");
    assert_eq!((x.program(), x.step()), ("greetings", "birthday-greeting"));
    assert_eq!(x.reason, DropReason::MissingAnchor);
    assert_eq!(x.detail.as_deref(), Some("birthday"));
    assert_eq!(x.nominal, None);
}

/// `RuleSet::plan` (episodes) plans episode programs only, `plan_patient` patient-level
/// programs only, even when both would match (no `applies` on either).
#[test]
fn each_planner_plans_its_own_scope() {
    let text = r#"[
      {"format": "followup/v1", "id": "any-episode", "name": {"zh": "回访", "en": "Any episode"},
       "steps": [{"id": "day-1", "offset": "P1D", "title": {"zh": "第一天", "en": "Day 1"}}]},
      {"format": "followup/v1", "id": "any-patient", "name": {"zh": "祝福", "en": "Any patient"},
       "scope": "patient",
       "steps": [{"id": "xmas", "from": "date:12-25", "title": {"zh": "圣诞", "en": "Christmas"}}]}
    ]"#;
    let rules = rules("both.json", text);
    let ep = followup::episode::Episode::from_json(
        "ep",
        r#"{"id": "e1", "event": "procedure", "at": "2026-12-24",
            "patient": {"id": "p-1", "birthday": "1990-11-03"}}"#,
    )
    .expect("episode");
    let episode_plan = rules.plan(&ep, &Calendar::default()).expect("plan");
    let ids: Vec<String> = episode_plan.tasks.iter().map(|t| t.id()).collect();
    assert_eq!(ids, ["any-episode/day-1/e1/0"]); // 24 Dec + 1 day
    assert_eq!(episode_plan.tasks[0].due, d("2026-12-25"));
    assert!(episode_plan.dropped.is_empty());

    let patient_plan = plan_with(&rules, &ep.patient, "2026-01-01", "2026-12-31");
    let ids: Vec<String> = patient_plan.tasks.iter().map(|t| t.id()).collect();
    assert_eq!(ids, ["any-patient/xmas/patient:p-1/20261225"]);

    // The built-in rules: a laser episode of a patient with a birthday gets no greeting,
    // and the patient's plan holds greetings and quarterly messages only.
    let laser = followup::episode::Episode::from_json(
        "ep",
        r#"{"id": "e2", "event": "procedure", "at": "2026-11-02",
            "attributes": {"category": "laser"}, "patient": {"id": "p-2", "birthday": "1990-11-03"}}"#,
    )
    .expect("episode");
    let b = builtin();
    let laser_plan = b.plan(&laser, &Calendar::default()).expect("plan");
    assert!(!laser_plan.tasks.is_empty());
    assert!(laser_plan
        .tasks
        .iter()
        .all(|t| t.program() == "laser-aftercare"));
    let p2 = plan_with(&b, &laser.patient, "2026-01-01", "2026-12-31");
    assert!(p2
        .tasks
        .iter()
        .all(|t| matches!(t.program(), "greetings" | "quarterly-touch")));
    assert_eq!(dates_of(&p2, "birthday-greeting"), ["2026-11-03"]);
}

/// No birthday greeting before the patient was born, nor on the day of birth: a baby born
/// on 15 Jun 2026 is first greeted on 15 Jun 2027.
#[test]
fn no_birthday_greeting_before_the_first_birthday() {
    let p = patient("p-baby", Some("2026-06-15"), &[]);
    let plan = plan_builtin(&p, "2025-01-01", "2027-12-31");
    assert_eq!(dates_of(&plan, "birthday-greeting"), ["2027-06-15"]);
}

/// Nor any other greeting or touch before the day of birth (audit 49 B2): a baby born on
/// Mon 15 Jun 2026, planned over 2026, gets none of the greetings of January to May
/// (Valentine's Day, the Spring Festival on 17 Feb, Lantern on 3 Mar, Labour Day, Mother's
/// Day on 10 May) nor the quarterly messages of 10 Jan and 10 Apr; from June on, the
/// year's own: the quarterly messages of 10 Jul and 10 Oct, Mid-Autumn (25 Sep in the
/// lunar table), Christmas and New Year's Eve; no birthday greeting in its first year.
/// Nothing before birth is listed as dropped either: there was no patient to greet.
#[test]
fn nothing_is_planned_before_the_patient_was_born() {
    assert_eq!(lunar(2026, "mid_autumn"), "2026-09-25");
    let p = patient("p-baby", Some("2026-06-15"), &[]);
    let plan = plan_builtin(&p, "2026-01-01", "2026-12-31");
    let days: Vec<String> = (plan.tasks.iter())
        .map(|t| format!("{} {}", t.due, t.step()))
        .collect();
    assert_eq!(
        days,
        [
            "2026-07-10 quarterly-message",
            "2026-09-25 mid-autumn",
            "2026-10-10 quarterly-message",
            "2026-12-25 christmas",
            "2026-12-31 new-years-eve",
        ]
    );
    assert!(plan.dropped.is_empty(), "{:?}", plan.dropped);
}

/// Refusals and opt-outs belong to the patient (docs/domain.md §8), greetings included. A
/// patient born 3 Nov 1990 who clearly said no on Sun 1 Mar 2026 at 10:00: messages go on
/// for six months (to 1 Sep) — Lantern (3 Mar), Labour Day, Mother's Day, the quarterly
/// messages of 10 Apr and 10 Jul — and stop after: Mid-Autumn (25 Sep), the quarterly
/// message of 10 Oct, the birthday (3 Nov), Christmas and New Year's Eve are dropped
/// `past_horizon`. An SMS opt-out on 1 Jun drops every greeting message after it.
#[test]
fn greetings_honour_the_patients_refusal_and_opt_outs() {
    let mut p = patient("p-r", Some("1990-11-03"), &[]);
    p.declined = Some("2026-03-01T10:00:00".parse().unwrap());
    let plan = plan_builtin(&p, "2026-01-01", "2026-12-31");
    let dropped: Vec<(String, DropReason)> = plan
        .dropped
        .iter()
        .map(|x| (x.nominal.unwrap().to_string(), x.reason))
        .collect();
    let mut got = dropped.clone();
    got.sort();
    let past = DropReason::PastHorizon;
    assert_eq!(
        got,
        [
            ("2026-09-25".to_string(), past),
            ("2026-10-10".to_string(), past),
            ("2026-11-03".to_string(), past),
            ("2026-12-25".to_string(), past),
            ("2026-12-31".to_string(), past),
        ]
    );
    let kept: Vec<String> = plan.tasks.iter().map(|t| t.due.to_string()).collect();
    assert_eq!(
        kept,
        [
            "2026-01-10",
            "2026-02-14",
            "2026-02-17",
            "2026-03-03",
            "2026-04-10",
            "2026-05-01",
            "2026-05-10",
            "2026-07-10",
        ]
    );

    let mut p = patient("p-o", Some("1990-11-03"), &[]);
    p.opt_outs = vec![serde_json::from_str(r#"{"channel": "sms", "at": "2026-06-01"}"#).unwrap()];
    let plan = plan_builtin(&p, "2026-01-01", "2026-12-31");
    let opted: Vec<String> = plan
        .dropped
        .iter()
        .filter(|x| x.reason == DropReason::OptedOut)
        .map(|x| x.nominal.unwrap().to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        opted,
        [
            "2026-07-10",
            "2026-09-25",
            "2026-10-10",
            "2026-11-03",
            "2026-12-25",
            "2026-12-31"
        ]
    );
    assert!(plan.tasks.iter().all(|t| t.due < d("2026-06-01")));
}

/// docs/domain.md §8: a refusal or an opt-out belongs to the patient wherever it is
/// recorded. Recorded on an episode (a `declined` fact on 1 Mar 10:00, an SMS `opt_out`
/// fact on 1 Jun), `Patient::with_refusals_of` folds it into the patient the greetings
/// are planned for, and the greetings stop as in the test above: after the refusal,
/// messages go on for 6 months (until 1 Sep), so Mid-Autumn (25 Sep), the quarterly
/// message of 10 Oct, the birthday (3 Nov), Christmas and New Year's Eve are dropped
/// `past_horizon`. Recorded as a `declined` outcome of an episode's task in the history,
/// `plan_patient_with` stops them the same way.
#[test]
fn refusals_recorded_on_episodes_stop_the_greetings() {
    let ep = followup::episode::Episode::from_json(
        "ep",
        r#"{"id": "ep-9", "event": "procedure", "at": "2026-01-05T10:00",
            "attributes": {"category": "laser"},
            "patient": {"id": "p-r", "birthday": "1990-11-03"},
            "facts": [{"kind": "declined", "at": "2026-03-01T10:00"}]}"#,
    )
    .unwrap();
    let bare = patient("p-r", Some("1990-11-03"), &[]);
    let past = |plan: &Plan| -> Vec<String> {
        let mut v: Vec<String> = (plan.dropped.iter())
            .filter(|x| x.reason == DropReason::PastHorizon)
            .map(|x| x.nominal.unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    let expected = [
        "2026-09-25",
        "2026-10-10",
        "2026-11-03",
        "2026-12-25",
        "2026-12-31",
    ];
    // Without the episode's facts the patient records no refusal: nothing is dropped.
    assert!(past(&plan_builtin(&bare, "2026-01-01", "2026-12-31")).is_empty());
    let folded = bare.with_refusals_of(std::slice::from_ref(&ep));
    assert_eq!(
        past(&plan_builtin(&folded, "2026-01-01", "2026-12-31")),
        expected
    );

    let history = followup::history::History::from_json(
        "history",
        r#"{"outcomes": [{"task": "laser-aftercare/day-1-call/ep-9/0",
            "outcome": "declined", "at": "2026-03-01T10:00"}]}"#,
    )
    .unwrap();
    let plan = builtin()
        .plan_patient_with(
            &bare,
            &history,
            d("2026-01-01"),
            d("2026-12-31"),
            &Calendar::default(),
        )
        .unwrap();
    assert_eq!(past(&plan), expected);

    // An SMS opt-out fact on 1 Jun: no greeting message after it.
    let ep = followup::episode::Episode::from_json(
        "ep",
        r#"{"id": "ep-9", "event": "procedure", "at": "2026-01-05T10:00",
            "attributes": {"category": "laser"}, "patient": {"id": "p-o"},
            "facts": [{"kind": "opt_out", "channel": "sms", "at": "2026-06-01"}]}"#,
    )
    .unwrap();
    let p = patient("p-o", Some("1990-11-03"), &[]).with_refusals_of(&[ep]);
    let plan = plan_builtin(&p, "2026-01-01", "2026-12-31");
    assert!(plan.tasks.iter().all(|t| t.due < d("2026-06-01")));
    assert_eq!(
        (plan.dropped.iter())
            .filter(|x| x.reason == DropReason::OptedOut)
            .count(),
        6,
        "10 Jul, 25 Sep, 10 Oct, 3 Nov, 25 Dec, 31 Dec"
    );
}

/// A patient who refused and came back (audit 221: never greeted again). Born 3 Nov
/// 1990; a laser treatment on 5 Jan 2026, a refusal on it on 1 Mar 10:00; a new
/// treatment on 15 Oct 10:00: the patient came back. Messages go on for six months after
/// the refusal (to 1 Sep), Mid-Autumn (25 Sep) and the quarterly message of 10 Oct fall
/// between the horizon and the return and are dropped `past_horizon`; from the return on
/// the patient is greeted again: the birthday (3 Nov), Christmas and New Year's Eve.
/// `Patient::with_refusals_of` finds the return in the episodes; a host that knows it
/// says it with `came_back`, to the same plan.
#[test]
fn a_patient_who_came_back_after_a_refusal_is_greeted_again() {
    let episode = |id: &str, at: &str, facts: &str| {
        followup::episode::Episode::from_json(
            id,
            &format!(
                r#"{{"id": "{id}", "event": "procedure", "at": "{at}",
                    "attributes": {{"category": "laser"}}, "patient": {{"id": "p-r"}},
                    "facts": [{facts}]}}"#
            ),
        )
        .unwrap()
    };
    let first = episode(
        "ep-1",
        "2026-01-05T10:00",
        r#"{"kind": "declined", "at": "2026-03-01T10:00"}"#,
    );
    let again = episode("ep-2", "2026-10-15T10:00", "");
    let bare = patient("p-r", Some("1990-11-03"), &[]);
    let folded = bare.with_refusals_of(&[first.clone(), again.clone()]);
    assert_eq!(folded.declined, "2026-03-01T10:00:00".parse().ok());
    assert_eq!(folded.came_back, "2026-10-15T10:00:00".parse().ok());
    let mut by_hand = bare.clone();
    by_hand.declined = folded.declined;
    by_hand.came_back = folded.came_back;
    for p in [&folded, &by_hand] {
        let plan = plan_builtin(p, "2026-01-01", "2026-12-31");
        let mut past: Vec<String> = (plan.dropped.iter())
            .map(|x| format!("{} {}", x.nominal.unwrap(), x.reason.name()))
            .collect();
        past.sort();
        assert_eq!(past, ["2026-09-25 past_horizon", "2026-10-10 past_horizon"]);
        let after: Vec<String> = (plan.tasks.iter())
            .filter(|t| t.due >= d("2026-09-01"))
            .map(|t| format!("{} {}", t.due, t.step()))
            .collect();
        assert_eq!(
            after,
            [
                "2026-11-03 birthday-greeting",
                "2026-12-25 christmas",
                "2026-12-31 new-years-eve"
            ]
        );
    }
    // Without the return, the refusal holds for good, as before.
    let plan = plan_builtin(
        &bare.with_refusals_of(std::slice::from_ref(&first)),
        "2026-01-01",
        "2026-12-31",
    );
    assert_eq!(
        plan.dropped.len(),
        5,
        "25 Sep, 10 Oct, 3 Nov, 25 Dec, 31 Dec"
    );

    // Refusing again on 1 Dec (on a third episode): six more months of messages from
    // then; the return of 15 Oct ended the first refusal.
    let third = episode(
        "ep-3",
        "2026-10-20T10:00",
        r#"{"kind": "declined", "at": "2026-12-01T10:00"}"#,
    );
    let all = [first.clone(), again.clone(), third];
    let folded = bare.with_refusals_of(&all);
    assert_eq!(folded.declined, "2026-12-01T10:00:00".parse().ok());
    assert_eq!(folded.came_back, None);
    // For the episode of 15 Oct the second refusal is the one that counts: its calls
    // after 1 Dec stop (they went on when the first refusal stood for every episode).
    let ep2 = again.with_patient_of(&all);
    assert_eq!(ep2.patient.declined, "2026-12-01T10:00:00".parse().ok());
    let plan = builtin().plan(&ep2, &Calendar::default()).unwrap();
    let cut = d("2026-12-01");
    assert!(
        (plan.tasks.iter()).all(|t| t.due <= cut || t.channel() != followup::rules::Channel::Phone),
        "{:?}",
        lines(&plan)
    );
    assert!((plan.dropped.iter()).any(|x| x.reason.name() == "declined"));
    // The first episode still counts the first refusal.
    let ep1 = first.with_patient_of(&all);
    assert_eq!(ep1.patient.declined, "2026-03-01T10:00:00".parse().ok());

    // The refusal said on a call, in the history (audit 223: the return did not end it):
    // `with_refusals_in` folds it with the episodes, and `plan_patient_with` plans as
    // above; a second refusal in the history after the return counts anew.
    let bare_first = episode("ep-1", "2026-01-05T10:00", "");
    let history = |rows: &str| {
        followup::history::History::from_json("h", &format!(r#"{{"outcomes": [{rows}]}}"#)).unwrap()
    };
    let said = r#"{"task": "laser-aftercare/day-1-call/ep-1/0", "outcome": "declined", "at": "2026-03-01T10:00"}"#;
    let h = history(said);
    let folded = bare.with_refusals_in(&[bare_first.clone(), again.clone()], &h);
    assert_eq!(folded.declined, "2026-03-01T10:00:00".parse().ok());
    assert_eq!(folded.came_back, "2026-10-15T10:00:00".parse().ok());
    let planned = |p: &Patient, h: &followup::history::History, year: i32| {
        let (from, until) = (format!("{year}-01-01"), format!("{year}-12-31"));
        (builtin().plan_patient_with(p, h, d(&from), d(&until), &Calendar::default())).unwrap()
    };
    let plan = planned(&folded, &h, 2026);
    let mut past: Vec<String> = (plan.dropped.iter())
        .map(|x| format!("{} {}", x.nominal.unwrap(), x.reason.name()))
        .collect();
    past.sort();
    assert_eq!(past, ["2026-09-25 past_horizon", "2026-10-10 past_horizon"]);
    let again_said = format!(
        r#"{said}, {{"task": "laser-aftercare/day-1-call/ep-2/0", "outcome": "declined", "at": "2026-10-16T10:00"}}"#
    );
    let h = history(&again_said);
    let folded = bare.with_refusals_in(&[bare_first, again], &h);
    assert_eq!(folded.declined, "2026-10-16T10:00:00".parse().ok());
    assert_eq!(folded.came_back, None);
    let plan = planned(&folded, &h, 2027);
    // Messages for six months from 16 Oct 2026: to 16 Apr 2027, none after.
    assert!(
        plan.tasks.iter().all(|t| t.due <= d("2027-04-16")),
        "{:?}",
        lines(&plan)
    );
    assert!(plan.tasks.iter().any(|t| t.due == d("2027-04-10")));
    assert!((plan.dropped.iter()).any(|x| x.reason.name() == "past_horizon"));
}
