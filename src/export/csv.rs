//! CSV (RFC 4180) for spreadsheets.

use super::{parent_id, state_name, tasks, Options, State};
use crate::plan::task::{Plan, Task};
use std::fmt::{self, Write};

/// The columns of [`csv`], in order. New columns are only ever added at the end.
///
/// `id`, `patient`, `episode`, `program`, `step`, `occurrence`; `derived` (`attempt-2`,
/// `escalation`… or empty) and `derived_from` (the id of the task it was made from);
/// `channel`, `role` (their JSON names), `owner`; `due`, `window_start`, `window_end`
/// (`HH:MM`), `earliest`, `latest`, `nominal`, `shifted` (the reason's name or empty),
/// `expires`; `state` (`open`, `started`, `waiting` — it waits for a fact, `waits_for`,
/// nothing recorded: no contact until it is recorded —, `done`, `superseded`, `expired`:
/// what the history and the as-of day say; `done` is also a call closed by a refusal or an
/// abnormal recovery, whose `outcome` says which), `as_of_status` (`upcoming`, `open`, `missed`,
/// `expired`, `closed`, `waiting` or empty), `outcome` (the history's outcome or empty), `waits_for`;
/// `title`, `script` in [`Options::lang`]; `closed` (why the calendar closes the task's
/// channel on its due day, [`Task::closed`], or empty); `beyond_calendar` (`true` when
/// the task's day lies outside the calendar's coverage and may still move, else empty).
pub const CSV_COLUMNS: [&str; 27] = [
    "id",
    "patient",
    "episode",
    "program",
    "step",
    "occurrence",
    "derived",
    "derived_from",
    "channel",
    "role",
    "owner",
    "due",
    "window_start",
    "window_end",
    "earliest",
    "latest",
    "nominal",
    "shifted",
    "expires",
    "state",
    "as_of_status",
    "outcome",
    "waits_for",
    "title",
    "script",
    "closed",
    "beyond_calendar",
];

/// The plans as CSV (RFC 4180): a header row ([`CSV_COLUMNS`]), then one
/// row per task; dates `YYYY-MM-DD`.
///
/// Records end in CRLF; a field holding a comma, a double quote, a CR or a LF is quoted,
/// its quotes doubled, and so is a field the formula guard (below) prefixes. With [`Options::bom`] (the default) the text starts with a UTF-8
/// byte order mark, for Excel.
///
/// Formula injection: a spreadsheet runs a cell that begins with `=`, `+`, `-` or `@`
/// (and some with a tab or CR) as a formula, and titles, scripts, owners and ids come
/// from rule and episode files. With [`Options::formula_guard`] (the default) such a
/// cell gets a leading `'` (the OWASP advice): the spreadsheet shows the text, and a
/// program reading the file sees the `'` and can strip it. No cell the library writes
/// itself (dates, times, names of values, numbers) begins with one of those.
///
/// ```
/// use followup::{export, calendar::Calendar, rules::{Lang, RuleSet}};
/// let rules = RuleSet::builtin()?;
/// let ep = rules.read_episode("ep", r#"{"id": "ep-1001", "event": "procedure",
///     "at": "2026-03-02T10:00", "attributes": {"category": "plastic", "setting": "inpatient"},
///     "patient": {"id": "p-42"}, "milestones": {"discharge": "2026-03-05"}}"#)?;
/// let plan = rules.plan(&ep, &Calendar::default())?;
/// let options = export::Options { lang: Lang::En, bom: false, ..export::Options::default() };
/// let csv = export::csv([&plan], &options);
/// let mut rows = csv.split_terminator("\r\n");
/// assert!(rows.next().is_some_and(|h| h.starts_with("id,patient,episode,program,step,occurrence,")));
/// assert!(rows.next().is_some_and(|r| r.starts_with(
///     "plastic-aftercare/day-1-call/ep-1001/0,p-42,ep-1001,plastic-aftercare,day-1-call,0,,,phone,customer_service,,2026-03-03,09:00,18:00,"
/// )));
/// # Ok::<(), followup::Error>(())
/// ```
pub fn csv<'a>(plans: impl IntoIterator<Item = &'a Plan>, options: &Options) -> String {
    super::into_string(|out| write_csv(out, plans, options))
}

/// [`csv`], written into `out`.
///
/// # Errors
///
/// Only those of `out`.
pub fn write_csv<'a>(
    out: &mut impl Write,
    plans: impl IntoIterator<Item = &'a Plan>,
    options: &Options,
) -> fmt::Result {
    if options.bom {
        out.write_char('\u{feff}')?;
    }
    record(out, CSV_COLUMNS.iter().copied(), options)?;
    for item in tasks(plans) {
        let task = item.task;
        let cells = cells(task, options);
        record(out, cells.iter().map(String::as_str), options)?;
    }
    Ok(())
}

/// The cells of one task, in the order of the header.
fn cells(t: &Task, o: &Options) -> Vec<String> {
    let opt = |v: Option<String>| v.unwrap_or_default();
    vec![
        t.id(),
        t.patient().into(),
        t.episode().into(),
        t.program().into(),
        t.step().into(),
        t.occurrence.to_string(),
        opt(t.derived.map(|d| d.name().into_owned())),
        opt(parent_id(t)),
        t.channel().name().into(),
        t.role().name().into(),
        opt(t.owner.as_deref().map(str::to_string)),
        t.due.to_string(),
        t.window.start.format("%H:%M").to_string(),
        t.window.end.format("%H:%M").to_string(),
        t.earliest.to_string(),
        t.latest.to_string(),
        t.nominal.to_string(),
        opt(t.shifted.map(|r| r.name().into())),
        opt(t.expires.map(|d| d.to_string())),
        state_name(State::of(t)).into(),
        opt(t.status.map(|s| super::status_name(s).into())),
        opt(t.record.as_ref().map(|r| r.outcome.name().into())),
        opt(t.waits_for().map(str::to_string)),
        t.title().get(o.lang).into(),
        opt(t.script().map(|s| s.get(o.lang).into())),
        opt(t.closed.map(|r| r.name().into())),
        if t.beyond_calendar { "true" } else { "" }.into(),
    ]
}

/// One record: the fields, guarded and quoted as needed, then CRLF.
fn record<'a>(
    out: &mut impl Write,
    fields: impl Iterator<Item = &'a str>,
    o: &Options,
) -> fmt::Result {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.write_char(',')?;
        }
        let guard = o.formula_guard && field.starts_with(['=', '+', '-', '@', '\t', '\r']);
        if guard || field.contains([',', '"', '\r', '\n']) {
            out.write_char('"')?;
            if guard {
                out.write_char('\'')?;
            }
            for c in field.chars() {
                if c == '"' {
                    out.write_str("\"\"")?;
                } else {
                    out.write_char(c)?;
                }
            }
            out.write_char('"')?;
        } else {
            out.write_str(field)?;
        }
    }
    out.write_str("\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(fields: &[&str], guard: bool) -> String {
        let mut out = String::new();
        let o = Options {
            formula_guard: guard,
            ..Options::default()
        };
        record(&mut out, fields.iter().copied(), &o).unwrap();
        out
    }

    #[test]
    fn fields_are_quoted_and_guarded() {
        assert_eq!(
            row(&["a", "b,c", "d\"e", "f\ng"], true),
            "a,\"b,c\",\"d\"\"e\",\"f\ng\"\r\n"
        );
        assert_eq!(
            row(&["=1+1", "-x", "@a", "\tb", "+c", "x=1"], true),
            "\"'=1+1\",\"'-x\",\"'@a\",\"'\tb\",\"'+c\",x=1\r\n"
        );
        assert_eq!(row(&["=1+1"], false), "=1+1\r\n");
        assert_eq!(row(&[""], true), "\r\n");
    }
}
