//! Clinic calendars: day kinds, closing reasons, long holidays, make-up working days,
//! composition, coverage, the JSON form, and the official calendars of mainland China
//! (`rules/calendars/`) checked against `tests/data/cn_public_holidays.csv`.
//!
//! Weekdays in the hand-written tables were counted by hand (1 Jan 2026 is a Thursday)
//! and are checked by the tests.

use chrono::{Datelike, NaiveDate, Weekday};
use followup::{Calendar, DayKind, RuleSet, ShiftReason};
use std::collections::BTreeMap;
use std::path::Path;

/// The State Council table: `date,kind,name`, kind `holiday` or `workday`, CRLF endings.
const TABLE: &str = include_str!("data/cn_public_holidays.csv");

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap_or_else(|_| panic!("bad test date {s}"))
}

fn cal(json: &str) -> Calendar {
    Calendar::from_json("test calendar", json).unwrap_or_else(|e| panic!("{e}"))
}

fn china(year: i32) -> Calendar {
    Calendar::china(year).unwrap_or_else(|e| panic!("{e}"))
}

/// A clinic that closes on holidays, works weekends, and takes its dates from the
/// official 2026 calendar.
fn clinic_2026() -> Calendar {
    cal(r#"{"closed_on_holidays": true}"#)
        .merge(&china(2026))
        .unwrap()
}

struct Row {
    date: NaiveDate,
    kind: DayKind,
    name: String,
}

fn table() -> Vec<Row> {
    let mut lines = TABLE.lines().map(|l| l.trim_end_matches('\r'));
    assert_eq!(lines.next(), Some("date,kind,name"));
    lines
        .map(|line| {
            let parts: Vec<&str> = line.split(',').collect();
            let [date, kind, name] = parts[..] else {
                panic!("not three columns: {line:?}");
            };
            let kind = match kind {
                "holiday" => DayKind::Holiday,
                "workday" => DayKind::MakeupWorkday,
                other => panic!("unknown kind {other:?} in {line:?}"),
            };
            Row {
                date: d(date),
                kind,
                name: name.to_string(),
            }
        })
        .collect()
}

/// The rows of each shipped year: the year of the date, except December 2001 (make-up
/// days for New Year 2002), which `cn-2002.json` holds outside its coverage.
fn rows_by_year() -> BTreeMap<i32, Vec<Row>> {
    let mut years: BTreeMap<i32, Vec<Row>> = BTreeMap::new();
    for row in table() {
        let year = row.date.year().max(*Calendar::CHINA_YEARS.start());
        years.entry(year).or_default().push(row);
    }
    years
}

#[test]
fn the_table_is_the_expected_copy() {
    let rows = table();
    assert_eq!(rows.len(), 832);
    let holidays = rows.iter().filter(|r| r.kind == DayKind::Holiday).count();
    assert_eq!((holidays, rows.len() - holidays), (667, 165));
    let early: Vec<String> = rows
        .iter()
        .filter(|r| r.date.year() < 2002)
        .map(|r| r.date.to_string())
        .collect();
    assert_eq!(early, ["2001-12-29", "2001-12-30"]);
    // Every make-up working day of the table is on a weekend.
    for r in rows.iter().filter(|r| r.kind == DayKind::MakeupWorkday) {
        assert!(
            matches!(r.date.weekday(), Weekday::Sat | Weekday::Sun),
            "{}",
            r.date
        );
    }
}

#[test]
fn every_shipped_year_matches_the_table() {
    let years = rows_by_year();
    let expected: Vec<i32> = Calendar::CHINA_YEARS.collect();
    assert_eq!(years.keys().copied().collect::<Vec<_>>(), expected);
    for (year, rows) in &years {
        let cn = china(*year);
        let (first, last) = (d(&format!("{year}-01-01")), d(&format!("{year}-12-31")));
        assert_eq!(cn.coverage(), Some((first, last)), "{year}");
        for row in rows {
            assert_eq!(cn.day_kind(row.date), row.kind, "{year}: {}", row.date);
            let (holiday, makeup) = match row.kind {
                DayKind::Holiday => (Some(row.name.as_str()), None),
                _ => (None, Some(row.name.as_str())),
            };
            assert_eq!(cn.holiday_name(row.date), holiday, "{}", row.date);
            assert_eq!(cn.makeup_for(row.date), makeup, "{}", row.date);
            // The official calendar closes holidays and opens make-up working days.
            assert_eq!(cn.is_open(row.date), row.kind == DayKind::MakeupWorkday);
        }
        // No other holiday or make-up working day in the year; weekends and workdays
        // follow the Saturday-Sunday week.
        for date in first.iter_days().take_while(|x| *x <= last) {
            let listed = rows.iter().any(|r| r.date == date);
            let kind = cn.day_kind(date);
            if !listed {
                let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
                let (want, reason) = if weekend {
                    (DayKind::Weekend, Some(ShiftReason::Weekend))
                } else {
                    (DayKind::Workday, None)
                };
                assert_eq!(kind, want, "{date} is not in the table");
                assert_eq!(cn.closed_reason(date), reason, "{date}");
            }
        }
    }
}

#[test]
fn every_file_in_rules_calendars_is_embedded() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/calendars");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    files.sort();
    let expected: Vec<String> = Calendar::CHINA_YEARS
        .map(|y| format!("cn-{y}.json"))
        .collect();
    assert_eq!(files, expected);
    for (name, year) in files.iter().zip(Calendar::CHINA_YEARS) {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let from_file = Calendar::from_json(name, &text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            from_file,
            china(year),
            "{name} differs from its embedded copy"
        );
    }
}

#[test]
fn years_outside_the_table_are_errors() {
    assert_eq!(
        Calendar::china(2027).unwrap_err().to_string(),
        "rules/calendars/cn-2027.json: (root): no official calendar of mainland China for 2027: \
         expected a year from 2002 to 2026"
    );
    assert!(Calendar::china(2001).unwrap_err().is_calendar());
    assert_eq!(
        Calendar::china_years(std::ops::RangeInclusive::new(2026, 2025))
            .unwrap_err()
            .to_string(),
        "official calendars: (root): the years 2026 to 2025 are in the wrong order: \
         expected the first year on or before the last"
    );
    assert!(Calendar::china_years(2025..=2027).is_err());
}

#[test]
fn china_years_joins_every_year() {
    let all = Calendar::china_years(Calendar::CHINA_YEARS).unwrap();
    assert_eq!(all.coverage(), Some((d("2002-01-01"), d("2026-12-31"))));
    for row in table() {
        assert_eq!(all.day_kind(row.date), row.kind, "{}", row.date);
    }
    // New Year 2024: Sat 30 Dec 2023 to Mon 1 Jan 2024, across two files.
    assert_eq!(
        all.nearest_open(d("2023-12-30"), true),
        Some(d("2024-01-02"))
    );
    assert_eq!(
        all.nearest_open(d("2024-01-01"), false),
        Some(d("2023-12-29"))
    );
    // One year alone does not know the other's holidays.
    assert_eq!(china(2023).day_kind(d("2024-01-01")), DayKind::Workday);
    let one = Calendar::china_years(2026..=2026).unwrap();
    assert_eq!(one, china(2026));
}

/// 2026 by hand: `date weekday kind name open-in-the-official-calendar`.
#[test]
fn day_kinds_of_2026() {
    let cn = china(2026);
    let rows = [
        "2026-01-01 Thu holiday New Year's Day closed",
        "2026-01-03 Sat holiday New Year's Day closed", // a holiday wins over the weekend
        "2026-01-04 Sun makeup_workday New Year's Day open", // a make-up Sunday
        "2026-01-05 Mon workday - open",
        "2026-02-14 Sat makeup_workday Spring Festival open",
        "2026-02-15 Sun holiday Spring Festival closed", // first day of the 9-day break
        "2026-02-17 Tue holiday Spring Festival closed", // 正月初一
        "2026-02-23 Mon holiday Spring Festival closed", // last day of the break
        "2026-02-24 Tue workday - open",
        "2026-02-28 Sat makeup_workday Spring Festival open",
        "2026-03-01 Sun weekend - closed",
        "2026-04-05 Sun holiday Tomb-sweeping Day closed",
        "2026-05-09 Sat makeup_workday Labour Day open",
        "2026-09-20 Sun makeup_workday National Day open",
        "2026-09-25 Fri holiday Mid-autumn Festival closed",
        "2026-10-07 Wed holiday National Day closed",
        "2026-10-08 Thu workday - open",
        "2026-10-10 Sat makeup_workday National Day open",
    ];
    for row in rows {
        let (date, rest) = row.split_at(10);
        let date = d(date);
        let mut words = rest.split_whitespace();
        let weekday = words.next().unwrap();
        let kind = DayKind::from_name(words.next().unwrap()).unwrap();
        let open = words.next_back().unwrap() == "open";
        let name = words.collect::<Vec<_>>().join(" ");
        assert_eq!(date.weekday().to_string(), weekday, "{row}");
        assert_eq!(cn.day_kind(date), kind, "{row}");
        let named = match kind {
            DayKind::Holiday => cn.holiday_name(date),
            DayKind::MakeupWorkday => cn.makeup_for(date),
            _ => None,
        };
        assert_eq!(named.unwrap_or("-"), name, "{row}");
        assert_eq!(cn.is_open(date), open, "{row}");
    }
}

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
            r#", "closed_weekdays": ["Sat"]"#,
            Some(ShiftReason::ClosedWeekday),
        ),
        ("", Some(ShiftReason::Weekend)),
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
    // Holidays stay open unless the clinic closes on them.
    let open = cal(r#"{"holidays": {"2026-01-01": "元旦"}}"#);
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
    {"id": "reminder", "offset": "-P2D", "closed_day": "previous_open_day", "channel": "sms",
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
    let episode = followup::Episode::from_json(
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
    // An event on Fri 20 Feb, in the middle of the break: the reminder two days before
    // moves back to the make-up Saturday, the day-1 call forward to the first day after.
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
    assert_eq!(
        c.nearest_open(NaiveDate::MAX, false),
        NaiveDate::MAX.pred_opt()
    );
    assert_eq!(c.nearest_open(NaiveDate::MIN, false), None);
}

#[test]
fn merge_unites_dates_and_keeps_the_clinics_policies() {
    let clinic = cal(r#"{"closed_weekdays": ["Mon"], "closed_on_holidays": true,
            "holidays": {"2026-10-01": "国庆节", "2027-02-06": "春节"},
            "closed_dates": ["2026-07-15"],
            "hours": {"open": "10:00", "close": "21:00"},
            "windows": {"afternoon": {"start": "13:30", "end": "17:30"}},
            "covers": {"from": "2026-06-01", "to": "2027-05-31"}}"#);
    let cn = china(2026);
    let merged = clinic.merge(&cn).unwrap();
    // Coverage: both calendars know June to December 2026.
    assert_eq!(merged.coverage(), Some((d("2026-06-01"), d("2026-12-31"))));
    // Holidays of both; the clinic's name wins where both name a date.
    assert_eq!(merged.holiday_name(d("2026-10-01")), Some("国庆节"));
    assert_eq!(merged.holiday_name(d("2026-10-02")), Some("National Day"));
    assert_eq!(merged.holiday_name(d("2027-02-06")), Some("春节"));
    assert_eq!(merged.makeup_for(d("2026-10-10")), Some("National Day"));
    // The clinic's policies, hours and windows: weekends open, Mondays and holidays closed.
    assert!(merged.is_open(d("2026-03-07")));
    assert_eq!(
        merged.closed_reason(d("2026-03-02")),
        Some(ShiftReason::ClosedWeekday)
    );
    assert_eq!(
        merged.closed_reason(d("2026-10-02")),
        Some(ShiftReason::Holiday)
    );
    assert_eq!(
        merged.closed_reason(d("2026-07-15")),
        Some(ShiftReason::ClosedDate)
    );
    assert_eq!(merged.hours(), clinic.hours());
    assert_eq!(merged.windows(), clinic.windows());
    // The other way round, the official policies apply and the clinic lends its dates.
    let official = cn.merge(&clinic).unwrap();
    assert_eq!(
        official.closed_reason(d("2026-03-07")),
        Some(ShiftReason::Weekend)
    );
    assert_eq!(official.holiday_name(d("2026-10-01")), Some("National Day"));
    assert_eq!(
        official.closed_reason(d("2026-07-15")),
        Some(ShiftReason::ClosedDate)
    );
    assert_eq!(official.hours(), None);
    // One coverage alone is kept; none stays none.
    assert_eq!(cal("{}").merge(&cn).unwrap().coverage(), cn.coverage());
    assert_eq!(cal("{}").merge(&cal("{}")).unwrap().coverage(), None);
    // Merging the same calendar changes nothing.
    assert_eq!(cn.merge(&cn).unwrap(), cn);
}

#[test]
fn merge_errors_say_what_conflicts() {
    let cn = china(2026);
    let clinic = cal(r#"{"holidays": {"2026-02-14": "店休"}}"#);
    assert_eq!(
        clinic.merge(&cn).unwrap_err().to_string(),
        "merged calendar: /workdays/2026-02-14: 2026-02-14 is listed both as a holiday (\"店休\") \
         and as a make-up working day: expected one or the other"
    );
    let open = cal(r#"{"open_dates": ["2026-03-03"]}"#);
    let closed = cal(r#"{"closed_dates": ["2026-03-03"]}"#);
    assert_eq!(
        open.merge(&closed).unwrap_err().to_string(),
        "merged calendar: /open_dates: 2026-03-03 is listed both in closed_dates and in \
         open_dates: expected one or the other"
    );
    assert_eq!(
        china(2025).merge(&cn).unwrap_err().to_string(),
        "merged calendar: /covers: the calendars cover 2025-01-01 to 2025-12-31 and 2026-01-01 \
         to 2026-12-31, which do not overlap: expected calendars of overlapping dates"
    );
}

#[test]
fn coverage_includes_both_ends() {
    let c = cal(r#"{"covers": {"from": "2026-01-01", "to": "2026-12-31"}}"#);
    assert!(!c.covers(d("2025-12-31")));
    assert!(c.covers(d("2026-01-01")));
    assert!(c.covers(d("2026-12-31")));
    assert!(!c.covers(d("2027-01-01")));
    // No coverage: no known bound.
    assert!(Calendar::default().covers(NaiveDate::MIN));
    assert_eq!(Calendar::default().coverage(), None);
    // Outside its coverage a calendar still answers from its weekly rules.
    assert_eq!(china(2026).day_kind(d("2027-01-01")), DayKind::Workday);
    assert_eq!(
        china(2026).closed_reason(d("2027-01-02")),
        Some(ShiftReason::Weekend)
    );
}

#[test]
fn defaults_are_open_every_day_with_a_saturday_sunday_weekend() {
    let c = Calendar::default();
    assert_eq!(c, Calendar::open_every_day());
    assert_eq!(c, cal("{}"));
    assert_eq!(c.day_kind(d("2026-03-07")), DayKind::Weekend);
    assert!(c.is_open(d("2026-03-07")));
    assert_eq!(c.hours(), None);
    let fri = cal(r#"{"weekend": ["Fri", "Sat"], "closed_on_weekends": true}"#);
    assert_eq!(
        fri.closed_reason(d("2026-03-06")),
        Some(ShiftReason::Weekend)
    );
    assert_eq!(fri.day_kind(d("2026-03-08")), DayKind::Workday);
    assert!(fri.is_open(d("2026-03-08")));
}

#[test]
fn json_round_trip() {
    let full = cal(r#"{"covers": {"from": "2026-01-01", "to": "2026-12-31"},
            "weekend": ["Sun", "Sat"], "closed_on_weekends": true, "closed_on_holidays": true,
            "holidays": {"2026-02-17": "春节"}, "workdays": {"2026-02-28": "春节"},
            "closed_weekdays": ["Mon"], "closed_dates": ["2026-03-10", "2026-03-03"],
            "open_dates": ["2026-03-02"], "hours": {"open": "09:00", "close": "21:00"},
            "windows": {"evening": {"start": "18:00", "end": "20:00"}}}"#);
    let text = serde_json::to_string(&full).unwrap();
    assert_eq!(
        text,
        concat!(
            r#"{"covers":{"from":"2026-01-01","to":"2026-12-31"},"weekend":["Sat","Sun"],"#,
            r#""closed_on_weekends":true,"closed_on_holidays":true,"#,
            r#""holidays":{"2026-02-17":"春节"},"workdays":{"2026-02-28":"春节"},"#,
            r#""closed_weekdays":["Mon"],"closed_dates":["2026-03-03","2026-03-10"],"#,
            r#""open_dates":["2026-03-02"],"hours":{"open":"09:00","close":"21:00"},"#,
            r#""windows":{"evening":{"start":"18:00","end":"20:00"}}}"#
        )
    );
    // Windows left out come from the opening hours (09:00-21:00): the day is the opening
    // hours, the morning ends at noon, the afternoon is 14:00-18:00.
    let w = full.windows();
    assert_eq!(
        [w.morning, w.afternoon, w.evening, w.day].map(|w| w.to_string()),
        ["09:00-12:00", "14:00-18:00", "18:00-20:00", "09:00-21:00"]
    );
    assert_eq!(Calendar::from_json("again", &text).unwrap(), full);
    let back: Calendar = serde_json::from_str(&text).unwrap();
    assert_eq!(back, full);
    for year in Calendar::CHINA_YEARS {
        let cn = china(year);
        let text = serde_json::to_string(&cn).unwrap();
        assert_eq!(Calendar::from_json("again", &text).unwrap(), cn, "{year}");
    }
}

#[test]
fn serde_deserialize_runs_the_same_checks() {
    let err = serde_json::from_str::<Calendar>(
        r#"{"holidays": {"2026-02-14": "春节"}, "workdays": {"2026-02-14": "春节"}}"#,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "/workdays/2026-02-14: 2026-02-14 is listed both as a holiday (\"春节\") and as a \
         make-up working day: expected one or the other"
    );
}

/// Invalid calendars, each with its full error message.
#[test]
fn invalid_calendars_and_their_messages() {
    let cases = [
        (
            "{\n  \"holidays\": {\"2026-02-14\": \"春节\"},\n  \"workdays\": {\"2026-02-14\": \"春节\"}\n}",
            "clinic.json: /workdays/2026-02-14 (line 3, column 30): 2026-02-14 is listed both as \
             a holiday (\"春节\") and as a make-up working day: expected one or the other",
        ),
        (
            "{\n  \"closed_weekdays\": [\"Mon\", \"Tue\", \"Wed\", \"Thu\", \"Fri\", \"Sat\", \"Sun\"]\n}",
            "clinic.json: /closed_weekdays (line 2, column 22): every day of the week is closed: \
             expected at least one open weekday",
        ),
        (
            "{\n  \"closed_weekdays\": [\"Mon\", \"Tue\", \"Wed\", \"Thu\", \"Fri\"],\n  \"closed_on_weekends\": true\n}",
            "clinic.json: /closed_on_weekends (line 3, column 25): the weekly closing days \
             (Mon, Tue, Wed, Thu, Fri) and the weekend (Sat, Sun), closed by closed_on_weekends, \
             leave no day of the week open: expected at least one open weekday",
        ),
        (
            "{\n  \"holidays\": {\"2026-02-30\": \"春节\"}\n}",
            "clinic.json: /holidays/2026-02-30 (line 2, column 30): invalid date \"2026-02-30\": \
             expected an existing day written \"YYYY-MM-DD\", such as \"2026-02-17\"",
        ),
        (
            "{\n  \"holidays\": {\"2026-02-17\": \"春节\",\n               \"2026-02-17\": \"除夕\"}\n}",
            "clinic.json: /holidays/2026-02-17 (line 2, column 30): 2026-02-17 is listed twice: \
             expected each date once",
        ),
        (
            "{\n  \"holidays\": {\"2026-02-17\": \"\"}\n}",
            "clinic.json: /holidays/2026-02-17 (line 2, column 30): empty name: expected the name \
             of the day, such as \"春节\" or \"Spring Festival\"",
        ),
        (
            "{\n  \"holidays\": [\"2026-02-17\"]\n}",
            "clinic.json: /holidays (line 2, column 15): invalid type: sequence, expected an \
             object of dates and names, such as {\"2026-02-17\": \"春节\"}",
        ),
        (
            "{\n  \"workdays\": [\"2026-02-14\"]\n}",
            "clinic.json: /workdays (line 2, column 15): invalid type: sequence, expected an \
             object of dates and names, such as {\"2026-02-17\": \"春节\"}",
        ),
        (
            "{\"closed_dates\": [\"2026-02-17\", \"17/02/2026\"]}",
            "clinic.json: /closed_dates/1 (line 1, column 33): invalid date \"17/02/2026\": \
             expected an existing day written \"YYYY-MM-DD\", such as \"2026-02-17\"",
        ),
        (
            "{\"closed_dates\": [\"2026-02-17\"], \"open_dates\": [\"2026-02-17\"]}",
            "clinic.json: /open_dates (line 1, column 48): 2026-02-17 is listed both in \
             closed_dates and in open_dates: expected one or the other",
        ),
        (
            "{\"weekend\": [\"Sunday\", \"Mo\"]}",
            "clinic.json: /weekend/1 (line 1, column 24): unknown weekday \"Mo\": expected \
             \"Mon\", \"Tue\", \"Wed\", \"Thu\", \"Fri\", \"Sat\" or \"Sun\"",
        ),
        (
            "{\n  \"covers\": {\"from\": \"2026-12-31\", \"to\": \"2026-01-01\"}\n}",
            "clinic.json: /covers (line 2, column 13): the calendar covers from 2026-12-31 to \
             2026-01-01: expected \"from\" on or before \"to\"",
        ),
        (
            "{\n  \"covers\": {\"from\": \"2026-01-01\"}\n}",
            "clinic.json: /covers (line 2, column 13): missing field `to`",
        ),
        (
            "{\n  \"hours\": {\"open\": \"21:00\", \"close\": \"09:00\"}\n}",
            "clinic.json: /hours (line 2, column 12): the clinic opens at 21:00 and closes at \
             09:00: expected \"open\" before \"close\" on the same day",
        ),
        (
            "{\n  \"hours\": {\"open\": \"9:00\", \"close\": \"21:00\"}\n}",
            "clinic.json: /hours/open (line 2, column 21): invalid time \"9:00\": expected \
             \"HH:MM\" on a 24-hour clock, such as \"09:00\" or \"14:30\"",
        ),
        (
            "{\"closed_on_holidays\": \"yes\"}",
            "clinic.json: /closed_on_holidays (line 1, column 24): invalid type: string \"yes\", \
             expected a boolean",
        ),
        (
            "{\"weekends\": [\"Sun\"]}",
            "clinic.json: /weekends (line 1, column 2): unknown field `weekends`, expected one of \
             `covers`, `weekend`, `closed_on_weekends`, `closed_on_holidays`, `holidays`, \
             `workdays`, `closed_weekdays`, `closed_dates`, `open_dates`, `hours`, `windows`, `quiet_hours`",
        ),
    ];
    for (json, message) in cases {
        let err = Calendar::from_json("clinic.json", json).unwrap_err();
        assert!(err.is_calendar(), "{err}");
        assert_eq!(err.to_string(), message, "{json}");
    }
}
