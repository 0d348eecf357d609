//! Day kinds, closing reasons, and the search for open days around long holidays.

use super::*;

#[test]
fn day_kind_names_and_json() {
    for kind in DayKind::ALL {
        let json = serde_json::to_string(&kind).unwrap();
        assert_eq!(json, format!("\"{}\"", kind.name()));
        assert_eq!(DayKind::from_name(kind.name()), Some(kind));
    }
    assert_eq!(
        serde_json::to_string(&[ShiftReason::Holiday, ShiftReason::Weekend]).unwrap(),
        r#"["holiday","weekend"]"#
    );
}

#[test]
fn closed_reason_is_the_most_specific() {
    // Sat 3 Jan 2026 is a holiday, a weekend day and, here, a weekly closing day.
    let date = d("2026-01-03");
    let base = r#""holidays": {"2026-01-03": "元旦"}, "closed_on_weekends": true"#;
    let cases = [
        (
            r#", "closed_weekdays": ["Sat"], "closed_on_holidays": true, "closed_dates": ["2026-01-03"]"#,
            Some(ShiftReason::ClosedDate),
        ),
        (
            r#", "closed_weekdays": ["Sat"], "closed_on_holidays": true"#,
            Some(ShiftReason::Holiday),
        ),
        (
            r#", "closed_weekdays": ["Sat"], "closed_on_holidays": false"#,
            Some(ShiftReason::ClosedWeekday),
        ),
        (
            r#", "closed_on_holidays": false"#,
            Some(ShiftReason::Weekend),
        ),
        (
            r#", "closed_weekdays": ["Sat"], "closed_on_holidays": true, "closed_dates": ["2026-01-04"], "open_dates": ["2026-01-03"]"#,
            None,
        ),
    ];
    for (extra, want) in cases {
        let c = cal(&format!("{{{base}{extra}}}"));
        assert_eq!(c.closed_reason(date), want, "{extra}");
        assert_eq!(c.is_open(date), want.is_none(), "{extra}");
        assert_eq!(c.day_kind(date), DayKind::Holiday);
    }
    // Listed holidays are closed unless the clinic says it works on them.
    let closed = cal(r#"{"holidays": {"2026-01-01": "元旦"}}"#);
    assert_eq!(
        closed.closed_reason(d("2026-01-01")),
        Some(ShiftReason::Holiday)
    );
    let open = cal(r#"{"holidays": {"2026-01-01": "元旦"}, "closed_on_holidays": false}"#);
    assert_eq!(open.day_kind(d("2026-01-01")), DayKind::Holiday);
    assert!(open.is_open(d("2026-01-01")));
}

#[test]
fn next_open_day_crosses_the_9_day_spring_festival() {
    let clinic = clinic_2026();
    for day in 15..=23 {
        let date = d(&format!("2026-02-{day}"));
        assert_eq!(
            clinic.closed_reason(date),
            Some(ShiftReason::Holiday),
            "{date}"
        );
        assert_eq!(clinic.nearest_open(date, true), Some(d("2026-02-24")));
        assert_eq!(clinic.nearest_open(date, false), Some(d("2026-02-14")));
    }
    assert_eq!(
        clinic.nearest_open(d("2026-02-24"), true),
        Some(d("2026-02-24"))
    );
}

#[test]
fn previous_open_day_is_the_make_up_saturday_before_the_break() {
    // The official calendar closes weekends, but Sat 14 Feb is a make-up working day.
    let cn = china(2026);
    assert_eq!(
        cn.nearest_open(d("2026-02-17"), false),
        Some(d("2026-02-14"))
    );
    // Without it, the last open day would be Friday 13.
    let plain = cal(r#"{"closed_on_weekends": true, "closed_on_holidays": true,
            "holidays": {"2026-02-15": "春节", "2026-02-16": "春节", "2026-02-17": "春节"}}"#);
    assert_eq!(
        plain.nearest_open(d("2026-02-17"), false),
        Some(d("2026-02-13"))
    );
    assert_eq!(
        plain.closed_reason(d("2026-02-14")),
        Some(ShiftReason::Weekend)
    );
}

#[test]
fn make_up_sundays_are_open_when_weekends_are_closed() {
    let cn = china(2026);
    // New Year: Thu 1 to Sat 3 Jan off, Sun 4 Jan worked.
    assert_eq!(cn.day_kind(d("2026-01-04")), DayKind::MakeupWorkday);
    assert_eq!(cn.closed_reason(d("2026-01-04")), None);
    assert_eq!(
        cn.nearest_open(d("2026-01-01"), true),
        Some(d("2026-01-04"))
    );
    // National Day: Sun 20 Sep worked; Sun 27 Sep is a Mid-autumn holiday.
    assert!(cn.is_open(d("2026-09-20")));
    assert_eq!(
        cn.closed_reason(d("2026-09-13")),
        Some(ShiftReason::Weekend)
    );
    // A make-up day lifts the weekend closure only: a clinic closed on Sundays stays
    // closed, unless it lists the date in open_dates.
    let sundays = cal(r#"{"closed_weekdays": ["Sun"], "closed_on_weekends": true}"#);
    let merged = sundays.merge(&cn).unwrap();
    assert_eq!(
        merged.closed_reason(d("2026-01-04")),
        Some(ShiftReason::ClosedWeekday)
    );
    let opened = cal(r#"{"closed_weekdays": ["Sun"], "open_dates": ["2026-01-04"]}"#)
        .merge(&cn)
        .unwrap();
    assert!(opened.is_open(d("2026-01-04")));
}

const SHIFT_RULES: &str = r#"{
  "format": "followup/v1", "id": "visit", "name": {"zh": "复诊", "en": "Review"},
  "applies": {"event": "procedure"},
  "steps": [
    {"id": "reminder", "offset": "-P2D", "closed_day": "previous_open_day", "channel": "phone",
     "title": {"zh": "复诊提醒", "en": "Reminder"}},
    {"id": "day-1", "offset": "P1D", "closed_day": "next_open_day",
     "title": {"zh": "第一天", "en": "Day 1"}},
    {"id": "day-0-sms", "offset": "P0D", "closed_day": "keep", "channel": "sms",
     "title": {"zh": "当天短信", "en": "Same day"}}
  ]
}"#;

/// `step nominal -> due (reason)` for each task of a plan of an event on `at`.
fn shifts(calendar: &Calendar, at: &str) -> Vec<String> {
    let rules = RuleSet::builder()
        .source("visit.json", SHIFT_RULES)
        .build()
        .unwrap();
    let episode = followup::episode::Episode::from_json(
        "ep",
        &format!(
            r#"{{"id": "e1", "event": "procedure", "at": "{at}", "patient": {{"id": "p1"}}}}"#
        ),
    )
    .unwrap();
    let plan = rules.plan(&episode, calendar).unwrap();
    plan.tasks
        .iter()
        .map(|t| {
            let reason = t
                .shifted
                .map(|r| {
                    serde_json::to_value(r)
                        .unwrap()
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .unwrap_or_else(|| "-".into());
            format!("{} {} -> {} ({reason})", t.step(), t.nominal, t.due)
        })
        .collect()
}

#[test]
fn planned_tasks_shift_both_ways_around_the_spring_festival() {
    // An event on Fri 20 Feb, in the middle of the break: the reminder call two days
    // before moves back to the make-up Saturday, the day-1 call forward to the first day
    // after; the same-day message goes out (messages go every day).
    assert_eq!(
        shifts(&clinic_2026(), "2026-02-20"),
        [
            "reminder 2026-02-18 -> 2026-02-14 (holiday)",
            "day-0-sms 2026-02-20 -> 2026-02-20 (-)",
            "day-1 2026-02-21 -> 2026-02-24 (holiday)",
        ]
    );
    // The official calendar also closes weekends: Sat 7 Mar moves to Mon 9 Mar.
    assert_eq!(
        shifts(&china(2026), "2026-03-06"),
        [
            "reminder 2026-03-04 -> 2026-03-04 (-)",
            "day-0-sms 2026-03-06 -> 2026-03-06 (-)",
            "day-1 2026-03-07 -> 2026-03-09 (weekend)",
        ]
    );
}

/// Regression: the search used to stop after 7 + (closed dates) days, too early when
/// closed weekdays surround a closed date: closed Monday to Saturday and on Sunday
/// 8 Mar 2026, the first open day after Monday 2 Mar is Sunday 15 Mar.
#[test]
fn nearest_open_crosses_two_closed_weeks_joined_by_a_closed_date() {
    let c = cal(
        r#"{"closed_weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
                    "closed_dates": ["2026-03-08"]}"#,
    );
    assert_eq!(c.nearest_open(d("2026-03-02"), true), Some(d("2026-03-15")));
    assert_eq!(
        c.nearest_open(d("2026-03-14"), false),
        Some(d("2026-03-01"))
    );
}

#[test]
fn nearest_open_crosses_a_year_of_closed_days() {
    // Open on Sundays only, and every Sunday of 2026 a holiday the clinic closes on.
    let sundays: Vec<String> = d("2026-01-04")
        .iter_weeks()
        .take_while(|s| s.year() == 2026)
        .map(|s| format!("\"{s}\": \"休\""))
        .collect();
    assert_eq!(sundays.len(), 52);
    let c = cal(&format!(
        r#"{{"closed_weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
            "closed_on_holidays": true, "holidays": {{{}}}}}"#,
        sundays.join(", ")
    ));
    assert_eq!(c.nearest_open(d("2026-01-01"), true), Some(d("2027-01-03")));
    assert_eq!(
        c.nearest_open(d("2026-12-31"), false),
        Some(d("2025-12-28"))
    );
}

#[test]
fn nearest_open_stops_at_the_end_of_the_date_range() {
    let c = Calendar::new([], [NaiveDate::MAX, NaiveDate::MIN]).unwrap();
    assert_eq!(c.nearest_open(NaiveDate::MAX, true), None);
    assert_eq!(c.nearest_open(NaiveDate::MIN, false), None);
    // Plans are written in the years 0001 to 9999: no open day past them (audit 86: a
    // search from 9999-12-30 gave 10000-01-01).
    let c = Calendar::new(
        [],
        ["9999-12-30", "9999-12-31", "0001-01-01", "0001-01-02"].map(d),
    )
    .unwrap();
    assert_eq!(c.nearest_open(d("9999-12-30"), true), None);
    assert_eq!(
        c.nearest_open(d("9999-12-31"), false),
        Some(d("9999-12-29"))
    );
    assert_eq!(c.nearest_open(d("0001-01-02"), false), None);
    assert_eq!(c.nearest_open(d("0001-01-01"), true), Some(d("0001-01-03")));
    assert_eq!(c.nearest_open(d("9999-12-28"), true), Some(d("9999-12-28")));
}
