//! Greeting dates over a year and over several: fixed days, lunar festivals, Mother's
//! Day, 29 February birthdays, and ids that do not depend on the horizon.

use super::*;

/// The 12 months of 2026 for a patient born 3 November 1990: every greeting of
/// docs/domain.md §5, by message, from customer service, in the morning window.
///
/// - Valentine's Day: 14 Feb.
/// - Spring Festival 2026 (正月初一): 2026-02-17 in the lunar table.
/// - Lantern 2026 (正月十五): 2026-03-03 in the lunar table (14 days later, as it must be).
/// - Labour Day: 1 May.
/// - Mother's Day, the second Sunday of May: 1 May 2026 is 120 days after Thursday
///   1 Jan; 120 = 17 × 7 + 1, so it is a Friday; Sundays are 3 May and 10 May.
/// - Mid-Autumn 2026 (八月十五): 2026-09-25 in the lunar table.
/// - Birthday: 3 Nov. Christmas: 25 Dec. New Year's Eve: 31 Dec.
///
/// The default calendar is open every day and the greetings keep their day anyway.
#[test]
fn greetings_for_the_next_twelve_months() {
    assert_eq!(lunar(2026, "spring_festival"), "2026-02-17");
    assert_eq!(lunar(2026, "lantern"), "2026-03-03");
    assert_eq!(lunar(2026, "mid_autumn"), "2026-09-25");
    let p = patient("p-42", Some("1990-11-03"), &[]);
    let plan = plan_builtin(&p, "2026-01-01", "2026-12-31");
    let greetings = Plan {
        tasks: plan
            .tasks
            .iter()
            .filter(|t| t.program() == "greetings")
            .cloned()
            .collect(),
        ..Plan::default()
    };
    let m = "sms customer_service 09:00-12:00";
    assert_lines(
        &greetings,
        &[
            &format!("2026-02-14 greetings/valentines-day {m}"),
            &format!("2026-02-17 greetings/spring-festival {m}"),
            &format!("2026-03-03 greetings/lantern {m}"),
            &format!("2026-05-01 greetings/labour-day {m}"),
            &format!("2026-05-10 greetings/mothers-day {m}"),
            &format!("2026-09-25 greetings/mid-autumn {m}"),
            &format!("2026-11-03 greetings/birthday-greeting {m}"),
            &format!("2026-12-25 greetings/christmas {m}"),
            &format!("2026-12-31 greetings/new-years-eve {m}"),
        ],
    );
    let ids: Vec<String> = greetings.tasks.iter().map(|t| t.id()).collect();
    assert_eq!(
        ids,
        [
            "greetings/valentines-day/patient:p-42/20260214",
            "greetings/spring-festival/patient:p-42/20260217",
            "greetings/lantern/patient:p-42/20260303",
            "greetings/labour-day/patient:p-42/20260501",
            "greetings/mothers-day/patient:p-42/20260510",
            "greetings/mid-autumn/patient:p-42/20260925",
            "greetings/birthday-greeting/patient:p-42/20261103",
            "greetings/christmas/patient:p-42/20261225",
            "greetings/new-years-eve/patient:p-42/20261231",
        ]
    );
    for t in &greetings.tasks {
        // Due on the day: no window of days, no shift, occurrence = the day as YYYYMMDD.
        assert_eq!((t.earliest, t.latest, t.nominal), (t.due, t.due, t.due));
        assert_eq!(t.shifted, None, "{}", t.id());
        let ymd =
            u32::try_from(t.due.year()).expect("year") * 10_000 + t.due.month() * 100 + t.due.day();
        assert_eq!(t.occurrence, ymd, "{}", t.id());
        assert_eq!(t.episode(), "patient:p-42");
        assert_eq!(t.patient(), "p-42");
        assert_eq!(t.status, None);
    }
    let birthday = &greetings.tasks[6];
    assert_eq!(birthday.title().zh(), "生日祝福短信");
    assert_eq!(birthday.title().en(), "Birthday greeting");
    // The whole plan: the greetings and the quarterly touch (10 Jan, Apr, Jul, Oct; "day"
    // window), in date order; nothing dropped.
    let day = "sms customer_service 09:00-18:00";
    assert_lines(
        &plan,
        &[
            &format!("2026-01-10 quarterly-touch/quarterly-message {day}"),
            &format!("2026-02-14 greetings/valentines-day {m}"),
            &format!("2026-02-17 greetings/spring-festival {m}"),
            &format!("2026-03-03 greetings/lantern {m}"),
            &format!("2026-04-10 quarterly-touch/quarterly-message {day}"),
            &format!("2026-05-01 greetings/labour-day {m}"),
            &format!("2026-05-10 greetings/mothers-day {m}"),
            &format!("2026-07-10 quarterly-touch/quarterly-message {day}"),
            &format!("2026-09-25 greetings/mid-autumn {m}"),
            &format!("2026-10-10 quarterly-touch/quarterly-message {day}"),
            &format!("2026-11-03 greetings/birthday-greeting {m}"),
            &format!("2026-12-25 greetings/christmas {m}"),
            &format!("2026-12-31 greetings/new-years-eve {m}"),
        ],
    );
    assert!(plan.dropped.is_empty(), "{:?}", plan.dropped);
}

/// A patient-level program testing the 29 February birthday policies: the documented
/// default (no `month_end` anywhere: clamp), `next_month_first` and `skip`.
const LEAP_BIRTHDAY_RULES: &str = r#"{
  "format": "followup/v1",
  "id": "leap",
  "name": {"zh": "闰日生日", "en": "Leap-day birthdays"},
  "scope": "patient",
  "defaults": {"channel": "sms", "role": "customer_service", "time": "morning"},
  "steps": [
    {"id": "default-policy", "from": "birthday", "title": {"zh": "生日", "en": "Birthday"}},
    {"id": "next-first", "from": "birthday", "month_end": "next_month_first", "title": {"zh": "生日", "en": "Birthday"}},
    {"id": "skipped", "from": "birthday", "month_end": "skip", "title": {"zh": "生日", "en": "Birthday"}}
  ]
}"#;

/// A greeting `skip` leaves out in a year says why (audit 180: its explanation was
/// "from " and nothing after it): 2027 has no 29 February; and a birthday of 31 January
/// greeted a month later (`P1M`, `skip`) has no 31 February in 2027 either: listed once,
/// numbered by that day (it was numbered 0, 1, 2, and listed for 2026 and 2028 too, the
/// years either side of the horizon).
#[test]
fn a_skipped_greeting_is_explained() {
    let custom = rules("leap.json", LEAP_BIRTHDAY_RULES);
    let explain = |p: &Patient, rules: &RuleSet| {
        rules
            .explain_patient(
                p,
                None,
                d("2027-01-01"),
                d("2027-12-31"),
                &Calendar::default(),
            )
            .unwrap()
    };
    let x = explain(&patient("p-leap", Some("1996-02-29"), &[]), &custom);
    let e = x.of("leap/skipped/patient:p-leap/20270229").unwrap();
    assert_eq!(e.result, "dropped: month_end_skipped");
    assert_eq!(
        e.anchor,
        "the patient's birthday in 2027: 2027 has no 29 February (month_end skip: none that year)"
    );
    let month_after = rules(
        "later.json",
        &LEAP_BIRTHDAY_RULES.replace(
            r#""id": "skipped", "from": "birthday","#,
            r#""id": "skipped", "from": "birthday", "offset": "P1M","#,
        ),
    );
    let x = explain(&patient("p-jan", Some("1990-01-31"), &[]), &month_after);
    // Listed once, for 2027 alone, numbered as the birthday in 2027 a month later.
    let skipped: Vec<&str> = (x.explanations.iter())
        .filter(|e| e.step.as_ref() == "skipped")
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(skipped, ["leap/skipped/patient:p-jan/20270231"]);
    let e = x.of("leap/skipped/patient:p-jan/20270231").unwrap();
    assert_eq!(e.result, "dropped: month_end_skipped");
    assert_eq!(e.anchor, "the patient's birthday in 2027: 2027-01-31 (Sun)");
    assert_eq!(
        e.steps,
        ["offset P1M: 2027-01-31 (Sun) + P1M has no such day in its month (month_end skip)"]
    );
    // A month before a birthday of 31 March: "- P1M", not "+ -P1M" (audit 188).
    let month_before = rules(
        "earlier.json",
        &LEAP_BIRTHDAY_RULES.replace(
            r#""id": "skipped", "from": "birthday","#,
            r#""id": "skipped", "from": "birthday", "offset": "-P1M","#,
        ),
    );
    let x = explain(&patient("p-mar", Some("1990-03-31"), &[]), &month_before);
    let e = x.of("leap/skipped/patient:p-mar/20270231").unwrap();
    assert_eq!(
        e.steps,
        ["offset -P1M: 2027-03-31 (Wed) - P1M has no such day in its month (month_end skip)"]
    );
}

/// 29 February birthdays over 2025..2032. Leap years (divisible by 4, none a century):
/// 2028 and 2032. In the six common years (2025, 2026, 2027, 2029, 2030, 2031) the
/// greeting is on 28 February (clamp, the built-in's policy and the documented default),
/// on 1 March with `next_month_first`, and with `skip` it is listed as dropped.
#[test]
fn leap_day_birthdays_over_eight_years() {
    let p = patient("p-leap", Some("1996-02-29"), &[]);
    let from = "2025-01-01";
    let until = "2032-12-31";
    let clamped = [
        "2025-02-28",
        "2026-02-28",
        "2027-02-28",
        "2028-02-29",
        "2029-02-28",
        "2030-02-28",
        "2031-02-28",
        "2032-02-29",
    ];
    let built_in = plan_builtin(&p, from, until);
    assert_eq!(dates_of(&built_in, "birthday-greeting"), clamped);
    let ids: Vec<String> = built_in
        .tasks
        .iter()
        .filter(|t| t.step() == "birthday-greeting")
        .map(|t| t.id())
        .collect();
    assert_eq!(
        ids[0],
        "greetings/birthday-greeting/patient:p-leap/20250228"
    );
    assert_eq!(
        ids[3],
        "greetings/birthday-greeting/patient:p-leap/20280229"
    );
    assert!(built_in.dropped.is_empty(), "{:?}", built_in.dropped);

    let custom = rules("leap.json", LEAP_BIRTHDAY_RULES);
    let plan = plan_with(&custom, &p, from, until);
    assert_eq!(dates_of(&plan, "default-policy"), clamped);
    assert_eq!(
        dates_of(&plan, "next-first"),
        [
            "2025-03-01",
            "2026-03-01",
            "2027-03-01",
            "2028-02-29",
            "2029-03-01",
            "2030-03-01",
            "2031-03-01",
            "2032-02-29",
        ]
    );
    assert_eq!(dates_of(&plan, "skipped"), ["2028-02-29", "2032-02-29"]);
    // The six common years are listed as dropped, numbered as the birthday (YYYY0229),
    // with no day of their own, as an episode's skipped occurrence (audit 165: dated the
    // last day of February, the day `skip` was chosen to avoid).
    let dropped: Vec<(String, DropReason, Option<String>)> = plan
        .dropped
        .iter()
        .map(|x| (x.id().clone(), x.reason, x.nominal.map(|n| n.to_string())))
        .collect();
    let skipped = |year: i32| {
        (
            format!("leap/skipped/patient:p-leap/{year}0229"),
            DropReason::MonthEndSkipped,
            None,
        )
    };
    assert_eq!(
        dropped,
        [2025, 2026, 2027, 2029, 2030, 2031].map(skipped).to_vec()
    );
}

/// Mother's Day, the second Sunday of May, over six years. 1 May moves one weekday a
/// year, two after a 29 February:
///
/// | year | 1 Jan | 1 May | first Sunday | second Sunday |
/// |---|---|---|---|---|
/// | 2025 | Wed (2026's Thursday minus 365 days) | Thu (+120 days, 120 % 7 = 1) | 4 | **11** |
/// | 2026 | Thu | Fri | 3 | **10** |
/// | 2027 | Fri | Sat | 2 | **9** |
/// | 2028 (leap) | Sat | Mon (+121 days, 121 % 7 = 2) | 7 | **14** |
/// | 2029 | Mon (2028 has 366 days) | Tue | 6 | **13** |
/// | 2030 | Tue | Wed | 5 | **12** |
#[test]
fn mothers_day_2025_to_2030() {
    let p = patient("p-m", Some("1970-07-07"), &[]);
    let plan = plan_builtin(&p, "2025-01-01", "2030-12-31");
    let expected = [
        "2025-05-11",
        "2026-05-10",
        "2027-05-09",
        "2028-05-14",
        "2029-05-13",
        "2030-05-12",
    ];
    assert_eq!(dates_of(&plan, "mothers-day"), expected);
    for t in plan.tasks.iter().filter(|t| t.step() == "mothers-day") {
        assert_eq!(t.due.weekday(), chrono::Weekday::Sun, "{}", t.id());
        let compact = t.due.format("%Y%m%d").to_string();
        assert_eq!(
            t.id(),
            format!("greetings/mothers-day/patient:p-m/{compact}")
        );
    }
    // Not the first day of the horizon (the rule's start), which is no Sunday in May.
    assert!(plan
        .tasks
        .iter()
        .all(|t| !(t.step() == "mothers-day" && t.due.month() != 5)));
}

/// All six lunar festivals through the `festival:NAME` anchor (the built-in programme
/// uses three), checked for every year of the independent table (2020-2035), planned as
/// two horizons of at most ten years (the limit max_offset_days is 3,720 days).
#[test]
fn six_lunar_festivals_match_the_independent_table() {
    let text = r#"{
      "format": "followup/v1",
      "id": "lunar",
      "name": {"zh": "农历节日", "en": "Lunar festivals"},
      "scope": "patient",
      "defaults": {"channel": "sms", "role": "customer_service", "time": "morning", "closed_day": "keep"},
      "steps": [
        {"id": "spring_festival", "from": "festival:spring_festival", "title": {"zh": "春节", "en": "Spring Festival"}},
        {"id": "lantern", "from": "festival:lantern", "title": {"zh": "元宵", "en": "Lantern"}},
        {"id": "dragon_boat", "from": "festival:dragon_boat", "title": {"zh": "端午", "en": "Dragon Boat"}},
        {"id": "qixi", "from": "festival:qixi", "title": {"zh": "七夕", "en": "Qixi"}},
        {"id": "mid_autumn", "from": "festival:mid_autumn", "title": {"zh": "中秋", "en": "Mid-Autumn"}},
        {"id": "chongyang", "from": "festival:chongyang", "title": {"zh": "重阳", "en": "Double Ninth"}}
      ]
    }"#;
    let custom = rules("lunar.json", text);
    let p = patient("p-l", None, &[]);
    for (from, until, years) in [
        ("2020-01-01", "2029-12-31", 2020..=2029),
        ("2030-01-01", "2035-12-31", 2030..=2035),
    ] {
        let plan = plan_with(&custom, &p, from, until);
        let mut got: Vec<(String, String)> = plan
            .tasks
            .iter()
            .map(|t| (t.id().clone(), t.due.to_string()))
            .collect();
        let mut expected: Vec<(String, String)> = lunar_rows(years)
            .into_iter()
            .map(|(_, f, date)| {
                (
                    format!("lunar/{f}/patient:p-l/{}", date.format("%Y%m%d")),
                    date.to_string(),
                )
            })
            .collect();
        got.sort();
        expected.sort();
        assert_eq!(got, expected, "{from}..{until}");
        assert!(plan.dropped.is_empty(), "{:?}", plan.dropped);
    }
}

/// Task ids do not depend on the horizon: 2026 and June 2026 - May 2027 give the same id
/// for each greeting in their overlap (June-December 2026).
///
/// The second horizon, by hand: 10 Jul and 10 Oct (quarterly), Mid-Autumn 2026-09-25,
/// birthday 3 Nov, 25 and 31 Dec; then 10 Jan 2027, Spring Festival 2027-02-06 and
/// Lantern 2027-02-20 (lunar table), 14 Feb, 10 Apr, 1 May, and Mother's Day 2027: 1 May
/// 2027 is a Saturday (1 Jan 2027 is a Friday, 2026 having 365 days; +120 days, 120 % 7
/// = 1), so the Sundays are 2 and 9 May.
#[test]
fn ids_are_the_same_whatever_the_horizon() {
    assert_eq!(lunar(2027, "spring_festival"), "2027-02-06");
    assert_eq!(lunar(2027, "lantern"), "2027-02-20");
    let p = patient("p-42", Some("1990-11-03"), &[]);
    let year = plan_builtin(&p, "2026-01-01", "2026-12-31");
    let shifted = plan_builtin(&p, "2026-06-01", "2027-05-31");
    let m = "sms customer_service 09:00-12:00";
    let day = "sms customer_service 09:00-18:00";
    assert_lines(
        &shifted,
        &[
            &format!("2026-07-10 quarterly-touch/quarterly-message {day}"),
            &format!("2026-09-25 greetings/mid-autumn {m}"),
            &format!("2026-10-10 quarterly-touch/quarterly-message {day}"),
            &format!("2026-11-03 greetings/birthday-greeting {m}"),
            &format!("2026-12-25 greetings/christmas {m}"),
            &format!("2026-12-31 greetings/new-years-eve {m}"),
            &format!("2027-01-10 quarterly-touch/quarterly-message {day}"),
            &format!("2027-02-06 greetings/spring-festival {m}"),
            &format!("2027-02-14 greetings/valentines-day {m}"),
            &format!("2027-02-20 greetings/lantern {m}"),
            &format!("2027-04-10 quarterly-touch/quarterly-message {day}"),
            &format!("2027-05-01 greetings/labour-day {m}"),
            &format!("2027-05-09 greetings/mothers-day {m}"),
        ],
    );
    let in_overlap = |plan: &Plan| -> Vec<(String, NaiveDate)> {
        plan.tasks
            .iter()
            .filter(|t| t.due >= d("2026-06-01") && t.due <= d("2026-12-31"))
            .map(|t| (t.id().clone(), t.due))
            .collect()
    };
    let overlap = in_overlap(&year);
    assert_eq!(overlap, in_overlap(&shifted));
    let ids: Vec<&str> = overlap.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "quarterly-touch/quarterly-message/patient:p-42/20260710",
            "greetings/mid-autumn/patient:p-42/20260925",
            "quarterly-touch/quarterly-message/patient:p-42/20261010",
            "greetings/birthday-greeting/patient:p-42/20261103",
            "greetings/christmas/patient:p-42/20261225",
            "greetings/new-years-eve/patient:p-42/20261231",
        ]
    );
    // Mother's Day 2027 is the same task whether the horizon starts in 2026 or in 2027.
    let may_2027 = plan_builtin(&p, "2027-05-01", "2027-05-31");
    let id = "greetings/mothers-day/patient:p-42/20270509";
    assert!(shifted.tasks.iter().any(|t| t.id() == id));
    assert!(may_2027.tasks.iter().any(|t| t.id() == id));
}

/// Mother's Day, counted from the horizon's first day, never moves before its day, as no
/// other greeting does (audit 136: with `max_shift` P1D it went out the day before while
/// the birthday was dropped). Greetings given P1D by an override; the message system down
/// on Sun 10 May 2026 (Mother's Day) and Thu 1 Oct 2026 (the birthday): each would go to
/// the next day, past its expiry (its own day), so both are `expired`.
#[test]
fn mothers_day_never_moves_before_its_day() {
    let rules = crate::support::builtin_and(
        "p1d.json",
        r#"{"format": "followup/v1", "override": "greetings", "defaults": {"max_shift": "P1D"}}"#,
    );
    let cal = Calendar::from_json(
        "c",
        r#"{"messages": {"closed_dates": ["2026-05-10", "2026-10-01"]}}"#,
    )
    .unwrap();
    let p = rules
        .plan_patient(
            &patient("p-85", Some("1990-10-01"), &[]),
            d("2026-01-01"),
            d("2026-12-31"),
            &cal,
        )
        .unwrap();
    let dropped: Vec<String> = (p.dropped.iter())
        .filter(|x| matches!(x.step(), "mothers-day" | "birthday-greeting"))
        .map(|x| format!("{} {}", x.id(), ser(&x.reason)))
        .collect();
    assert_eq!(
        dropped,
        [
            "greetings/birthday-greeting/patient:p-85/20261001 expired",
            "greetings/mothers-day/patient:p-85/20260510 expired",
        ]
    );
    assert!(p.tasks.iter().all(|t| t.step() != "mothers-day"));
}
