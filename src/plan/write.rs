//! [`Plan::to_json`]: the plan written by hand, the same text as
//! `serde_json::to_string(&plan)` (a test compares them over every sample plan) at a
//! fraction of the cost: strings escaped a word (8 bytes) at a time, dates and numbers
//! without `fmt`, and the texts of steps without placeholders escaped once per rule set
//! ([`TaskInfo::json`]) and copied after that. The rarer parts (records, ignored
//! outcomes, the stamp) go through serde_json.

use super::task::{long_tags, Dropped, Plan, Task, TaskInfo};
use crate::model::Channel;
use crate::text::Text;
use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use serde::Serialize;

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

/// The JSON of a step's texts, when they have no placeholders: the same for every task.
#[derive(Debug, Clone, Default)]
pub(crate) struct StaticJson {
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
        StaticJson {
            title,
            script,
            long,
        }
    }
}

/// True for a byte serde_json escapes.
#[inline]
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// True if any of the 8 bytes of `w` needs escaping.
#[inline]
fn word_needs_escape(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let below_space = w.wrapping_sub(ONES.wrapping_mul(0x20)) & !w & HIGHS;
    below_space != 0
        || has_zero(w ^ (ONES * u64::from(b'"'))) != 0
        || has_zero(w ^ (ONES * u64::from(b'\\'))) != 0
}

/// `s` escaped as serde_json escapes it, without the quotes.
fn escaped(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            if !word_needs_escape(u64::from_le_bytes(w)) {
                i += 8;
                continue;
            }
        }
        let b = bytes.get(i).copied().unwrap_or(0);
        if needs_escape(b) {
            out.push_str(s.get(start..i).unwrap_or_default());
            match b {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                0x08 => out.push_str("\\b"),
                0x0c => out.push_str("\\f"),
                b'\n' => out.push_str("\\n"),
                b'\r' => out.push_str("\\r"),
                b'\t' => out.push_str("\\t"),
                _ => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.push_str("\\u00");
                    out.push(char::from(HEX[usize::from(b >> 4)]));
                    out.push(char::from(HEX[usize::from(b & 0xf)]));
                }
            }
            start = i + 1;
        }
        i += 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
}

fn string(out: &mut String, s: &str) {
    out.push('"');
    escaped(out, s);
    out.push('"');
}

fn string_list(out: &mut String, list: &[String]) {
    out.push('[');
    for (i, s) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(out, s);
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

fn two(out: &mut String, n: u32) {
    out.push(char::from(b'0' + (n / 10 % 10) as u8));
    out.push(char::from(b'0' + (n % 10) as u8));
}

fn date(out: &mut String, d: NaiveDate) {
    match u32::try_from(d.year()) {
        Ok(y) if y <= 9_999 => {
            let digit = |n: u32| b'0' + (n % 10) as u8;
            let (m, day) = (d.month(), d.day());
            let text = [
                b'"',
                digit(y / 1000),
                digit(y / 100),
                digit(y / 10),
                digit(y),
                b'-',
                digit(m / 10),
                digit(m),
                b'-',
                digit(day / 10),
                digit(day),
                b'"',
            ];
            out.push_str(std::str::from_utf8(&text).unwrap_or("null"));
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
    two(out, t.hour());
    out.push(':');
    two(out, t.minute());
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

fn task(out: &mut String, t: &Task, options: JsonOptions) -> serde_json::Result<()> {
    let info = t.info();
    let subject = &*t.subject;
    out.push_str("{\"id\":\"");
    escaped(out, &info.program);
    out.push('/');
    escaped(out, &info.step);
    out.push('/');
    escaped(out, &subject.episode);
    out.push('/');
    number(out, t.occurrence);
    if let Some(d) = t.derived {
        out.push('/');
        escaped(out, &d.name());
    }
    out.push('"');
    program_step_occurrence(out, &info.program, &info.step, t.occurrence);
    key(out, "episode");
    string(out, &subject.episode);
    key(out, "patient");
    string(out, &subject.patient);
    key(out, "channel");
    string(out, info.channel.name());
    key(out, "role");
    string(out, info.role.name());
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
    key(out, "nominal");
    date(out, t.nominal);
    key(out, "shifted");
    match t.shifted {
        Some(r) => string(out, r.name()),
        None => out.push_str("null"),
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
    // The step's texts as escaped once, when they are the step's own.
    let fixed = match t.filled {
        None => Some(info.json.get_or_init(|| StaticJson::of(info))),
        Some(_) => None,
    };
    key(out, "title");
    match fixed.and_then(|f| f.title.as_deref()) {
        Some(json) => out.push_str(json),
        None => text(out, &t.title()),
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

fn dropped(out: &mut String, d: &Dropped) -> serde_json::Result<()> {
    out.push_str("{\"id\":");
    string(out, &d.id);
    program_step_occurrence(out, &d.program, &d.step, d.occurrence);
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
    /// hand (several times faster: the texts of steps without placeholders are escaped
    /// once per rule set, not once per task).
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
        for (i, t) in self.tasks.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            task(out, t, options)?;
        }
        out.push_str("],\"dropped\":[");
        for (i, d) in self.dropped.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            dropped(out, d)?;
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
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut all = String::new();
        for c in (0u8..128).map(char::from) {
            all.push(c);
        }
        for s in [
            all.as_str(),
            "",
            "术后第一天回访 \"quoted\" back\\slash\n",
            "12345678\u{1}abcdefgh\u{7f}€😀",
            "aaaaaaa\"",
            "aaaaaaaa\\bbbbbbbb",
        ] {
            let mut out = String::new();
            string(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }
}
