//! Plans written for other systems: iCalendar (RFC 5545) to-dos, FHIR R4 `Task`
//! resources, and CSV (RFC 4180) for spreadsheets.
//!
//! Every function takes the plans to export (`&plan`, `[&a, &b]` or `&plans`) and
//! [`Options`], and returns a `String` (or writes into a [`std::fmt::Write`]). Like the
//! rest of the library they do no IO and read no clock: the stamp that iCalendar's
//! `DTSTAMP` and FHIR's `authoredOn` need comes from [`Options::stamp`]. The same plans
//! and options always give the same bytes.
//!
//! What is exported is each plan's [`crate::plan::Plan::tasks`], in plan order and plan after
//! plan; the occurrences a plan dropped ([`crate::plan::Plan::dropped`]) are not tasks and are
//! left out (so is a task whose id a plan lists as dropped). A task id comes once: the
//! same plan passed twice is exported once.
//!
//! Times are the clinic's wall-clock times in [`Options::zone`], a zone with a fixed
//! offset from UTC (`Asia/Shanghai`, `+08:00`, by default: mainland China has had no
//! daylight saving time since 1991). Zones with daylight saving time are not supported:
//! their offset depends on rules this library does not ship.
//!
//! - [`ics`] — one `VCALENDAR` with one `VTODO` per task (see [`ics`] for the
//!   properties);
//! - [`fhir`] — one FHIR R4 `Bundle` of type `collection` with one `Task` per task (the
//!   mapping is [below](#fhir-r4-mapping));
//! - [`csv`] — a header row and one row per task, in the columns of [`CSV_COLUMNS`].
//!
//! ## FHIR R4 mapping
//!
//! [`fhir`] writes one `Task` per task in a `Bundle` of type `collection`.
//!
//! A collection, not a `transaction`: the library does not know the server's resource
//! ids or its update policy. A host that posts the tasks turns each entry into a
//! conditional update on the task identifier (`PUT Task?identifier=<system>|<id>`): the
//! task id stays the same when a plan is made again, so re-planning updates the tasks
//! instead of adding new ones. The resources have no `id` (the server gives it); each
//! entry's `fullUrl` is a `urn:uuid:` made from the task's identifier (a UUID of version
//! 8 whose free bits are a hash of the identifier's system and value: the same in every
//! export of the task, and what a derived task's `partOf` points at).
//!
//! `<base>/x` is [`Options::system`] and `x` joined by `/`, or by `:` for a base that
//! is a URN (`urn:followup:task` by default; a base ending in its separator,
//! `https://clinic.example/fhir/`, is not given a second one); under an OID base
//! (`urn:oid:1.2.156.…`, whose systems must be OIDs) each kind takes a numeric arc:
//! `task` 1, `program` 2, `step` 3, `role` 4, `business-status` 5, `patient` 6,
//! `episode` 7, `staff` 8, `task-input` 9 (`urn:oid:1.2.156.112604.1.1` for task ids),
//! and tasks have no `instantiatesUri`. A `urn:uuid:` names one thing and is no base
//! (its systems would be no URIs); an empty base is the default's, `urn:followup`.
//! Times are the clinic's wall-clock times with the offset of [`Options::zone`]
//! (`2026-03-03T14:00:00+08:00`); texts are in [`Options::lang`].
//!
//! | Task element | value |
//! | --- | --- |
//! | `identifier` | the task id ([`Task::id`](crate::plan::Task::id)), system `<base>/task` |
//! | `instantiatesUri` | `<base>/program/<program id>` (`<base>:program:<id>` for a URN): the rule the task comes from; none under an OID base |
//! | `groupIdentifier` | the episode id, system `<base>/episode`: the tasks of one episode (followed by `/patient:<id>` when another patient's tasks in the export have the same episode id, as the task ids are) |
//! | `partOf` | for a derived task (an attempt, an escalation…): the task it was made from, by identifier, and by its entry's `fullUrl` when it is in the bundle |
//! | `status` | `completed` (the history says done: the patient was reached — done, declined or an abnormal recovery reported), `cancelled` (closed without being done: a later attempt took over; or expired on the as-of day), `in-progress` (an outcome recorded, not closed), `draft` (it waits for a fact, `wait_for`, nothing recorded: not yet ready to be acted upon — no contact until the fact is recorded or the wait ends, its `expires`), else `ready` |
//! | `statusReason` | for `cancelled`: why, as text; for `draft`: what it waits for (`waits for recovered: no contact until it is recorded`) |
//! | `businessStatus` | the task's state now, one coding of `<base>/business-status`: `as-of:<status>` (its status on the as-of day: `upcoming`, `open`, `overdue`…), else `outcome:<outcome>` (what the history recorded on it); left out when there is neither. One concept: R4 reads a CodeableConcept's codings as other spellings of one meaning, so the other facts are inputs |
//! | `intent` | `order`: the clinic's rules direct its own staff |
//! | `code` | the step: code `<program>/<step>` of `<base>/step`, the title as display and text; a task made from another (`Task::derived`) that is not a further attempt of the same call has a code of its own, `<program>/<step>/<kind>` (`plastic-aftercare/day-1-call/message`, `…/overdue`, `…/doctor-visit`) |
//! | `description` | the title |
//! | `focus` | the episode, by identifier (system `<base>/episode`), as in `groupIdentifier`; none for a patient-level task (a greeting, a clinic notice), which acts on no episode |
//! | `for` | the patient, by identifier (system `<base>/patient`), of type `Patient`: the clinic's patient id is a business identifier, not a server's resource id |
//! | `executionPeriod` | when work was done on it (R4), as far as the task knows: the moment of the outcome it holds (the last the history recorded on it), as start — and end, for a task completed or cancelled; left out before anything was recorded (the time it is planned for is `restriction` and the `due` input). An agreed time or a picked day is such an outcome: the task is `in-progress` from it |
//! | `authoredOn` | [`Options::stamp`]; left out when it is not set (the library reads no clock), and for a task whose outcome was recorded before it: the task was authored before its outcome, and FHIR's `inv-1` wants `lastModified` on or after `authoredOn` |
//! | `lastModified` | when the history's outcome was recorded |
//! | `performerType` | the role, code of `<base>/role` (`customer_service`) |
//! | `owner` | the person who owns the role (`Task::owner`), by identifier (system `<base>/staff`) |
//! | `note` | the script |
//! | `restriction.period` | when the task is on time ("over what time-period fulfillment is sought"): from its window's start on `earliest` to its window's end on `latest` |
//! | `input` | typed by a coding of `<base>/task-input`: `channel` (`valueCode`: `phone`, `sms`…), `due` (`valuePeriod`: the day it is planned for, from its window's start to its end), `nominal` (`valueDate`, when shifted), `expires` (`valueDate`: the last day worth doing), `shifted` (`valueCode`: why its day moved), `derived` (`valueCode`: `attempt-2`, `message`…), `waits-for` (`valueCode`: the fact), `outcome` (`valueCode`: what the history recorded), `closed` (`valueCode`: why the calendar closes its channel on its day — a task kept there), `beyond-calendar` (`valueBoolean`), `rules` (`valueString`: the plan's rule fingerprint) |
//!
//! `Bundle.timestamp` is [`Options::stamp`] too, left out when it is not set.
//!
//! ## Example
//!
//! ```
//! use followup::{export, calendar::Calendar, rules::{Lang, RuleSet}};
//! let rules = RuleSet::builtin()?;
//! let ep = rules.read_episode("ep", r#"{"id": "ep-1", "event": "procedure",
//!     "at": "2026-03-02T10:00", "attributes": {"category": "laser"}, "patient": {"id": "p-1"}}"#)?;
//! let plan = rules.plan(&ep, &Calendar::default())?;
//! let options = export::Options { lang: Lang::En, ..export::Options::default() };
//! let ics = export::ics([&plan], &options);
//! assert!(ics.contains("UID:laser-aftercare/day-1-call/ep-1/0\r\n"));
//! let fhir = export::fhir([&plan], &options);
//! assert!(fhir.contains(r#""resourceType": "Bundle""#));
//! let csv = export::csv([&plan], &options);
//! assert!(csv.lines().nth(1).is_some_and(|row| row.starts_with("laser-aftercare/day-1-call/ep-1/0,")));
//! # Ok::<(), followup::Error>(())
//! ```

mod csv;
mod fhir;
mod ics;

pub use self::csv::{csv, write_csv, CSV_COLUMNS};
pub use self::fhir::{fhir, fhir_bundle};
pub use self::ics::{ics, write_ics};

use crate::plan::task::{Plan, Status, Task};
use crate::text::Lang;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use std::collections::BTreeSet;

/// A time zone with a fixed offset from UTC: its IANA id (iCalendar's `TZID`) and its
/// offset (FHIR's `+08:00`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Zone {
    id: String,
    offset_minutes: i32,
}

impl Zone {
    /// China Standard Time: `Asia/Shanghai`, `+08:00` all year.
    pub fn shanghai() -> Zone {
        Zone {
            id: "Asia/Shanghai".into(),
            offset_minutes: 8 * 60,
        }
    }

    /// A zone named `id` (such as `Asia/Hong_Kong`) that is `offset_minutes` ahead of UTC
    /// all year; `None` when the offset is beyond ±14 hours (the zones of the world run
    /// from −12:00 to +14:00, and FHIR's `dateTime` takes no other) or the id is empty or holds a
    /// character iCalendar cannot carry in a parameter (`"`, `;`, `:`, `,`, a control).
    ///
    /// Only for zones without daylight saving time (China, Hong Kong, Singapore…): the
    /// library keeps no time-zone database, so a zone whose offset changes in summer
    /// (`America/St_Johns`, `Europe/Berlin`) is written with one offset all year, while a
    /// calendar client that knows the `TZID` moves summer times by an hour (audit 261). A
    /// clinic in such a zone gives the fixed-offset zone of the time-zone database its
    /// offset has — `Etc/GMT-1` for `+01:00`, the sign inverted as that database writes
    /// it — and gets one offset all year in every client.
    ///
    /// ```
    /// use followup::export::Zone;
    /// let z = Zone::fixed("Etc/GMT-1", 60).unwrap();
    /// assert_eq!((z.id(), z.offset_minutes()), ("Etc/GMT-1", 60));
    /// assert!(Zone::fixed("UTC+01:00", 60).is_none()); // `:` cannot be in a TZID parameter
    /// ```
    pub fn fixed(id: &str, offset_minutes: i32) -> Option<Zone> {
        let id_ok = !id.is_empty()
            && !id
                .chars()
                .any(|c| c.is_control() || matches!(c, '"' | ';' | ':' | ','));
        (id_ok && offset_minutes.abs() <= 14 * 60).then(|| Zone {
            id: id.into(),
            offset_minutes,
        })
    }

    /// The IANA id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Minutes ahead of UTC.
    pub fn offset_minutes(&self) -> i32 {
        self.offset_minutes
    }

    /// The offset as `+HH:MM` (`colon`) or `+HHMM`.
    pub(crate) fn offset(&self, colon: bool) -> String {
        let sign = if self.offset_minutes < 0 { '-' } else { '+' };
        let m = self.offset_minutes.unsigned_abs();
        let sep = if colon { ":" } else { "" };
        format!("{sign}{:02}{sep}{:02}", m / 60, m % 60)
    }

    /// The UTC time of the wall-clock time `local`, within the years 0001 to 9999 that
    /// RFC 5545 writes (audit 63: midnight of 1 January 0001 in Shanghai was stamped in
    /// the year 0000): the first or last second of them past either end.
    pub(crate) fn to_utc(&self, local: NaiveDateTime) -> NaiveDateTime {
        let utc = local
            .checked_sub_signed(TimeDelta::minutes(i64::from(self.offset_minutes)))
            .unwrap_or(local);
        let first = NaiveDate::from_ymd_opt(1, 1, 1).map(|d| d.and_time(NaiveTime::MIN));
        let last = NaiveDate::from_ymd_opt(9999, 12, 31).and_then(|d| d.and_hms_opt(23, 59, 59));
        match (first, last) {
            (Some(first), Some(last)) => utc.clamp(first, last),
            _ => utc,
        }
    }
}

impl Default for Zone {
    /// [`Zone::shanghai`].
    fn default() -> Zone {
        Zone::shanghai()
    }
}

/// What the exports write besides the tasks, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The language of titles and scripts (default Chinese).
    pub lang: Lang,
    /// The clinic's time zone (default [`Zone::shanghai`]).
    pub zone: Zone,
    /// When the export is made, in the zone's wall-clock time: iCalendar's `DTSTAMP`
    /// and FHIR's `authoredOn` and `Bundle.timestamp`. The library reads no clock, so
    /// by default (`None`) `DTSTAMP` is midnight of the first `earliest` day of the
    /// tasks exported (the same plans give the same bytes) and FHIR leaves the elements
    /// out.
    pub stamp: Option<NaiveDateTime>,
    /// iCalendar's `PRODID` (default `-//followup//followup <version>//EN`).
    pub product_id: String,
    /// Appended to the task id after `@` in iCalendar's `UID` (`…/ep-1/0@clinic.example`);
    /// empty (the default) for the bare task id.
    pub uid_domain: String,
    /// The base of the URIs of the FHIR identifiers and codes (default
    /// `urn:followup`): task ids are identifiers of system `<base>/task`, patients of
    /// `<base>/patient`, episodes `<base>/episode`, staff `<base>/staff`; steps, roles
    /// and business statuses are codes of `<base>/step`, `<base>/role` and
    /// `<base>/business-status`; programs are `<base>/program/<id>`. A base that is a
    /// URN is joined with `:` instead of `/` (`urn:followup:task`); an OID base
    /// (`urn:oid:…`) takes a numeric arc per kind (see [the mapping](self#fhir-r4-mapping)).
    pub system: String,
    /// Write a UTF-8 byte order mark before the CSV (default `true`: Excel on Windows
    /// reads a CSV without one in the ANSI code page and garbles Chinese; set `false`
    /// for programs that do not expect one).
    pub bom: bool,
    /// Prefix CSV cells that begin with `=`, `+`, `-`, `@`, a tab or a carriage return
    /// with `'` so that a spreadsheet shows them as text instead of running them as a
    /// formula (default `true`; see [`csv`]).
    pub formula_guard: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            lang: Lang::Zh,
            zone: Zone::shanghai(),
            stamp: None,
            product_id: format!("-//followup//followup {}//EN", crate::stamp::VERSION),
            uid_domain: String::new(),
            system: "urn:followup".into(),
            bom: true,
            formula_guard: true,
        }
    }
}

/// Where a task stands in an export: what iCalendar's `STATUS` and FHIR's `status` say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    /// To do (nothing recorded yet, or a task that is not closed).
    Open,
    /// Something was recorded (an unanswered call…) but the task is not closed.
    Started,
    /// It waits for a fact (`wait_for`: a sales call waits for `recovered`), nothing
    /// recorded: no contact until the fact is recorded, or its wait ends (audit 182: it
    /// was exported ready to do on its day, the upsell call on the list of a patient who
    /// may not have recovered).
    Waiting,
    /// The history says it was done (or declined, or an abnormal recovery reported).
    Done,
    /// Closed without being done: an unanswered call that a later attempt took over.
    Superseded,
    /// Past its `expires` day on the as-of day ([`Status::Expired`]).
    Expired,
}

impl State {
    pub(crate) fn of(task: &Task) -> State {
        if task.is_done() {
            State::Done
        } else if task.is_closed() {
            State::Superseded
        } else if task.status == Some(Status::Expired) {
            State::Expired
        } else if task.record.is_some() {
            State::Started
        } else if task.waits_for().is_some() {
            State::Waiting
        } else {
            State::Open
        }
    }
}

/// What `write` writes, as a `String`: writing into a `String` does not fail.
pub(crate) fn into_string(write: impl FnOnce(&mut String) -> std::fmt::Result) -> String {
    let mut out = String::new();
    let _ = write(&mut out);
    out
}

/// The tasks of `plans` to export, each with its plan: each plan's tasks but those it
/// lists as dropped, and each task once (the first), as `merge`, `worklist` and
/// `compliance` take it: the same plan passed twice does not give two entries with one
/// UID or identifier. Tasks are told apart by patient too: two patients whose episodes
/// share an id (a careless host) both keep their tasks, exported under ids that name the
/// patient ([`Item::id`]).
pub(crate) fn tasks<'a>(plans: impl IntoIterator<Item = &'a Plan>) -> Vec<Item<'a>> {
    let mut out: Vec<Item<'a>> = Vec::new();
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    for plan in plans {
        let dropped: BTreeSet<String> = plan.dropped.iter().map(|d| d.id()).collect();
        for t in &plan.tasks {
            let id = t.id();
            if !dropped.contains(&id) && seen.insert((t.patient().to_string(), id)) {
                out.push(Item {
                    plan,
                    task: t,
                    shared: false,
                });
            }
        }
    }
    // Episode ids given to more than one patient.
    let mut patients: std::collections::BTreeMap<&str, &str> = std::collections::BTreeMap::new();
    let mut shared: BTreeSet<&str> = BTreeSet::new();
    for i in &out {
        let first = *patients.entry(i.task.episode()).or_insert(i.task.patient());
        if first != i.task.patient() {
            shared.insert(i.task.episode());
        }
    }
    if !shared.is_empty() {
        let shared: BTreeSet<String> = shared.into_iter().map(str::to_string).collect();
        for i in &mut out {
            i.shared = shared.contains(i.task.episode());
        }
    }
    out
}

/// A task to export, with its plan.
pub(crate) struct Item<'a> {
    pub plan: &'a Plan,
    pub task: &'a Task,
    /// Another patient's tasks in the same export have the same episode id.
    shared: bool,
}

impl Item<'_> {
    /// The id the export gives the task (`UID`, FHIR `identifier`): the task's id
    /// ([`crate::plan::Task::id`]), followed by `/patient:<patient id>` when another patient's tasks
    /// in the same export have the same episode id, so that no two entries share one.
    pub(crate) fn id(&self) -> String {
        self.qualified(self.task.id())
    }

    /// The export id of the task a derived task was made from.
    pub(crate) fn parent_id(&self) -> Option<String> {
        parent_id(self.task).map(|p| self.qualified(p))
    }

    /// The episode id the export groups the task by (FHIR's `groupIdentifier` and
    /// `focus`): followed by `/patient:<patient id>` as [`Item::id`] is, so that two
    /// patients' episodes of one id are not one group (audit 182).
    pub(crate) fn episode(&self) -> String {
        self.qualified(self.task.episode().to_string())
    }

    fn qualified(&self, id: String) -> String {
        if self.shared {
            format!("{id}/patient:{}", self.task.patient())
        } else {
            id
        }
    }
}

/// The date and time `t` on `day`.
pub(crate) fn at(day: NaiveDate, t: NaiveTime) -> NaiveDateTime {
    day.and_time(t)
}

/// The id of the task a derived task was made from (its id without the last part).
pub(crate) fn parent_id(task: &Task) -> Option<String> {
    task.derived?;
    let id = task.id();
    id.rsplit_once('/').map(|(parent, _)| parent.to_string())
}

/// The state's name in the CSV (`open`, `started`, `waiting`, `done` — reached, whatever
/// the outcome, which is in its own column —, `superseded`, `expired`).
pub(crate) fn state_name(s: State) -> &'static str {
    match s {
        State::Open => "open",
        State::Started => "started",
        State::Waiting => "waiting",
        State::Done => "done",
        State::Superseded => "superseded",
        State::Expired => "expired",
    }
}

/// The as-of status's name (`upcoming`, `open`, `missed`, `expired`, `closed`,
/// `waiting`).
pub(crate) fn status_name(s: Status) -> &'static str {
    match s {
        Status::Upcoming => "upcoming",
        Status::Open => "open",
        Status::Missed => "missed",
        Status::Expired => "expired",
        Status::Closed => "closed",
        Status::Waiting => "waiting",
    }
}
