//! The lunar festivals against two independent date tables (in `tests/data/`, not packaged:
//! the crate's own unit tests in `src/lunar.rs` read no file).

use followup::lunar::{festival_date, LunarFestival};

/// `festival_date` as a readable string, `"None"` for no date.
fn on(f: LunarFestival, year: i32) -> String {
    festival_date(f, year).map_or_else(|| "None".to_owned(), |d| d.to_string())
}

/// Rows `year,festival,date` (header skipped, CRLF tolerated) that
/// `festival_date` disagrees with, as `"row -> computed"`.
fn mismatches(csv: &str, expected_rows: usize) -> Vec<String> {
    let rows: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(rows.len(), expected_rows);
    let check = |line: &str| {
        let cols: Vec<&str> = line.split(',').collect();
        let got = match cols[..] {
            [year, id, _] => match (year.parse(), LunarFestival::from_id(id)) {
                (Ok(year), Some(f)) => on(f, year),
                _ => "unparsed".to_owned(),
            },
            _ => "unparsed".to_owned(),
        };
        (cols.last() != Some(&got.as_str())).then(|| format!("{line} -> {got}"))
    };
    rows.into_iter().filter_map(check).collect()
}

#[test]
fn shared_table_2020_2035_matches() {
    let csv = include_str!("data/lunar_festivals_2020_2035.csv");
    assert_eq!(mismatches(csv, 16 * 6), Vec::<String>::new());
}

/// The independent `lunardate` table agrees everywhere except one row, a
/// verified error in `lunardate` 0.3.0's year data: the new moon of
/// 1978-09-02 16:09 UTC is 1978-09-03 00:09 in UTC+8, so 八月 began on
/// 3 Sep and 中秋 was 17 Sep, as in ICU4X (checked against the Hong Kong
/// Observatory tables), `lunar-python` and `LunarCalendar`.
#[test]
fn lunardate_table_1901_2099_matches_except_its_1978_error() {
    let csv = include_str!("data/lunar_festivals_1901_2099.csv");
    let expected = ["1978,mid_autumn,1978-09-16 -> 1978-09-17"];
    assert_eq!(mismatches(csv, 199 * 6), expected);
}
