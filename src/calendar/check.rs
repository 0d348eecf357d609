//! The checks a calendar passes before it can be used, each a small function that names
//! the field, the value and what was expected.

use super::spec::Spec;
use crate::error::Located;
use crate::json::push_key;
use crate::limits::MAX_VALUE_CHARS;

type Check = fn(&Spec) -> Result<(), Located>;

/// Every check, in the order their errors are reported.
const CHECKS: [Check; 10] = [
    clinic_name_not_empty,
    some_weekday_open,
    desk_and_messages_work_some_weekday,
    desk_and_messages_dates_once,
    holiday_or_workday,
    closed_or_open,
    coverage_in_order,
    hours_in_order,
    windows_in_order,
    quiet_hours_in_order,
];

/// Runs every check; the first failure is the error.
pub(super) fn check(spec: &Spec) -> Result<(), Located> {
    CHECKS.iter().try_for_each(|check| check(spec))
}

/// The clinic's name, when given, is not empty in any language, no longer than
/// [`MAX_VALUE_CHARS`] and printable (it fills `{clinic}`).
fn clinic_name_not_empty(spec: &Spec) -> Result<(), Located> {
    let Some(name) = &spec.clinic else {
        return Ok(());
    };
    // The first language whose name is wrong, and what is wrong with it: empty names
    // first, then long ones, then control characters.
    let empty = || {
        (name.iter()).find(|(_, s)| s.trim().is_empty()).map(|(tag, _)| {
            let why = "the clinic's name is empty: expected a non-empty text, or no \"clinic\" at all";
            (tag, why.to_string())
        })
    };
    let long = || {
        (name.iter()).find_map(|(tag, s)| {
            let n = s.chars().count();
            (n > MAX_VALUE_CHARS).then(|| {
                let why = format!(
                    "the clinic's name has {n} characters: expected at most {MAX_VALUE_CHARS}"
                );
                (tag, why)
            })
        })
    };
    let control = || {
        (name.iter()).find_map(|(tag, s)| {
            let (i, c) = (s.chars().enumerate())
                .find(|(_, c)| crate::text::unprintable_in_value(*c))?;
            let why = format!(
                "the clinic's name holds {} at character {}: expected printable text on one line (no line break, tab, separator or bidirectional control)",
                crate::text::unprintable_name(c),
                i + 1
            );
            Some((tag, why))
        })
    };
    match empty().or_else(long).or_else(control) {
        None => Ok(()),
        Some((tag, why)) => {
            let mut at = "/clinic".to_string();
            push_key(&mut at, tag);
            Err(Located::new(at, why))
        }
    }
}

/// At least one day of the week is open, counting the weekend when it is closed: so
/// every run of closed days is broken by a listed date at least once a week, which bounds
/// the search for an open day.
fn some_weekday_open(spec: &Spec) -> Result<(), Located> {
    if spec.closed_weekdays.is_every_day() {
        return Err(Located::new(
            "/closed_weekdays",
            "every day of the week is closed: expected at least one open weekday",
        ));
    }
    if spec.closed_on_weekends && spec.closed_weekdays.union(spec.weekend).is_every_day() {
        return Err(Located::new(
            "/closed_on_weekends",
            format!(
                "the weekly closing days ({}) and the weekend ({}), closed by closed_on_weekends, \
                 leave no day of the week open: expected at least one open weekday",
                spec.closed_weekdays.names(),
                spec.weekend.names()
            ),
        ));
    }
    Ok(())
}

/// The call desk and the messages work on at least one day of the week by their weekly
/// rules, which bounds the search for a day they work as for the clinic.
fn desk_and_messages_work_some_weekday(spec: &Spec) -> Result<(), Located> {
    let mut clinic = spec.closed_weekdays;
    if spec.closed_on_weekends {
        clinic = clinic.union(spec.weekend);
    }
    if clinic.union(spec.call_desk.closed_weekdays).is_every_day() {
        return Err(Located::new(
            "/call_desk/closed_weekdays",
            format!(
                "the call desk's closing days ({}) and the clinic's ({}) leave no day of the week for calls: expected at least one weekday the call desk works",
                spec.call_desk.closed_weekdays.names(),
                clinic.names()
            ),
        ));
    }
    if spec.messages.closed_weekdays.is_every_day() {
        return Err(Located::new(
            "/messages/closed_weekdays",
            "messages are closed every day of the week: expected at least one weekday messages go out",
        ));
    }
    Ok(())
}

/// No date is both open and closed for the call desk, or for messages.
fn desk_and_messages_dates_once(spec: &Spec) -> Result<(), Located> {
    for (name, days) in [("call_desk", &spec.call_desk), ("messages", &spec.messages)] {
        if let Some(date) = days.open_dates.0.intersection(&days.closed_dates.0).next() {
            return Err(Located::new(
                format!("/{name}/open_dates"),
                format!("{date} is listed both in {name}.closed_dates and in {name}.open_dates: expected one or the other"),
            ));
        }
    }
    Ok(())
}

/// No date is both a holiday and a make-up working day.
fn holiday_or_workday(spec: &Spec) -> Result<(), Located> {
    let both = spec
        .workdays
        .0
        .keys()
        .find_map(|d| spec.holidays.0.get_key_value(d));
    match both {
        None => Ok(()),
        Some((date, name)) => {
            let mut pointer = "/workdays".to_string();
            push_key(&mut pointer, &date.to_string());
            Err(Located::new(
                pointer,
                format!(
                    "{date} is listed both as a holiday ({:?}) and as a make-up working day: \
                     expected one or the other",
                    name.en()
                ),
            ))
        }
    }
}

/// No date is both closed and open.
fn closed_or_open(spec: &Spec) -> Result<(), Located> {
    match spec.open_dates.0.intersection(&spec.closed_dates.0).next() {
        None => Ok(()),
        Some(date) => Err(Located::new(
            "/open_dates",
            format!("{date} is listed both in closed_dates and in open_dates: expected one or the other"),
        )),
    }
}

fn coverage_in_order(spec: &Spec) -> Result<(), Located> {
    match spec.covers {
        Some(c) if c.from > c.to => Err(Located::new(
            "/covers",
            format!(
                "the calendar covers from {} to {}: expected \"from\" on or before \"to\"",
                c.from.0, c.to.0
            ),
        )),
        _ => Ok(()),
    }
}

fn hours_in_order(spec: &Spec) -> Result<(), Located> {
    match spec.hours {
        Some(h) if h.open.0 >= h.close.0 => Err(Located::new(
            "/hours",
            format!(
                "the clinic opens at {} and closes at {}: expected \"open\" before \"close\" on the same day",
                h.open.0.format("%H:%M"),
                h.close.0.format("%H:%M")
            ),
        )),
        _ => Ok(()),
    }
}

fn windows_in_order(spec: &Spec) -> Result<(), Located> {
    spec.windows
        .resolve(spec.hours.map(|h| h.window()))
        .check()
        // At the window the calendar gives (audit 146: at `/windows`).
        .map_err(|(name, m)| {
            let at = if spec.windows.given(name) {
                format!("/windows/{}", name.name())
            } else {
                "/windows".to_string()
            };
            Located::new(at, m)
        })
}

fn quiet_hours_in_order(spec: &Spec) -> Result<(), Located> {
    for (i, q) in spec.quiet_hours.iter().enumerate() {
        if q.start >= q.end {
            return Err(Located::new(
                format!("/quiet_hours/{i}"),
                format!("quiet hours {q}: expected start before end on the same day (write a night as two periods, 00:00-08:00 and 21:00-23:59)"),
            ));
        }
    }
    // Quiet hours over the whole working day and evening leave no call or message a
    // time: said here, with the calendar's file, not at the first plan. Over the day
    // alone, calls take the evening (README "Clinic calendars").
    let windows = spec.windows.resolve(spec.hours.map(|h| h.window()));
    let (day, evening) = (windows.day, windows.evening);
    let quiet = &spec.quiet_hours;
    if !quiet.is_empty() && day.outside(quiet).is_none() && evening.outside(quiet).is_none() {
        let q: Vec<String> = quiet.iter().map(|w| w.to_string()).collect();
        // Opening hours that leave no evening make it the day window (audit 76: the
        // message named "the evening 09:00-18:00" of a clinic closing at 18:00).
        let evening = if evening == day {
            "no evening within the opening hours".to_string()
        } else {
            format!("the evening {evening}")
        };
        return Err(Located::new(
            "/quiet_hours",
            format!(
                "the quiet hours ({}) cover the whole working day {day}, and {evening}: expected quiet hours that leave part of them free",
                q.join(", ")
            ),
        ));
    }
    Ok(())
}
