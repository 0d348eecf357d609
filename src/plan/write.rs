//! [`Plan::to_json`]: the plan written by hand, the same text as
//! `serde_json::to_string(&plan)` (tests compare them over every sample plan, over filled
//! texts with hostile values, and over tasks of several episodes) at a fraction of the
//! cost: strings escaped a word (8 bytes) at a time, dates, times and numbers without
//! `fmt`; what a step's tasks share — the texts of steps without placeholders, the
//! program and step ids, channel and role — escaped once per rule set
//! ([`TaskInfo::json`]) and copied after that; a plan's episode and patient ids escaped
//! once; and texts with placeholders written straight from their templates (their
//! literal pieces escaped, and sized as SMS, when the rules were compiled), with no text
//! built. The rarer parts (records, ignored outcomes, the stamp) go through serde_json.

use super::task::{long_tags, Dropped, Plan, Subject, Task, TaskInfo};
use crate::json::escape::{escaped, escaped_cow, string};
use crate::json::out::two_digits;
use crate::model::Channel;
use crate::text::Text;
use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use serde::Serialize;
use std::borrow::Cow;
use std::sync::Arc;

/// How [`Plan::to_json_with`] writes a plan. The default writes what
/// `serde_json::to_string(&plan)` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonOptions {
    texts: bool,
}

impl Default for JsonOptions {
    fn default() -> Self {
        JsonOptions { texts: true }
    }
}

impl JsonOptions {
    /// Whether tasks carry their `title`, `script` and `long_message` (on by default).
    ///
    /// Off, a task is its facts alone: who, how, when, and its `program` and `step`,
    /// by which a host that keeps the rules' texts finds them
    /// ([`crate::rules::RuleSet::step_title`]): about 400 bytes a task rather than 730
    /// for the built-in programs, whose texts are in Chinese and English. Texts filled for the
    /// patient (`{patient}`…) are then not written either; [`super::Task::title`] and
    /// [`super::Task::script`] still give them. Such JSON is not read back as a
    /// [`Plan`] (a task's title is required), nor valid against `schema/plan.schema.json`.
    #[must_use]
    pub fn texts(mut self, on: bool) -> Self {
        self.texts = on;
        self
    }
}

/// The JSON of what a step's tasks share, made when a task of the step is first written:
/// its names and, when they have no placeholders, its texts.
#[derive(Debug, Clone, Default)]
pub(crate) struct StaticJson {
    /// `program/step/`, escaped: how the step's task ids start.
    id_prefix: Box<str>,
    /// `,"program":…,"step":…,"occurrence":`.
    names: Box<str>,
    /// `,"channel":…,"role":…`.
    lane: Box<str>,
    /// `{"zh":…,"en":…}`, if the title has no placeholder.
    title: Option<Box<str>>,
    /// `{"zh":…}` or empty (no script), if the script has no placeholder.
    script: Option<Box<str>>,
    /// `["en"]` or empty, beside `script`.
    long: Box<str>,
}

impl StaticJson {
    pub(crate) fn of(info: &TaskInfo) -> StaticJson {
        let templates = info.templates.as_deref();
        let title = templates.is_none_or(|t| t.title.is_none()).then(|| {
            let mut out = String::new();
            text(&mut out, &info.title);
            out.into_boxed_str()
        });
        let (script, long) = if templates.is_none_or(|t| t.script.is_none()) {
            let mut out = String::new();
            if let Some(s) = &info.script {
                text(&mut out, s);
            }
            let mut long = String::new();
            if let (Some(s), Channel::Sms) = (&info.script, info.channel) {
                let tags = long_tags(s);
                if !tags.is_empty() {
                    string_list(&mut long, &tags);
                }
            }
            (Some(out.into_boxed_str()), long.into_boxed_str())
        } else {
            (None, Box::default())
        };
        let mut id_prefix = String::new();
        for part in [&*info.program, "/", &*info.step, "/"] {
            escaped(&mut id_prefix, part);
        }
        let mut names = String::new();
        key(&mut names, "program");
        string(&mut names, &info.program);
        key(&mut names, "step");
        string(&mut names, &info.step);
        key(&mut names, "occurrence");
        let mut lane = String::new();
        key(&mut lane, "channel");
        string(&mut lane, info.channel.name());
        key(&mut lane, "role");
        string(&mut lane, info.role.name());
        StaticJson {
            id_prefix: id_prefix.into(),
            names: names.into(),
            lane: lane.into(),
            title,
            script,
            long,
        }
    }
}

fn string_list(out: &mut String, list: &[impl AsRef<str>]) {
    out.push('[');
    for (i, s) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(out, s.as_ref());
    }
    out.push(']');
}

fn text(out: &mut String, t: &Text) {
    out.push('{');
    for (i, (tag, s)) in t.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(out, tag);
        out.push(':');
        string(out, s);
    }
    out.push('}');
}

fn number(out: &mut String, n: u32) {
    out.push_str(super::task::decimal(n, &mut [0u8; 10]));
}

fn date(out: &mut String, d: NaiveDate) {
    if let Some((year, day)) = crate::json::out::date_parts(d) {
        out.push_str(year);
        out.push_str(day);
        return;
    }
    match u32::try_from(d.year()) {
        Ok(y) if y <= 9_999 => {
            // Two digits at a time from a table: no formatting, no UTF-8 check.
            out.push('"');
            out.push_str(two_digits(y / 100));
            out.push_str(two_digits(y));
            out.push('-');
            out.push_str(two_digits(d.month()));
            out.push('-');
            out.push_str(two_digits(d.day()));
            out.push('"');
        }
        _ => {
            out.push('"');
            out.push_str(&d.to_string());
            out.push('"');
        }
    }
}

fn hhmm(out: &mut String, t: NaiveTime) {
    out.push('"');
    out.push_str(two_digits(t.hour()));
    out.push(':');
    out.push_str(two_digits(t.minute()));
    out.push('"');
}

/// Appends what serde_json writes for `value`.
fn serde<T: Serialize + ?Sized>(out: &mut String, value: &T) -> serde_json::Result<()> {
    serde_json::to_writer(Appender(out), value)
}

/// An `io::Write` onto a `String`: serde_json writes whole UTF-8 pieces.
struct Appender<'a>(&'a mut String);

impl std::io::Write for Appender<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let s = std::str::from_utf8(buf)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        self.0.push_str(s);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn key(out: &mut String, k: &str) {
    out.push_str(",\"");
    out.push_str(k);
    out.push_str("\":");
}

/// `,"program":…,"step":…,"occurrence":…`, as tasks and dropped occurrences have them.
fn program_step_occurrence(out: &mut String, program: &str, step: &str, occurrence: u32) {
    key(out, "program");
    string(out, program);
    key(out, "step");
    string(out, step);
    key(out, "occurrence");
    number(out, occurrence);
}

/// The episode and patient ids of the tasks of one subject (a plan's), escaped once.
#[derive(Default)]
struct Ids<'p> {
    subject: Option<&'p Arc<Subject>>,
    episode: Cow<'p, str>,
    patient: Cow<'p, str>,
}

impl<'p> Ids<'p> {
    fn of(&mut self, subject: &'p Arc<Subject>) -> &Self {
        if !self.subject.is_some_and(|s| Arc::ptr_eq(s, subject)) {
            self.episode = escaped_cow(&subject.episode);
            self.patient = escaped_cow(&subject.patient);
            self.subject = Some(subject);
        }
        self
    }
}

fn task<'p>(
    out: &mut String,
    t: &'p Task,
    ids: &mut Ids<'p>,
    options: JsonOptions,
) -> serde_json::Result<()> {
    let info = t.info();
    let ids = ids.of(&t.subject);
    // The step's texts and names as escaped once, when they are the step's own.
    let fixed = match t.filled {
        None => Some(info.json.get_or_init(|| StaticJson::of(info))),
        Some(_) => None,
    };
    out.push_str("{\"id\":\"");
    match fixed {
        Some(f) => out.push_str(&f.id_prefix),
        None => {
            for part in [&*info.program, "/", &*info.step, "/"] {
                escaped(out, part);
            }
        }
    }
    out.push_str(&ids.episode);
    out.push('/');
    number(out, t.occurrence);
    if let Some(d) = t.derived {
        out.push('/');
        escaped(out, &d.name());
    }
    out.push('"');
    match fixed {
        Some(f) => {
            out.push_str(&f.names);
            number(out, t.occurrence);
        }
        None => program_step_occurrence(out, &info.program, &info.step, t.occurrence),
    }
    key(out, "episode");
    out.push('"');
    out.push_str(&ids.episode);
    out.push('"');
    key(out, "patient");
    out.push('"');
    out.push_str(&ids.patient);
    out.push('"');
    match fixed {
        Some(f) => out.push_str(&f.lane),
        None => {
            key(out, "channel");
            string(out, info.channel.name());
            key(out, "role");
            string(out, info.role.name());
        }
    }
    key(out, "earliest");
    date(out, t.earliest);
    key(out, "due");
    date(out, t.due);
    key(out, "latest");
    date(out, t.latest);
    key(out, "expires");
    match t.expires {
        Some(d) => date(out, d),
        None => out.push_str("null"),
    }
    key(out, "window");
    out.push_str("{\"start\":");
    hhmm(out, t.window.start);
    out.push_str(",\"end\":");
    hhmm(out, t.window.end);
    out.push('}');
    if let Some(w) = t.full_window.get() {
        key(out, "full_window");
        out.push_str("{\"start\":");
        hhmm(out, w.start);
        out.push_str(",\"end\":");
        hhmm(out, w.end);
        out.push('}');
    }
    key(out, "nominal");
    date(out, t.nominal);
    key(out, "shifted");
    match t.shifted {
        Some(r) => string(out, r.name()),
        None => out.push_str("null"),
    }
    if let Some(r) = t.closed {
        key(out, "closed");
        string(out, r.name());
    }
    if t.beyond_calendar {
        key(out, "beyond_calendar");
        out.push_str("true");
    }
    if let Some(r) = info.picked_by {
        key(out, "picked_by");
        string(out, r.name());
    }
    if let Some(w) = info.wait_for.as_ref().filter(|_| t.waiting) {
        key(out, "waits_for");
        string(out, w);
    }
    if let Some(c) = info.class {
        key(out, "class");
        serde(out, &c)?;
    }
    if info.on_duty {
        key(out, "on_duty");
        out.push_str("true");
    }
    if let Some(s) = &t.status {
        key(out, "status");
        serde(out, s)?;
    }
    if let Some(d) = t.derived {
        key(out, "derived");
        string(out, &d.name());
    }
    if let Some(o) = &t.owner {
        key(out, "owner");
        string(out, o);
    }
    if let Some(r) = &t.record {
        key(out, "record");
        serde(out, r)?;
    }
    if !options.texts {
        out.push('}');
        return Ok(());
    }
    // The step's templates, when the task's texts are filled from them: written straight
    // from the templates, with no text built.
    let templates = info.templates.as_deref().filter(|_| t.filled.is_none());
    key(out, "title");
    match (fixed.and_then(|f| f.title.as_deref()), templates) {
        (Some(json), _) => out.push_str(json),
        (None, Some(ts)) if ts.title.is_some() => {
            let context = t.context(ts);
            if let Some(title) = &ts.title {
                title.write_json(out, |p, w, tag| context.value(p, w, tag), false, |_| {});
            }
        }
        (None, _) => text(out, &t.title()),
    }
    match fixed.and_then(|f| f.script.as_deref().map(|s| (s, &*f.long))) {
        Some((script, long)) => {
            if !script.is_empty() {
                key(out, "script");
                out.push_str(script);
            }
            if !long.is_empty() {
                key(out, "long_message");
                out.push_str(long);
            }
        }
        None if templates.is_some_and(|ts| ts.script.is_some()) => {
            if let Some(ts) = templates {
                let context = t.context(ts);
                if let Some(script) = &ts.script {
                    key(out, "script");
                    let mut long: Vec<&str> = Vec::new();
                    script.write_json(
                        out,
                        |p, w, tag| context.value(p, w, tag),
                        info.channel == Channel::Sms,
                        |tag| long.push(tag),
                    );
                    if !long.is_empty() {
                        key(out, "long_message");
                        string_list(out, &long);
                    }
                }
            }
        }
        None => {
            let script = t.script();
            if let Some(s) = &script {
                key(out, "script");
                text(out, s);
                if info.channel == Channel::Sms {
                    let long = long_tags(s);
                    if !long.is_empty() {
                        key(out, "long_message");
                        string_list(out, &long);
                    }
                }
            }
        }
    }
    out.push('}');
    Ok(())
}

fn dropped<'p>(out: &mut String, d: &'p Dropped, ids: &mut Ids<'p>) -> serde_json::Result<()> {
    out.push_str("{\"id\":");
    // A step of the table: its id and names as a task's are written, from what the step's
    // tasks share (escaped once) and the plan's escaped episode id: no id built.
    match d.in_table() {
        Some((info, derived)) => {
            let fixed = info.json.get_or_init(|| StaticJson::of(info));
            out.push('"');
            out.push_str(&fixed.id_prefix);
            out.push_str(&ids.of(&d.subject).episode);
            out.push('/');
            number(out, d.occurrence);
            if let Some(derived) = derived {
                out.push('/');
                escaped(out, &derived.name());
            }
            out.push('"');
            out.push_str(&fixed.names);
            number(out, d.occurrence);
        }
        None => {
            string(out, &d.id());
            program_step_occurrence(out, d.program(), d.step(), d.occurrence);
        }
    }
    key(out, "nominal");
    match d.nominal {
        Some(day) => date(out, day),
        None => out.push_str("null"),
    }
    key(out, "reason");
    serde(out, &d.reason)?;
    if let Some(detail) = &d.detail {
        key(out, "detail");
        string(out, detail);
    }
    out.push('}');
    Ok(())
}

impl Plan {
    /// The plan as JSON: the same text as `serde_json::to_string(&plan)`, written by
    /// hand, about five times faster: what a step's tasks share is escaped once per rule
    /// set, and scripts with placeholders are written from their templates without being
    /// built (see the module's notes).
    ///
    /// # Errors
    ///
    /// Those of serde_json for the parts it writes (records, ignored outcomes, the
    /// stamp): none in practice.
    ///
    /// ```
    /// use followup::{calendar::Calendar, episode::Episode, rules::RuleSet};
    /// let rules = RuleSet::builtin()?;
    /// let ep = Episode::from_json("ep", r#"{"id": "e1", "event": "procedure",
    ///     "at": "2026-03-02T10:00:00", "attributes": {"category": "plastic", "setting": "inpatient"},
    ///     "patient": {"id": "p1"}, "milestones": {"discharge": "2026-03-05"}}"#)?;
    /// let plan = rules.plan(&ep, &Calendar::default())?;
    /// assert_eq!(plan.to_json().unwrap(), serde_json::to_string(&plan).unwrap());
    /// # Ok::<(), followup::Error>(())
    /// ```
    pub fn to_json(&self) -> serde_json::Result<String> {
        let mut out = String::with_capacity(512 + 1024 * self.tasks.len());
        self.write_json(&mut out)?;
        Ok(out)
    }

    /// [`Plan::to_json`] appended to `out` (reuse one buffer for many plans).
    ///
    /// # Errors
    ///
    /// As [`Plan::to_json`]; `out` may then hold part of the plan.
    pub fn write_json(&self, out: &mut String) -> serde_json::Result<()> {
        self.write_json_with(out, JsonOptions::default())
    }

    /// [`Plan::to_json`] with `options`: with [`JsonOptions::texts`] off, tasks leave out
    /// their `title`, `script` and `long_message`.
    ///
    /// # Errors
    ///
    /// As [`Plan::to_json`].
    ///
    /// ```
    /// use followup::{calendar::Calendar, episode::Episode, plan::JsonOptions, rules::RuleSet};
    /// let rules = RuleSet::builtin()?;
    /// let ep = Episode::from_json("ep", r#"{"id": "e1", "event": "procedure",
    ///     "at": "2026-03-02T10:00:00", "attributes": {"category": "laser"},
    ///     "patient": {"id": "p1"}}"#)?;
    /// let plan = rules.plan(&ep, &Calendar::default())?;
    /// let full = plan.to_json().unwrap();
    /// let lean = plan.to_json_with(JsonOptions::default().texts(false)).unwrap();
    /// assert!(full.contains("\"title\"") && !lean.contains("\"title\""));
    /// assert!(lean.len() * 3 < full.len() * 2);
    /// # Ok::<(), followup::Error>(())
    /// ```
    pub fn to_json_with(&self, options: JsonOptions) -> serde_json::Result<String> {
        let per_task = if options.texts { 1024 } else { 512 };
        let mut out = String::with_capacity(512 + per_task * self.tasks.len());
        self.write_json_with(&mut out, options)?;
        Ok(out)
    }

    /// [`Plan::to_json_with`] appended to `out`.
    ///
    /// # Errors
    ///
    /// As [`Plan::to_json`]; `out` may then hold part of the plan.
    pub fn write_json_with(
        &self,
        out: &mut String,
        options: JsonOptions,
    ) -> serde_json::Result<()> {
        out.push_str("{\"programs\":[");
        for (i, p) in self.programs.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            string(out, p);
        }
        out.push(']');
        if let Some(n) = &self.no_program {
            key(out, "no_program");
            string(out, n);
        }
        out.push_str(",\"tasks\":[");
        let mut ids = Ids::default();
        for (i, t) in self.tasks.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            task(out, t, &mut ids, options)?;
        }
        out.push_str("],\"dropped\":[");
        for (i, d) in self.dropped.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            dropped(out, d, &mut ids)?;
        }
        out.push(']');
        if !self.ignored.is_empty() {
            key(out, "ignored");
            serde(out, &self.ignored)?;
        }
        key(out, "made_by");
        serde(out, &self.made_by)?;
        out.push('}');
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_are_written_as_serde_json_writes_them() {
        // Years of one to five digits, before year 0 too, first and last days.
        let years = [-1, 0, 9, 99, 999, 2026, 9999, 10000];
        for (y, (m, d)) in years.into_iter().flat_map(|y| [(y, (1, 1)), (y, (12, 31))]) {
            let day = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let mut out = String::new();
            date(&mut out, day);
            assert_eq!(out, serde_json::to_string(&day).unwrap());
        }
        for (h, m) in [(0, 0), (9, 5), (23, 59), (12, 30)] {
            let t = NaiveTime::from_hms_opt(h, m, 0).unwrap();
            let mut out = String::new();
            hhmm(&mut out, t);
            assert_eq!(out, format!("\"{}\"", t.format("%H:%M")));
        }
    }
}
