//! Merging calendars, coverage, defaults, the JSON form and invalid calendars.

use super::*;

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
    // Windows left out are the defaults, cut to the opening hours (09:00-21:00), which
    // leave them as they are; the evening is the calendar's.
    let w = full.windows();
    assert_eq!(
        [w.morning, w.afternoon, w.evening, w.day].map(|w| w.to_string()),
        ["09:00-12:00", "14:00-18:00", "18:00-20:00", "09:00-18:00"]
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
    // The message of a calendar serde refuses.
    let refused = |json: &str| {
        serde_json::from_str::<Calendar>(json)
            .unwrap_err()
            .to_string()
    };
    let starts = |json: &str, start: &str| {
        let err = refused(json);
        assert!(err.starts_with(start), "{json}: {err}");
    };
    assert_eq!(
        refused(r#"{"holidays": {"2026-02-14": "春节"}, "workdays": {"2026-02-14": "春节"}}"#),
        "/workdays/2026-02-14: 2026-02-14 is listed both as a holiday (\"春节\") and as a \
         make-up working day: expected one or the other"
    );
    // A field's own error starts with its pointer too (audit 127: serde's position only).
    assert_eq!(
        refused(r#"{"closed_weekdays": ["Mnday"]}"#),
        "/closed_weekdays/0: unknown weekday \"Mnday\": expected \"Mon\", \"Tue\", \"Wed\", \
         \"Thu\", \"Fri\", \"Sat\" or \"Sun\" at line 1 column 29"
    );
    // An object only (audit 136: an array of the fields in order was read by position).
    for array in ["[]", r#"[null, ["Mon"], true]"#] {
        starts(
            array,
            "(root): invalid type: sequence, expected a calendar (a JSON object)",
        );
    }
    starts(
        r#""x""#,
        "(root): invalid type: string \"x\", expected a calendar (a JSON object)",
    );
    assert_eq!(
        refused(r#"{"closed_weekdays": ["Mon"], "closed_weekdays": ["Tue"]}"#),
        "/closed_weekdays: duplicate field `closed_weekdays` at line 1 column 46: expected each field once"
    );
    starts(r#"{"hours": 5}"#, "/hours: invalid type: integer `5`");
}

/// Invalid calendars, each with its full error message.
#[test]
fn invalid_calendars_and_their_messages() {
    let cases = [
        // A named window is an object, as quiet hours are (audit 139: read by position).
        (
            r#"{"windows": {"afternoon": ["13:30", "17:30"]}}"#,
            "clinic.json: /windows/afternoon (line 1, column 27): expected a time window (a \
             JSON object such as {\"start\": \"14:00\", \"end\": \"18:00\"}), found an array",
        ),
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
             of the day, such as \"春节\" or {\"zh\": \"春节\", \"en\": \"Spring Festival\"}",
        ),
        (
            "{\n  \"holidays\": [\"2026-02-17\"]\n}",
            "clinic.json: /holidays (line 2, column 15): expected an object of dates and names, \
             such as {\"2026-02-17\": \"春节\"}, found an array",
        ),
        (
            "{\n  \"workdays\": [\"2026-02-14\"]\n}",
            "clinic.json: /workdays (line 2, column 15): expected an object of dates and names, \
             such as {\"2026-02-17\": \"春节\"}, found an array",
        ),
        (
            "{\n  \"holidays\": {\"2026-02-17\": \"春\t节\"}\n}",
            "clinic.json: /holidays/2026-02-17 (line 2, column 32): a tab inside a string: \
             expected it written as \\t",
        ),
        (
            "{\"closed_dates\": [\"+002026-02-17\"]}",
            "clinic.json: /closed_dates/0 (line 1, column 19): invalid date \"+002026-02-17\": \
             expected an existing day written \"YYYY-MM-DD\", such as \"2026-02-17\"",
        ),
        (
            "{\"closed_dates\": [\"2026-02-17\", \"17/02/2026\"]}",
            "clinic.json: /closed_dates/1 (line 1, column 33): invalid date \"17/02/2026\": \
             expected an existing day written \"YYYY-MM-DD\", such as \"2026-02-17\"",
        ),
        // A placeholder for an unknown day (audit 96), in each place a calendar takes a
        // date.
        (
            "{\"covers\": {\"from\": \"0000-01-01\", \"to\": \"2026-12-31\"}}",
            "clinic.json: /covers/from (line 1, column 21): the date 0000-01-01 is before 1900: \
             expected a day of the years 1900 to 9999 (the years of real records: a day outside them is a placeholder or a slip)",
        ),
        (
            "{\"holidays\": {\"1899-12-31\": \"x\"}}",
            "clinic.json: /holidays/1899-12-31 (line 1, column 29): the date 1899-12-31 is before \
             1900: expected a day of the years 1900 to 9999 (the years of real records: a day outside them is a placeholder or a slip)",
        ),
        (
            "{\"call_desk\": {\"open_dates\": [\"2026-02-17\", \"0001-01-01\"]}}",
            "clinic.json: /call_desk/open_dates/1 (line 1, column 45): the date 0001-01-01 is \
             before 1900: expected a day of the years 1900 to 9999 (the years of real records: a day outside them is a placeholder or a slip)",
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
            "clinic.json: /covers (line 2, column 13): missing field \"to\": expected it in this object",
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
            "clinic.json: /closed_on_holidays (line 1, column 24): expected true or false, found \
             the string \"yes\"",
        ),
        (
            "{\"weekends\": [\"Sun\"]}",
            "clinic.json: /weekends (line 1, column 2): unknown field `weekends`, expected one of \
             `covers`, `weekend`, `closed_on_weekends`, `closed_on_holidays`, `holidays`, \
             `workdays`, `closed_weekdays`, `closed_dates`, `open_dates`, `hours`, `windows`, \
             `quiet_hours`, `call_desk`, `messages`, `clinic`; did you mean \"weekend\"?",
        ),
        (
            "{\"call_desk\": {\"open_dates\": [\"2026-02-20\"], \"closed_dates\": [\"2026-02-20\"]}}",
            "clinic.json: /call_desk/open_dates (line 1, column 30): 2026-02-20 is listed both in \
             call_desk.closed_dates and in call_desk.open_dates: expected one or the other",
        ),
        (
            "{\"closed_weekdays\": [\"Mon\"], \"call_desk\": {\"closed_weekdays\": [\"Tue\", \"Wed\", \"Thu\", \"Fri\", \"Sat\", \"Sun\"]}}",
            "clinic.json: /call_desk/closed_weekdays (line 1, column 63): the call desk's closing \
             days (Tue, Wed, Thu, Fri, Sat, Sun) and the clinic's (Mon) leave no day of the week \
             for calls: expected at least one weekday the call desk works",
        ),
        (
            "{\"messages\": {\"closed_weekdays\": [\"Mon\", \"Tue\", \"Wed\", \"Thu\", \"Fri\", \"Sat\", \"Sun\"]}}",
            "clinic.json: /messages/closed_weekdays (line 1, column 34): messages are closed every \
             day of the week: expected at least one weekday messages go out",
        ),
        (
            "{\"call_desk\": {\"on_duty\": [\"2026-02-20\"]}}",
            "clinic.json: /call_desk/on_duty (line 1, column 16): unknown field `on_duty`, expected \
             one of `open_dates`, `closed_dates`, `closed_weekdays`",
        ),
    ];
    for (json, message) in cases {
        let err = Calendar::from_json("clinic.json", json).unwrap_err();
        assert!(err.is_calendar(), "{err}");
        assert_eq!(err.to_string(), message, "{json}");
    }
}

/// Quiet hours over the whole working day and evening leave no call or message a time:
/// refused when the calendar is read, with its file and line, not at the first plan.
/// Over the day alone (09:00-18:00), calls take the evening, 18:00-20:30 (audit 17: such
/// a calendar was refused).
#[test]
fn quiet_hours_over_the_whole_day_are_refused_when_read() {
    let e = Calendar::from_json(
        "c.json",
        r#"{"quiet_hours": [{"start": "00:00", "end": "12:00"}, {"start": "12:00", "end": "23:59"}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "c.json: /quiet_hours (line 1, column 17): the quiet hours (00:00-12:00, 12:00-23:59) cover the whole working day 09:00-18:00, and the evening 18:00-20:30: expected quiet hours that leave part of them free"
    );
    // A clinic closing at 18:00 has no evening to fall back on: said so (audit 76: the
    // message named "the evening 09:00-18:00").
    let e = Calendar::from_json(
        "c.json",
        r#"{"hours": {"open": "09:00", "close": "18:00"}, "quiet_hours": [{"start": "09:00", "end": "18:00"}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "c.json: /quiet_hours (line 1, column 63): the quiet hours (09:00-18:00) cover the whole working day 09:00-18:00, and no evening within the opening hours: expected quiet hours that leave part of them free"
    );
    assert!(Calendar::from_json(
        "c.json",
        r#"{"quiet_hours": [{"start": "00:00", "end": "12:00"}]}"#
    )
    .is_ok());
    let day_quiet = Calendar::from_json(
        "c.json",
        r#"{"quiet_hours": [{"start": "09:00", "end": "18:00"}]}"#,
    )
    .unwrap();
    let rules = crate::support::one_program(
        "t",
        r#""steps": [{"id": "call", "offset": "P1D", "title": {"zh": "t", "en": "t"}}]"#,
    );
    let ep = crate::support::episode(
        r#"{"id": "e", "event": "x", "at": "2026-03-02", "patient": {"id": "p"}}"#,
    );
    let p = rules.plan(&ep, &day_quiet).unwrap();
    assert_eq!(p.tasks[0].window.to_string(), "18:00-20:30");
}

/// A host's copy of a year not shipped (New Year's Day 2027, a Friday, closed; the
/// weekend around it as the shipped files give weekends), joined to the shipped 2026.
fn next_year() -> Calendar {
    cal(
        r#"{"weekend": ["Sat", "Sun"], "closed_on_weekends": true, "closed_on_holidays": true,
            "holidays": {"2027-01-01": {"zh": "元旦", "en": "New Year's Day"}},
            "covers": {"from": "2027-01-01", "to": "2027-12-31"}}"#,
    )
}

/// Audit 143: the 2027 holidays, once announced, join the shipped 2026 calendar: the
/// joined calendar covers both years, and merged into a clinic's it closes New Year's
/// Day 2027 and flags nothing in 2027. Calls 7 days, a year and two years after a
/// procedure on Fri 25 Dec 2026: Fri 1 Jan 2027 (closed: the clinic works weekends, so
/// Sat 2 Jan), Sat 25 Dec 2027 (covered, open), Mon 25 Dec 2028 (beyond the calendar).
/// With `cn-2026` alone, 1 Jan 2027 is an unknown day: the call stays, flagged.
#[test]
fn join_adds_a_year_not_shipped() {
    let official = china(2026).join(&next_year()).unwrap();
    assert_eq!(
        official.coverage(),
        Some((d("2026-01-01"), d("2027-12-31")))
    );
    assert_eq!(official.holiday_name(d("2026-10-01")), Some("National Day"));
    assert_eq!(
        official.holiday_name(d("2027-01-01")),
        Some("New Year's Day")
    );
    // The other way round: the same dates and coverage, the 2027 file's policies.
    let reversed = next_year().join(&china(2026)).unwrap();
    assert_eq!(reversed.coverage(), official.coverage());
    assert_eq!(reversed.day_kind(d("2026-10-07")), DayKind::Holiday);
    let rules = followup::rules::RuleSet::builder()
        .source(
            "t.json",
            r#"{"format": "followup/v1", "id": "t", "name": {"zh": "t", "en": "t"},
                "defaults": {"channel": "phone", "role": "nurse", "time": "day"},
                "steps": [
                  {"id": "week", "offset": "P7D", "title": {"zh": "w", "en": "w"}},
                  {"id": "year", "offset": "P1Y", "title": {"zh": "y", "en": "y"}},
                  {"id": "two-years", "offset": "P2Y", "title": {"zh": "2", "en": "2"}}]}"#,
        )
        .build()
        .unwrap();
    let ep = followup::episode::Episode::from_json(
        "ep.json",
        r#"{"id": "e", "event": "procedure", "at": "2026-12-25T10:00", "patient": {"id": "p"}}"#,
    )
    .unwrap();
    let days = |cal: &Calendar| -> Vec<String> {
        let p = rules.plan(&ep, cal).unwrap();
        (p.tasks.iter())
            .map(|t| {
                format!(
                    "{} {} {:?} {}",
                    t.step(),
                    t.due,
                    t.shifted,
                    t.beyond_calendar
                )
            })
            .collect()
    };
    let clinic = cal(r#"{"closed_on_holidays": true}"#);
    assert_eq!(
        days(&clinic.merge(&official).unwrap()),
        [
            "week 2027-01-02 Some(Holiday) false",
            "year 2027-12-25 None false",
            "two-years 2028-12-25 None true"
        ]
    );
    assert_eq!(
        days(&clinic.merge(&china(2026)).unwrap()),
        [
            "week 2027-01-01 None true",
            "year 2027-12-25 None true",
            "two-years 2028-12-25 None true"
        ]
    );
}

/// `join` refuses what would claim days nobody knows, or dates that disagree: a gap
/// between the coverages (2026 and 2028), a calendar with no `covers`, and a date a
/// holiday in one and a make-up working day in the other.
#[test]
fn join_refuses_a_gap_a_calendar_without_coverage_and_disagreeing_dates() {
    let refused = |a: &Calendar, b: &Calendar| {
        let e = a.join(b).unwrap_err();
        assert!(e.is_calendar(), "{e}");
        (
            e.source_name().to_string(),
            e.pointer().to_string(),
            e.message().to_string(),
        )
    };
    let later = cal(r#"{"covers": {"from": "2028-01-01", "to": "2028-12-31"}}"#);
    let (name, pointer, message) = refused(&china(2026), &later);
    assert_eq!(
        (name.as_str(), pointer.as_str()),
        ("joined calendar", "/covers")
    );
    assert!(
        message.contains("2026-01-01 to 2026-12-31 and 2028-01-01 to 2028-12-31")
            && message.contains("expected calendars whose dates meet or overlap"),
        "{message}"
    );
    let (_, pointer, message) = refused(
        &china(2026),
        &cal(r#"{"holidays": {"2027-01-01": "元旦"}}"#),
    );
    assert_eq!(pointer, "/covers");
    assert!(message.contains("gives no `covers`"), "{message}");
    let slip = cal(r#"{"workdays": {"2026-10-01": "国庆节"},
                      "covers": {"from": "2026-10-01", "to": "2027-12-31"}}"#);
    let (name, _, message) = refused(&china(2026), &slip);
    assert_eq!(name, "joined calendar");
    assert!(message.contains("2026-10-01"), "{message}");
    // Calendars that meet (the day after the first's last) join.
    let meets = cal(r#"{"covers": {"from": "2027-01-01", "to": "2027-01-31"}}"#);
    let joined = china(2026).join(&meets).unwrap();
    assert_eq!(joined.coverage(), Some((d("2026-01-01"), d("2027-01-31"))));
}

/// A date or a weekday listed twice is refused at the second, as a date given twice in
/// `holidays` is (audit 148: accepted in the lists); `"Mon"` and `"Monday"` are one day.
/// Lines and columns counted by hand.
#[test]
fn a_date_or_weekday_listed_twice_is_refused_at_itself() {
    for (text, expected) in [
        (
            "{\"closed_dates\": [\"2026-03-10\",\n \"2026-03-11\", \"2026-03-10\"]}",
            "c.json: /closed_dates/2 (line 2, column 16): 2026-03-10 is listed twice: expected each date once",
        ),
        (
            r#"{"weekend": ["Sat", "sat"]}"#,
            "c.json: /weekend/1 (line 1, column 21): Sat is listed twice: expected each weekday once",
        ),
        (
            r#"{"call_desk": {"closed_weekdays": ["Mon", "Monday"]}}"#,
            "c.json: /call_desk/closed_weekdays/1 (line 1, column 43): Mon is listed twice: expected each weekday once",
        ),
        (
            r#"{"messages": {"open_dates": ["2026-02-17", "2026-02-17"]}}"#,
            "c.json: /messages/open_dates/1 (line 1, column 44): 2026-02-17 is listed twice: expected each date once",
        ),
    ] {
        let err = Calendar::from_json("c.json", text).unwrap_err();
        assert_eq!(err.to_string(), expected);
    }
}

/// An empty calendar text says so, as an empty history or rule file does, at the end of
/// the text (audit 163: "the text ends where a value should be"); a byte-order mark is
/// not part of it.
#[test]
fn an_empty_calendar_text_says_it_is_empty() {
    for (text, place) in [
        ("", "(line 1, column 1)"),
        ("\u{feff}\n  ", "(line 2, column 3)"),
    ] {
        let e = Calendar::from_json("c.json", text).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "c.json: (root) {place}: the text is empty: expected a calendar (a JSON object such as {{\"closed_weekdays\": [\"Sun\"], \"closed_dates\": [\"2026-02-17\"]}}, or for an official calendar {{\"holidays\": {{\"2027-02-06\": \"春节\"}}, \"covers\": {{\"from\": \"2027-01-01\", \"to\": \"2027-12-31\"}}}})"
            )
        );
    }
}
