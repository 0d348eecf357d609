//! The rules of RFC 5545 §3.3.10 between a repeat rule's parts, said in the library's
//! words before `rrule` reads the rule: `rrule` let some pass in silence (a numbered
//! `BYDAY=1MO` in a `DAILY` rule planned every day, audit 84) and said the others in its
//! own ("RRule parsing error: …").

const WEEKDAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/// Checks the parts (`KEY=VALUE`, each key once, the values of the day-number parts
/// already checked) of a rule; the error says what is wrong and what was expected.
pub(super) fn check(parts: &[(&str, &str)]) -> Result<(), String> {
    let get = |k: &str| parts.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
    let Some(freq) = get("FREQ") else {
        return Err("it has no FREQ; expected FREQ=DAILY, WEEKLY, MONTHLY or YEARLY, such as \"FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=6\"".into());
    };
    if let Some(value) = get("BYDAY") {
        for day in value.split(',') {
            let name = day
                .trim_start_matches(['+', '-'])
                .trim_start_matches(|c: char| c.is_ascii_digit());
            let number = day.strip_suffix(name).unwrap_or_default();
            if !WEEKDAYS.contains(&name) {
                return Err(format!(
                    "BYDAY={value}: {day:?} is not a day of the week; expected MO, TU, WE, TH, FR, SA or SU, in MONTHLY and YEARLY rules with an optional number before it (1MO: the first Monday, -1FR: the last Friday), separated by ','"
                ));
            }
            if number.is_empty() {
                continue;
            }
            let n = number.trim_start_matches(['+', '-']);
            if !n.parse::<u8>().is_ok_and(|n| (1..=53).contains(&n)) {
                return Err(format!(
                    "BYDAY={value}: {day:?} numbers its day {number}; expected a number from 1 to 53, or -53 to -1 counted from the end"
                ));
            }
            if !matches!(freq, "MONTHLY" | "YEARLY") || get("BYWEEKNO").is_some() {
                return Err(format!(
                    "BYDAY={value}: a numbered day ({day}) is for MONTHLY and YEARLY rules without BYWEEKNO; expected the day alone ({name}) in a {freq} rule"
                ));
            }
        }
    }
    if let Some(value) = get("BYMONTH")
        && let Some(m) = value
            .split(',')
            .find(|m| !m.parse::<u8>().is_ok_and(|m| (1..=12).contains(&m)))
    {
        return Err(format!(
            "BYMONTH={value}: {m:?} is not a month; expected months from 1 to 12, separated by ','"
        ));
    }
    if let Some(value) = get("WKST")
        && !WEEKDAYS.contains(&value)
    {
        return Err(format!(
            "WKST={value}: expected the day weeks start on: MO, TU, WE, TH, FR, SA or SU"
        ));
    }
    let only = |key: &str, freqs: &[&str], words: &str| match get(key) {
        Some(_) if !freqs.contains(&freq) => Err(format!(
            "{key} is for {words} rules; expected no {key} in a {freq} rule"
        )),
        _ => Ok(()),
    };
    only("BYWEEKNO", &["YEARLY"], "YEARLY")?;
    only("BYYEARDAY", &["YEARLY"], "YEARLY")?;
    only(
        "BYMONTHDAY",
        &["DAILY", "MONTHLY", "YEARLY"],
        "DAILY, MONTHLY and YEARLY",
    )?;
    let by_other = parts
        .iter()
        .any(|(k, _)| k.starts_with("BY") && *k != "BYSETPOS");
    if get("BYSETPOS").is_some() && !by_other {
        return Err("BYSETPOS picks among the dates another BY part gives, and there is none; expected it with BYDAY, BYMONTHDAY, BYMONTH… (\"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1\": the last weekday of each month)".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    fn parts(text: &str) -> Vec<(&str, &str)> {
        text.split(';').filter_map(|p| p.split_once('=')).collect()
    }

    #[test]
    fn rfc_5545_rules_between_parts_are_said_in_words() {
        for (rule, words) in [
            (
                "FREQ=DAILY;BYDAY=1MO;COUNT=3",
                "a numbered day (1MO) is for MONTHLY and YEARLY rules",
            ),
            (
                "FREQ=WEEKLY;BYDAY=-1FR;COUNT=3",
                "expected the day alone (FR) in a WEEKLY rule",
            ),
            (
                "FREQ=YEARLY;BYWEEKNO=10;BYDAY=1MO;COUNT=3",
                "without BYWEEKNO",
            ),
            (
                "FREQ=MONTHLY;BYDAY=XX;COUNT=3",
                "\"XX\" is not a day of the week",
            ),
            (
                "FREQ=MONTHLY;BYDAY=0MO;COUNT=3",
                "expected a number from 1 to 53",
            ),
            ("COUNT=3", "it has no FREQ"),
            (
                "FREQ=MONTHLY;BYWEEKNO=3;COUNT=3",
                "BYWEEKNO is for YEARLY rules",
            ),
            (
                "FREQ=MONTHLY;BYYEARDAY=3;COUNT=3",
                "BYYEARDAY is for YEARLY rules",
            ),
            (
                "FREQ=WEEKLY;BYMONTHDAY=3;COUNT=3",
                "BYMONTHDAY is for DAILY, MONTHLY and YEARLY rules",
            ),
            ("FREQ=MONTHLY;BYMONTH=13;COUNT=3", "\"13\" is not a month"),
            (
                "FREQ=MONTHLY;WKST=XX;COUNT=3",
                "WKST=XX: expected the day weeks start on",
            ),
            (
                "FREQ=MONTHLY;BYSETPOS=1;COUNT=3",
                "BYSETPOS picks among the dates another BY part gives",
            ),
        ] {
            let e = check(&parts(rule)).expect_err(rule);
            assert!(e.contains(words), "{rule}: {e}");
        }
        for rule in [
            "FREQ=MONTHLY;BYDAY=1MO,-1FR;COUNT=3",
            "FREQ=YEARLY;BYMONTH=2;BYDAY=+2SU;COUNT=3",
            "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=3",
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3",
            "FREQ=DAILY;BYMONTHDAY=1,15;COUNT=3",
            "FREQ=YEARLY;BYWEEKNO=10;BYDAY=MO;COUNT=3",
        ] {
            assert_eq!(check(&parts(rule)), Ok(()), "{rule}");
        }
    }
}
