//! iCalendar (RFC 5545): one `VCALENDAR`, one `VTODO` per task.

use super::{at, tasks, Item, Options, State};
use crate::plan::task::Plan;
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use std::fmt::{self, Write};

/// The plans as one iCalendar object (RFC 5545): a `VCALENDAR` with one `VTODO` per task.
///
/// Lines end in CRLF and are folded at 75 octets (never inside a UTF-8 character); texts
/// are escaped (`\\`, `\;`, `\,`, `\n`). Times carry `TZID=` the zone of
/// [`Options::zone`], whose `VTIMEZONE` (a fixed offset) comes first: an importing
/// calendar in another zone shows the call at the clinic's time, converted, which
/// floating times would not. Each to-do has:
///
/// | property | value |
/// | --- | --- |
/// | `UID` | the task id ([`Task::id`](crate::plan::Task::id)), `@` [`Options::uid_domain`] when it is set |
/// | `DTSTAMP` | [`Options::stamp`] in UTC (see there for the default) |
/// | `DTSTART`, `DUE` | the due day at the window's start and end |
/// | `SUMMARY`, `DESCRIPTION` | title and script in [`Options::lang`] (`LANGUAGE=`); the summary of a task that waits for a fact, nothing recorded, starts with `[等待: 已康复] ` / `[waits for: recovered] `: no contact until the fact is recorded (or the wait ends at `X-FOLLOWUP-EXPIRES`) |
/// | `STATUS` | `COMPLETED` (done: the patient was reached, whatever was said — done, declined, an abnormal recovery reported; the outcome is in `X-FOLLOWUP-OUTCOME`), `CANCELLED` (superseded by a later attempt, or expired on the as-of day), `IN-PROCESS` (an outcome recorded, not closed), else `NEEDS-ACTION` (a waiting task too: a to-do has no status for "not yet", its summary says it) |
/// | `COMPLETED` | when the history recorded it done, in UTC |
/// | `CATEGORIES` | channel and role (`phone,customer_service`) |
/// | `CLASS` | `CONFIDENTIAL`: a to-do names a patient |
/// | `RELATED-TO` | for a derived task: the `UID` of the task it was made from |
/// | `X-FOLLOWUP-…` | `PROGRAM`, `STEP`, `OCCURRENCE`, `EPISODE`, `PATIENT`, `OWNER`, `EARLIEST`, `LATEST`, `NOMINAL`, `SHIFTED` (the reason's name), `CLOSED` (why the calendar closes the task's channel on its day: a task kept there, for whoever is on duty), `BEYOND-CALENDAR` (`TRUE`: the day is outside the calendar's coverage and may still move), `DERIVED`, `EXPIRES`, `AS-OF-STATUS`, `OUTCOME`, `WAITS-FOR`, `RULES` (the plan's rule fingerprint); those that do not apply are left out |
///
/// ```
/// use followup::{export, calendar::Calendar, rules::RuleSet};
/// let rules = RuleSet::builtin()?;
/// let ep = rules.read_episode("ep", r#"{"id": "ep-1001", "event": "procedure",
///     "at": "2026-03-02T10:00", "attributes": {"category": "plastic", "setting": "inpatient"},
///     "patient": {"id": "p-42"}, "milestones": {"discharge": "2026-03-05"}}"#)?;
/// let plan = rules.plan(&ep, &Calendar::default())?;
/// let ics = export::ics([&plan], &export::Options::default());
/// assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
/// assert_eq!(ics.matches("BEGIN:VTODO\r\n").count(), plan.tasks.len());
/// // The day after surgery, customer service calls during the day.
/// assert!(ics.contains(concat!(
///     "UID:plastic-aftercare/day-1-call/ep-1001/0\r\n",
///     "DTSTAMP:20260302T160000Z\r\n",
///     "DTSTART;TZID=Asia/Shanghai:20260303T090000\r\n",
///     "DUE;TZID=Asia/Shanghai:20260303T180000\r\n",
/// )));
/// assert!(ics.lines().all(|line| line.len() <= 75));
/// # Ok::<(), followup::Error>(())
/// ```
pub fn ics<'a>(plans: impl IntoIterator<Item = &'a Plan>, options: &Options) -> String {
    super::into_string(|out| write_ics(out, plans, options))
}

/// [`ics`], written into `out`.
///
/// # Errors
///
/// Only those of `out`.
pub fn write_ics<'a>(
    out: &mut impl Write,
    plans: impl IntoIterator<Item = &'a Plan>,
    options: &Options,
) -> fmt::Result {
    let tasks = tasks(plans);
    let mut w = Lines {
        out,
        line: String::new(),
    };
    w.line(format_args!("BEGIN:VCALENDAR"))?;
    w.line(format_args!("VERSION:2.0"))?;
    w.line(format_args!("PRODID:{}", Text(&options.product_id)))?;
    w.line(format_args!("CALSCALE:GREGORIAN"))?;
    // Always: RFC 5545 wants a component, and a calendar of no task is still one.
    let zone = &options.zone;
    w.line(format_args!("BEGIN:VTIMEZONE"))?;
    w.line(format_args!("TZID:{}", zone.id()))?;
    w.line(format_args!("BEGIN:STANDARD"))?;
    w.line(format_args!("DTSTART:19700101T000000"))?;
    w.line(format_args!("TZOFFSETFROM:{}", zone.offset(false)))?;
    w.line(format_args!("TZOFFSETTO:{}", zone.offset(false)))?;
    w.line(format_args!("END:STANDARD"))?;
    w.line(format_args!("END:VTIMEZONE"))?;
    let stamp = options.stamp.or_else(|| {
        let first = tasks.iter().map(|i| i.task.earliest).min()?;
        Some(at(first, NaiveTime::MIN))
    });
    let stamp = stamp.map(|s| options.zone.to_utc(s));
    for item in &tasks {
        todo(&mut w, item, stamp, options)?;
    }
    w.line(format_args!("END:VCALENDAR"))
}

/// One `VTODO`.
fn todo<W: Write>(
    w: &mut Lines<'_, W>,
    item: &Item<'_>,
    stamp: Option<NaiveDateTime>,
    o: &Options,
) -> fmt::Result {
    let (task, plan) = (item.task, item.plan);
    let zone = o.zone.id();
    let lang = o.lang.tag();
    let uid = |id: &str| -> String {
        if o.uid_domain.is_empty() {
            id.to_string()
        } else {
            format!("{id}@{}", o.uid_domain)
        }
    };
    w.line(format_args!("BEGIN:VTODO"))?;
    w.line(format_args!("UID:{}", Text(&uid(&item.id()))))?;
    if let Some(s) = stamp {
        w.line(format_args!("DTSTAMP:{}Z", Stamp(s)))?;
    }
    let start = at(task.due, task.window.start);
    let end = at(task.due, task.window.end);
    w.line(format_args!("DTSTART;TZID={zone}:{}", Stamp(start)))?;
    w.line(format_args!("DUE;TZID={zone}:{}", Stamp(end)))?;
    let state = State::of(task);
    // VTODO's STATUS has no word for "not yet": the summary says it, in the calendar
    // view's words (audit 182: the upsell call that waits for recovery was a plain to-do
    // on its day).
    let waiting = match (state, task.waits_for()) {
        (State::Waiting, Some(fact)) => {
            let name = crate::labels::fact(fact, o.lang).unwrap_or(fact);
            o.lang.pick(("[等待: ", "[waits for: ")).to_string() + name + "] "
        }
        _ => String::new(),
    };
    w.line(format_args!(
        "SUMMARY;LANGUAGE={lang}:{}{}",
        Text(&waiting),
        Text(task.title().get(o.lang))
    ))?;
    if let Some(script) = task.script() {
        w.line(format_args!(
            "DESCRIPTION;LANGUAGE={lang}:{}",
            Text(script.get(o.lang))
        ))?;
    }
    let status = match state {
        State::Done => "COMPLETED",
        State::Superseded | State::Expired => "CANCELLED",
        State::Started => "IN-PROCESS",
        State::Waiting | State::Open => "NEEDS-ACTION",
    };
    w.line(format_args!("STATUS:{status}"))?;
    if let (State::Done, Some(r)) = (state, &task.record) {
        w.line(format_args!("COMPLETED:{}Z", Stamp(o.zone.to_utc(r.at))))?;
    }
    w.line(format_args!(
        "CATEGORIES:{},{}",
        task.channel().name(),
        task.role().name()
    ))?;
    w.line(format_args!("CLASS:CONFIDENTIAL"))?;
    if let Some(parent) = item.parent_id() {
        w.line(format_args!("RELATED-TO:{}", Text(&uid(&parent))))?;
    }
    let x = |w: &mut Lines<'_, W>, name: &str, value: &str| {
        w.line(format_args!("X-FOLLOWUP-{name}:{}", Text(value)))
    };
    x(w, "PROGRAM", task.program())?;
    x(w, "STEP", task.step())?;
    x(w, "OCCURRENCE", &task.occurrence.to_string())?;
    x(w, "EPISODE", task.episode())?;
    x(w, "PATIENT", task.patient())?;
    if let Some(owner) = &task.owner {
        x(w, "OWNER", owner)?;
    }
    x(w, "EARLIEST", &task.earliest.to_string())?;
    x(w, "LATEST", &task.latest.to_string())?;
    if let Some(reason) = task.shifted {
        x(w, "NOMINAL", &task.nominal.to_string())?;
        x(w, "SHIFTED", reason.name())?;
    }
    if let Some(reason) = task.closed {
        x(w, "CLOSED", reason.name())?;
    }
    if task.beyond_calendar {
        x(w, "BEYOND-CALENDAR", "TRUE")?;
    }
    if let Some(d) = task.derived {
        x(w, "DERIVED", &d.name())?;
    }
    if let Some(e) = task.expires {
        x(w, "EXPIRES", &e.to_string())?;
    }
    if let Some(s) = task.status {
        x(w, "AS-OF-STATUS", super::status_name(s))?;
    }
    if let Some(r) = &task.record {
        x(w, "OUTCOME", r.outcome.name())?;
    }
    if let Some(fact) = task.waits_for() {
        x(w, "WAITS-FOR", fact)?;
    }
    if !plan.made_by.rules.is_empty() {
        x(w, "RULES", &plan.made_by.rules)?;
    }
    w.line(format_args!("END:VTODO"))
}

/// Writes content lines: each one built whole, then folded at 75 octets and ended by
/// CRLF.
struct Lines<'a, W: Write> {
    out: &'a mut W,
    line: String,
}

impl<W: Write> Lines<'_, W> {
    fn line(&mut self, args: fmt::Arguments<'_>) -> fmt::Result {
        self.line.clear();
        self.line.write_fmt(args)?;
        fold(self.out, &self.line)
    }
}

/// Writes `line` folded: at most 75 octets a line, the continuation lines starting with a
/// space (which counts), cut only between characters. A line is not cut right after a
/// space: the spaces go to the next line, as readers that trim lines before unfolding
/// them would lose them.
pub(crate) fn fold(out: &mut impl Write, line: &str) -> fmt::Result {
    let mut room = 75;
    let mut seg = String::with_capacity(75);
    for c in line.chars() {
        let n = c.len_utf8();
        if seg.len() + n > room {
            let kept = seg.trim_end_matches(' ').len();
            let carried = seg.len() - kept;
            if kept > 0 && carried > 0 && carried + n <= 74 {
                out.write_str(seg.get(..kept).unwrap_or_default())?;
                seg.drain(..kept);
            } else {
                out.write_str(&seg)?;
                seg.clear();
            }
            out.write_str("\r\n ")?;
            room = 74;
        }
        seg.push(c);
    }
    out.write_str(&seg)?;
    out.write_str("\r\n")
}

/// A TEXT value, escaped: `\\`, `\;`, `\,`, newlines as `\n`; a CR before a newline is
/// dropped and other control characters (which TEXT may not hold) are written as spaces.
struct Text<'a>(&'a str);

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut chars = self.0.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => f.write_str("\\\\")?,
                ';' => f.write_str("\\;")?,
                ',' => f.write_str("\\,")?,
                '\n' => f.write_str("\\n")?,
                '\r' if chars.peek() == Some(&'\n') => {}
                '\r' => f.write_str("\\n")?,
                '\t' => f.write_char('\t')?,
                c if c.is_control() => f.write_char(' ')?,
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// A DATE-TIME without zone: `20260303T140000`.
struct Stamp(NaiveDateTime);

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (d, t): (NaiveDate, NaiveTime) = (self.0.date(), self.0.time());
        write!(
            f,
            "{:04}{:02}{:02}T{:02}{:02}{:02}",
            d.year(),
            d.month(),
            d.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(line: &str) -> String {
        let mut out = String::new();
        fold(&mut out, line).unwrap();
        out
    }

    #[test]
    fn folding_counts_octets_and_never_cuts_a_character() {
        let line = format!("SUMMARY:{}", "术后".repeat(40));
        let out = folded(&line);
        for l in out.split("\r\n") {
            assert!(l.len() <= 75, "{l:?}");
        }
        assert_eq!(out.replace("\r\n ", "").trim_end(), line);
        assert_eq!(folded("A"), "A\r\n");
        let exact = "x".repeat(75);
        assert_eq!(folded(&exact), format!("{exact}\r\n"));
        assert_eq!(folded(&"x".repeat(76)), format!("{exact}\r\n x\r\n"));
        // Not cut after a space: the space starts the next line.
        let spaced = format!("{} yz", "x".repeat(74));
        assert_eq!(folded(&spaced), format!("{}\r\n  yz\r\n", "x".repeat(74)));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            Text("a,b;c\\d\r\ne\nf\u{7}").to_string(),
            "a\\,b\\;c\\\\d\\ne\\nf "
        );
    }
}
