//! The official calendars of mainland China against the State Council table, and 2026
//! day by day.

use super::*;

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
            // The table's English name, but in 2020, when the Mid-autumn Festival fell
            // on National Day (1 October), the two holidays' joined name.
            let (en, zh) = shipped_names(*year, &row.name);
            let (holiday, makeup) = match row.kind {
                DayKind::Holiday => (Some(en), None),
                _ => (None, Some(en)),
            };
            assert_eq!(cn.holiday_name(row.date), holiday, "{}", row.date);
            assert_eq!(cn.makeup_for(row.date), makeup, "{}", row.date);
            let text = cn
                .holiday(row.date)
                .or(cn.makeup_holiday(row.date))
                .unwrap();
            assert_eq!((text.en(), text.zh()), (en, zh), "{}", row.date);
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
        "Calendar::china(2027): (root): no official calendar of mainland China for 2027: \
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

/// The English and Chinese names a shipped calendar gives a holiday the table names `en`.
fn shipped_names(year: i32, en: &str) -> (&str, &'static str) {
    if year == 2020 && en == "National Day" {
        return ("National Day and Mid-autumn Festival", "国庆节、中秋节");
    }
    let zh = match en {
        "New Year's Day" => "元旦",
        "Spring Festival" => "春节",
        "Tomb-sweeping Day" => "清明节",
        "Labour Day" => "劳动节",
        "Dragon Boat Festival" => "端午节",
        "Mid-autumn Festival" => "中秋节",
        "National Day" => "国庆节",
        "Anti-Fascist 70th Day" => "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
        other => panic!("unknown holiday {other:?}"),
    };
    (en, zh)
}

#[test]
fn a_holiday_name_is_one_string_or_a_text_and_is_written_back_so() {
    let cal = Calendar::from_json(
        "clinic.json",
        r#"{"holidays": {"2026-03-08": "妇女节", "2026-10-01": {"zh": "国庆节", "en": "National Day"}},
            "workdays": {"2026-10-10": {"zh": "国庆节", "en": "National Day"}}}"#,
    )
    .unwrap();
    let d8 = d("2026-03-08");
    assert_eq!(cal.holiday_name(d8), Some("妇女节"));
    assert_eq!(cal.holiday(d8).unwrap().en(), "妇女节");
    assert_eq!(cal.holiday(d("2026-10-01")).unwrap().zh(), "国庆节");
    assert_eq!(
        cal.makeup_holiday(d("2026-10-10")).unwrap().en(),
        "National Day"
    );
    let json = serde_json::to_value(&cal).unwrap();
    assert_eq!(json["holidays"]["2026-03-08"], "妇女节");
    assert_eq!(json["holidays"]["2026-10-01"]["zh"], "国庆节");
    let back = Calendar::from_json("again.json", &json.to_string()).unwrap();
    assert_eq!(back, cal);
    // An empty name in one language is refused.
    let err = Calendar::from_json(
        "clinic.json",
        r#"{"holidays": {"2026-03-08": {"zh": " ", "en": "Women's Day"}}}"#,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        err,
        "clinic.json: /holidays/2026-03-08/zh (line 1, column 36): the text is empty: expected a non-empty text"
    );
    // A name in one string is checked as one in each language is (audit 78: an escape
    // reached the terminal), and so is its length.
    for (name, message) in [
        (
            "\\u001b[31mX",
            "holds the control character U+001B at character 1: expected printable text (line breaks and tabs are allowed)",
        ),
        ("\\u0000", "holds the control character U+0000 at character 1"),
    ] {
        let err = Calendar::from_json("c.json", &format!(r#"{{"holidays": {{"2026-03-08": "{name}"}}}}"#))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("c.json: /holidays/2026-03-08 (line 1, column ") && err.contains(message),
            "{err}"
        );
    }
    let long = "节".repeat(5_201);
    let err = Calendar::from_json(
        "c.json",
        &format!(r#"{{"holidays": {{"2026-03-08": "{long}"}}}}"#),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.ends_with("the text has more than 5200 characters: expected at most 5200"),
        "{err}"
    );
}
