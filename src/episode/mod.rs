//! The input of planning: one event that starts follow-up, and the patient.

mod check;
mod closed_visits;
pub(crate) mod dates;
mod owners;
mod refusals;

pub(crate) use check::is_safe_id;
pub use check::ID_CHARS;
pub use closed_visits::{BookedVisit, ClosedVisit};
pub(crate) use dates::date_time;
pub use owners::{Owner, Reassignment};

/// The fact kind a reassignment also counts as, for anchors (`latest:contacted,assigned`).
pub(crate) const ASSIGNED: &str = "assigned";

use crate::error::Result;
use crate::limits::Limits;
use chrono::{NaiveDate, NaiveDateTime};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// One event that starts follow-up (a procedure, a consultation, a course, a repair, a
/// complaint), with the patient. Plain data: build it in code or read it from JSON.
///
/// ```
/// use followup::episode::Episode;
/// let ep = Episode::from_json("stdin", r#"{
///   "id": "ep-1001", "event": "procedure", "at": "2026-03-02T10:00:00",
///   "attributes": {"category": "plastic", "setting": "inpatient"},
///   "patient": {"id": "p-42", "name": "王女士", "tags": ["night_shift"]},
///   "milestones": {"discharge": "2026-03-05"}
/// }"#).unwrap();
/// assert_eq!(ep.date().to_string(), "2026-03-02");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Episode {
    /// The episode's id (unique in the host system); part of every task id. Shared, not
    /// copied, by the plan's tasks.
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::SafeId")
    )]
    pub id: Arc<str>,
    /// The kind of event: `procedure`, `consultation`, `course`, `repair`, `complaint`…
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::NonBlank")
    )]
    pub event: String,
    /// When it happened, in the clinic's wall-clock time (`"2026-03-02T10:00:00"`, or a
    /// date alone for midnight).
    #[serde(with = "date_time")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::DateTime")
    )]
    pub at: NaiveDateTime,
    /// Attributes the rules' `applies` and `when` conditions test (`category`,
    /// `setting`, `procedure`…).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::json::unique_map"
    )]
    pub attributes: BTreeMap<String, String>,
    /// The patient.
    #[serde(deserialize_with = "crate::json::object")]
    pub patient: Patient,
    /// Dates of milestones, overriding the rules' defaults: a date or an array of dates
    /// (several review visits, say).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::json::unique_map"
    )]
    pub milestones: BTreeMap<String, Dates>,
    /// The treatment course, for episodes with sessions (skin courses, injections…).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::json::object_opt"
    )]
    pub course: Option<Course>,
    /// What happened since the event: visits, purchases, refusals, opt-outs, contacts…
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::json::objects"
    )]
    pub facts: Vec<Fact>,
    /// The people who own the episode's roles (`{"consultant": "u-17"}`, or
    /// `{"consultant": {"id": "u-17", "name": "李顾问"}}`): tasks of those roles carry
    /// their owner.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::json::unique_keyed_map"
    )]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::RoleMap<Owner>")
    )]
    pub owners: BTreeMap<crate::rules::Role, Owner>,
    /// Roles handed to someone else from a moment on: the tasks of the role still open
    /// then go to the new owner; done tasks keep the owner who had them.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::json::objects"
    )]
    pub reassignments: Vec<Reassignment>,
}

/// A package size as read: its errors give the range a package may take (from 1); a 0 is
/// read and then refused by [`Course`]'s own check, which says so in words.
fn package<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<u32>, D::Error> {
    struct Size;
    impl Visitor<'_> for Size {
        type Value = u32;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "a whole number from 1 to {}", u32::MAX)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<u32, E> {
            u32::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<u32, E> {
            u32::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
        }
    }
    struct Package(u32);
    impl<'de> Deserialize<'de> for Package {
        fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Package, D::Error> {
            d.deserialize_u64(Size).map(Package)
        }
    }
    Ok(Option::<Package>::deserialize(d)?.map(|p| p.0))
}

/// A treatment course: the sessions done and planned, and the size of the package.
///
/// Sessions are numbered from 1 in date order: done sessions first, then planned ones.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Course {
    /// Number of sessions in the package bought, if known. Without it, the course's end
    /// is known only once it `ended`, and no session is the one that leaves one.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "package"
    )]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::Positive>")
    )]
    pub package: Option<u32>,
    /// Dates of the sessions already done.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "dates::list")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Vec<crate::schema::strings::Date>")
    )]
    pub done: Vec<NaiveDate>,
    /// Dates of the sessions booked but not yet done.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "dates::list")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Vec<crate::schema::strings::Date>")
    )]
    pub planned: Vec<NaiveDate>,
    /// The course ended before its package did (the patient finished early, or stopped):
    /// no session is planned, and the last session done is the course's last, so the
    /// course end is the day after it. `false` (the default): the course ends with
    /// session number `package`; with no `package`, its end is not known yet (the
    /// course-end steps are `missing_anchor`: a clinic booking one session at a time is
    /// not told the course ended after each, audit 226).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ended: bool,
}

/// Something that happened to the patient after the event.
///
/// Kinds the engine and the built-in rules know: `visited` (came to the clinic),
/// `converted` (bought), `declined` (clearly said no), `recovered`, `complaint_resolved`,
/// `contacted` (any follow-up contact), `opt_out` (with a `channel`: no more contact on
/// it). Any other kind a host defines can be used in rules the same way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[cfg_attr(
    any(test, feature = "schema"),
    schemars(transform = crate::schema::custom::fact_rules)
)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    /// What happened.
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::Id")
    )]
    pub kind: String,
    /// When, in clinic wall-clock time (a date alone is midnight).
    #[serde(with = "date_time")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::DateTime")
    )]
    pub at: NaiveDateTime,
    /// The channel concerned (required for `opt_out`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<crate::rules::Channel>,
}

/// One numbered session of a course.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Session {
    pub number: u32,
    pub date: NaiveDate,
    pub done: bool,
}

/// The sessions of a course, numbered from 1: done ones, then planned ones, each in date
/// order. Dates given in order (the usual case) are read in place, not copied.
pub(crate) struct Sessions<'a> {
    done: Cow<'a, [NaiveDate]>,
    planned: Cow<'a, [NaiveDate]>,
    /// Index of the next session in done-then-planned order.
    next: usize,
}

impl Iterator for Sessions<'_> {
    type Item = Session;

    fn next(&mut self) -> Option<Session> {
        let i = self.next;
        let (date, done) = match self.done.get(i) {
            Some(&d) => (d, true),
            None => (*self.planned.get(i - self.done.len())?, false),
        };
        self.next += 1;
        Some(Session {
            number: u32::try_from(self.next).ok()?,
            date,
            done,
        })
    }
}

fn sorted(dates: &[NaiveDate]) -> Cow<'_, [NaiveDate]> {
    if dates.is_sorted() {
        Cow::Borrowed(dates)
    } else {
        let mut owned = dates.to_vec();
        owned.sort_unstable();
        Cow::Owned(owned)
    }
}

impl Course {
    /// The sessions numbered from 1: done ones in date order, then planned ones.
    pub(crate) fn sessions(&self) -> Sessions<'_> {
        Sessions {
            done: sorted(&self.done),
            planned: sorted(&self.planned),
            next: 0,
        }
    }

    /// The end of the course: the day after its last session — session number `package`
    /// if the package size is known and the course did not end before; the last session
    /// listed if it `ended`; not known for a course that gives no package and has not
    /// ended (audit 226: a clinic booking one session at a time, with no package, thanked
    /// the patient for the end of the course after every session).
    pub(crate) fn end(&self) -> Option<NaiveDate> {
        let last = match (self.package, self.ended) {
            (_, true) => self.sessions().last().map(|s| s.date),
            (Some(n), false) => self.sessions().find(|s| s.number == n).map(|s| s.date),
            (None, false) => None,
        };
        last.and_then(|d| d.succ_opt())
    }

    /// Checks the course data; the message says what was expected.
    pub(crate) fn check(&self) -> Result<(), (String, String)> {
        if self.package == Some(0) {
            return Err((
                "/course/package".into(),
                "the package has 0 sessions: expected 1 or more".into(),
            ));
        }
        let mut all: Vec<NaiveDate> = self.done.iter().chain(&self.planned).copied().collect();
        all.sort_unstable();
        if let Some(day) = all
            .windows(2)
            .find_map(|w| (w.first() == w.get(1)).then(|| w[0]))
        {
            // The second listing of the day, as the JSON lists them (audit 212: the
            // pointer was `/course`).
            let listed = (self.done.iter().map(|d| ("done", d)))
                .chain(self.planned.iter().map(|d| ("planned", d)));
            let mut seen = 0;
            let mut at = String::from("/course");
            let mut index = [0usize, 0];
            for (list, d) in listed {
                let i = usize::from(list == "planned");
                if *d == day {
                    seen += 1;
                    if seen == 2 {
                        at = format!("/course/{list}/{}", index[i]);
                        break;
                    }
                }
                index[i] += 1;
            }
            return Err((
                at,
                format!("two sessions on {day}: expected one session a day"),
            ));
        }
        if let (Some(last_done), Some((i, first_planned))) = (
            self.done.iter().max(),
            (self.planned.iter().enumerate()).min_by_key(|(_, d)| **d),
        ) && first_planned < last_done
        {
            return Err((
                    format!("/course/planned/{i}"),
                    format!("planned session {first_planned} is before the done session {last_done}: expected planned sessions after the done ones"),
                ));
        }
        if self.ended && !self.planned.is_empty() {
            return Err((
                "/course/planned".into(),
                format!(
                    "{} planned in a course that ended: expected none (`ended`: no more sessions; or leave `ended` out)",
                    match self.planned.len() {
                        1 => "1 session".to_string(),
                        n => format!("{n} sessions"),
                    }
                ),
            ));
        }
        if self.ended && self.done.is_empty() {
            return Err((
                "/course/ended".into(),
                "a course that ended with no session done: expected its sessions in `done` (a course stopped before its first session has no course end)".into(),
            ));
        }
        if let Some(n) = self.package
            && all.len() > n as usize
        {
            return Err((
                    "/course".into(),
                    format!("{} sessions listed for a package of {n}: expected at most {n} (a new package is a new course episode)", all.len()),
                ));
        }
        Ok(())
    }

    /// The session after which one session is left in the package (number `package - 1`).
    /// A course that `ended` has it only when it went on past that session: one that
    /// ended with it, or before it, has nothing left to plan (audit 88: its planning call
    /// said "one session left" beside the thank-you for the finished course).
    pub(crate) fn one_left(&self) -> Option<NaiveDate> {
        let n = self.package?.checked_sub(1).filter(|&n| n >= 1)?;
        let listed = u32::try_from(self.done.len().saturating_add(self.planned.len())).ok()?;
        if self.ended && n >= listed {
            return None;
        }
        self.sessions().find(|s| s.number == n).map(|s| s.date)
    }

    /// The day [`Course::one_left`] would give if the course had not ended: session
    /// `package - 1`, when it is listed.
    pub(crate) fn one_left_had_it_gone_on(&self) -> Option<NaiveDate> {
        let n = self.package?.checked_sub(1).filter(|&n| n >= 1)?;
        self.sessions().find(|s| s.number == n).map(|s| s.date)
    }
}

/// The patient an episode is about.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Patient {
    /// The patient's id. Shared, not copied, by the plan's tasks.
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::SafeId")
    )]
    pub id: Arc<str>,
    /// Display name (never used in planning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Date of birth.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "dates::option"
    )]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::Date>")
    )]
    pub birthday: Option<NaiveDate>,
    /// Tags the rules can test with the `tag` condition (`night_shift`, `key_customer`…).
    /// `night_shift` also gives the patient rest hours (see `rest_hours`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// When the patient must not be called or messaged, in clinic wall-clock time
    /// (`[{"start": "00:00", "end": "14:00"}]`). Every program honours them: calls and
    /// messages take the part of their window outside them. Left empty, a patient tagged
    /// `night_shift` rests from midnight until the calendar's `afternoon` window starts
    /// (docs/domain.md §4: call night-shift workers in the afternoon).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::json::objects"
    )]
    pub rest_hours: Vec<crate::calendar::TimeWindow>,
    /// When the patient clearly said no (docs/domain.md §8: a refusal belongs to the patient):
    /// from then on no program calls, and messages go on only within each program's
    /// `declined` horizon (6 months unless the program says otherwise). An episode whose
    /// day comes after the refusal is not stopped by it: the patient came back.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "date_time::option"
    )]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::DateTime>")
    )]
    pub declined: Option<NaiveDateTime>,
    /// When the patient came back after the refusal (`declined`): the event of a later
    /// episode — a new treatment, a consultation. Patient-level programmes (greetings,
    /// quarterly messages, notices) count the refusal up to then only: from then on the
    /// patient is greeted again (audit 221: a patient who refused and came back for a
    /// new treatment was never greeted again). Episode plans need no such day: an
    /// episode whose event comes after the refusal is not stopped by it.
    /// [`Patient::with_refusals_of`] sets it from the patient's episodes. It must come
    /// after `declined`; without a refusal it means nothing.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "date_time::option"
    )]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::DateTime>")
    )]
    pub came_back: Option<NaiveDateTime>,
    /// Channels the patient opted out of, and when: no program uses them from then on.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::json::objects"
    )]
    pub opt_outs: Vec<OptOut>,
}

/// A patient's opt-out of one channel (`{"channel": "sms", "at": "2026-04-01T09:00"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OptOut {
    /// The channel no longer used: `phone`, `sms`, `wechat`, `mail` or `home_visit`.
    #[serde(deserialize_with = "opt_out_channel")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::OptOutChannel")
    )]
    pub channel: crate::rules::Channel,
    /// From when, in clinic wall-clock time (a date alone is midnight).
    #[serde(with = "date_time")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::DateTime")
    )]
    pub at: NaiveDateTime,
}

/// An opt-out's channel: an unknown word is answered with the five channels a patient
/// opts out of (audit 169: the list named `internal` and `in_person`, which the episode's
/// check then refuses, with why).
fn opt_out_channel<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<crate::rules::Channel, D::Error> {
    use crate::rules::Channel;
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = Channel;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("one of phone, sms, wechat, mail, home_visit (a string)")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Channel, E> {
            match Channel::ALL.iter().find(|c| c.name() == v) {
                Some(c) => Ok(*c),
                None => Err(E::unknown_variant(
                    v,
                    &["phone", "sms", "wechat", "mail", "home_visit"],
                )),
            }
        }
    }
    d.deserialize_str(V)
}

/// One date or several, written as a string or an array of strings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dates(pub Vec<NaiveDate>);

impl Episode {
    /// An episode built in code: its id, kind of event, moment and patient id, with no
    /// attributes, milestones, course, facts, owners or reassignments; fill the public
    /// fields a program needs. Nothing is checked here: [`Episode::check`] (or planning,
    /// which runs it) says what is wrong.
    ///
    /// ```
    /// use followup::{calendar::Calendar, episode::Episode, rules::RuleSet};
    /// let at = "2026-03-02T10:00:00".parse().unwrap();
    /// let mut ep = Episode::new("ep-7", "procedure", at, "p-7");
    /// ep.attributes.insert("category".into(), "laser".into());
    /// ep.patient.tags.push("night_shift".into());
    /// let plan = RuleSet::builtin()?.plan(&ep, &Calendar::default())?;
    /// assert_eq!(plan.tasks[0].due.to_string(), "2026-03-03"); // the day-1 call
    /// # Ok::<(), followup::Error>(())
    /// ```
    pub fn new(id: &str, event: &str, at: NaiveDateTime, patient_id: &str) -> Episode {
        Episode {
            id: id.into(),
            event: event.to_string(),
            at,
            attributes: BTreeMap::new(),
            patient: Patient {
                id: patient_id.into(),
                ..Patient::default()
            },
            milestones: BTreeMap::new(),
            course: None,
            facts: Vec::new(),
            owners: BTreeMap::new(),
            reassignments: Vec::new(),
        }
    }

    /// Reads an episode from JSON; `name` is used in error messages. The episode is
    /// checked for data slips ([`Episode::check`]); its values are checked against a rule
    /// set's vocabulary by [`crate::rules::RuleSet::read_episode`] and when it is planned.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Episode`] with the JSON pointer, line and column and what was
    /// expected, for malformed JSON, unknown fields, bad dates and the slips of
    /// [`Episode::check`].
    pub fn from_json(name: &str, text: &str) -> Result<Episode> {
        Episode::read(name, text, &Limits::default())
    }

    /// Reads and checks an episode under `limits`, locating errors in `text`.
    pub(crate) fn read(name: &str, text: &str, limits: &Limits) -> Result<Episode> {
        // As the other readers say it (audit 163: "the text ends where a value should be").
        if let Some(e) = crate::json::empty(
            text,
            "an episode (a JSON object such as {\"id\": \"ep-1\", \"event\": \"procedure\", \"at\": \"2026-03-02T10:00:00\", \"patient\": {\"id\": \"p-1\"}})",
        ) {
            return Err(e.into_episode(name));
        }
        let crate::json::Document(ep) =
            crate::json::read::<crate::json::Document<Episode>>(text, limits)
                .map_err(|e| e.into_episode(name))?;
        ep.checked(limits)
            .map_err(|e| crate::json::located_in(e, text).into_episode(name))?;
        Ok(ep)
    }

    /// Checks what JSON shape alone cannot, the data slips a host can make:
    ///
    /// - the episode and patient ids are path-safe ([`ID_CHARS`]): a task id is
    ///   `program/step/episode/occurrence`;
    /// - the event is not empty;
    /// - no milestone date is before the event's day, nor given twice, nor has a
    ///   milestone more dates than `max_milestone_dates`;
    /// - the course is consistent: a package of 1 or more, one session a day, planned
    ///   sessions after the done ones, no more sessions than the package, none before the
    ///   event's day;
    /// - an `opt_out` fact names its channel;
    /// - the patient's rest hours start before they end.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Episode`] naming `name`, the JSON pointer and what was expected.
    pub fn check(&self, name: &str) -> Result<()> {
        self.checked(&Limits::default())
            .map_err(|e| e.into_episode(name))
    }

    /// The calendar day of the event.
    pub fn date(&self) -> NaiveDate {
        self.at.date()
    }

    /// The value of an attribute, if the episode gives it.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        small_get(&self.attributes, name).map(String::as_str)
    }

    /// The dates the episode gives for a milestone, if any.
    pub fn milestone(&self, name: &str) -> Option<&Dates> {
        small_get(&self.milestones, name)
    }

    /// The earliest fact of one kind, if any (no allocation: planning asks this per task).
    pub fn first_fact_of(&self, kind: &str) -> Option<&Fact> {
        self.facts
            .iter()
            .filter(|f| f.kind == kind)
            .min_by_key(|f| f.at)
    }

    /// When something of `kind` happened, in time order: the facts of that kind and, for
    /// `assigned`, the reassignments too.
    pub fn times_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = NaiveDateTime> + 'a {
        let reassigned = (kind == ASSIGNED)
            .then_some(self.reassignments.iter().map(|r| r.at))
            .into_iter()
            .flatten();
        let mut v: Vec<NaiveDateTime> = (self.facts.iter())
            .filter(|f| f.kind == kind)
            .map(|f| f.at)
            .chain(reassigned)
            .collect();
        v.sort();
        v.into_iter()
    }

    /// The facts of one kind, in time order.
    pub fn facts_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Fact> + 'a {
        let mut v: Vec<&Fact> = self.facts.iter().filter(|f| f.kind == kind).collect();
        v.sort_by_key(|f| f.at);
        v.into_iter()
    }
}

/// A map lookup that scans small maps: comparing lengths first skips most byte
/// comparisons, where a tree search compares bytes at every node.
fn small_get<'a, V>(map: &'a BTreeMap<String, V>, key: &str) -> Option<&'a V> {
    if map.len() <= 8 {
        map.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
    } else {
        map.get(key)
    }
}

impl crate::json::Expected for Episode {
    const EXPECTED: &'static str = "an episode (a JSON object)";
}

impl crate::json::Expected for Patient {
    const EXPECTED: &'static str = "a patient (a JSON object)";
}

impl crate::json::Expected for Course {
    const EXPECTED: &'static str = "a course (a JSON object)";
}

impl crate::json::Expected for Fact {
    const EXPECTED: &'static str =
        "a fact (a JSON object such as {\"kind\": \"visited\", \"at\": \"2026-03-09T10:00\"})";
}

impl crate::json::Expected for OptOut {
    const EXPECTED: &'static str =
        "an opt-out (a JSON object such as {\"channel\": \"sms\", \"at\": \"2026-04-01\"})";
}

impl<'de> Deserialize<'de> for Dates {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Dates;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date \"YYYY-MM-DD\" or an array of dates")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Dates, E> {
                dates::parse(v).map(|d| Dates(vec![d])).map_err(E::custom)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Dates, A::Error> {
                let mut out = Vec::new();
                while let Some(dates::Date(d)) = seq.next_element()? {
                    out.push(d);
                }
                if out.is_empty() {
                    return Err(de::Error::custom(
                        "no dates: expected a date \"YYYY-MM-DD\" or a non-empty array of dates (leave the milestone out when there is none)",
                    ));
                }
                Ok(Dates(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Dates {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => one.serialize(s),
            many => many.serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(list: &[&str]) -> Vec<NaiveDate> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }

    /// Done sessions first, then planned ones, each in date order whatever order they
    /// were given in; numbered from 1.
    #[test]
    fn sessions_are_numbered_done_first_in_date_order() {
        let course = Course {
            package: Some(5),
            done: dates(&["2026-03-09", "2026-03-02"]),
            planned: dates(&["2026-03-30", "2026-03-16", "2026-03-23"]),
            ended: false,
        };
        let got: Vec<(u32, String, bool)> = course
            .sessions()
            .map(|s| (s.number, s.date.to_string(), s.done))
            .collect();
        assert_eq!(
            got,
            [
                (1, "2026-03-02".to_string(), true),
                (2, "2026-03-09".to_string(), true),
                (3, "2026-03-16".to_string(), false),
                (4, "2026-03-23".to_string(), false),
                (5, "2026-03-30".to_string(), false),
            ]
        );
        assert!(Course::default().sessions().next().is_none());
    }
}
