//! The step of a rule file and the values of its fields, as written in JSON.

use super::{Channel, Conditions, Role, Values};
use crate::offset::MonthEnd;
use crate::text::Text;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// `sample`: only a deterministic share of patients get the step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SampleDef {
    /// Share of patients, in (0, 1].
    pub fraction: Fraction,
    /// Patients matching these conditions are always in (key customers).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::json::non_empty_conditions"
    )]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::Conditions", extend("minProperties" = 1))
    )]
    pub always: Conditions,
    /// Draws with different salts are independent; the default draw is the program's (a
    /// notice's: its id's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::Id>")
    )]
    pub salt: Option<String>,
}

/// A number between 0 and 1, compared bit for bit.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(transparent)]
pub struct Fraction(pub f64);

impl<'de> Deserialize<'de> for Fraction {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Fraction;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number greater than 0 and at most 1")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Fraction, E> {
                Ok(Fraction(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Fraction, E> {
                Ok(Fraction(v as f64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Fraction, E> {
                Ok(Fraction(v as f64))
            }
        }
        d.deserialize_any(V)
    }
}

impl PartialEq for Fraction {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

impl Eq for Fraction {}

/// `sessions`: which session numbers of a course a session-anchored step covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SessionRange {
    /// First session number (from 1).
    #[serde(default = "one", deserialize_with = "session_number")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::Positive")
    )]
    pub first: u32,
    /// Last session number; none: every session from `first`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "some_session_number"
    )]
    // `null` is no session number (the reader refuses it).
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::Positive")
    )]
    pub last: Option<u32>,
}

fn one() -> u32 {
    1
}

fn session_number<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = u32;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a session number, 1 or more")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u32, E> {
            u32::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u32, E> {
            u32::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
        }
    }
    d.deserialize_any(V)
}

fn some_session_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    session_number(d).map(Some)
}

/// One step of a program, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, expecting = "a step (a JSON object)")]
pub struct StepDef {
    /// Step id, unique in the program.
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::Id")
    )]
    pub id: String,
    /// Anchor: `event` (default), a milestone, or another step's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::Anchor>")
    )]
    pub from: Option<String>,
    /// ISO 8601 duration from the anchor; default `P0D`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::Offset>")
    )]
    pub offset: Option<String>,
    /// RFC 5545 RRULE, started at anchor + offset; must have COUNT or UNTIL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::RRule>")
    )]
    pub repeat: Option<String>,
    /// Extra conditions for this step.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::json::unique_map"
    )]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::Conditions")
    )]
    pub when: Conditions,
    /// The step is not planned when all these conditions match.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::json::unique_map"
    )]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::Conditions")
    )]
    pub unless: Conditions,
    /// For session anchors: which session numbers.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::json::object_opt"
    )]
    pub sessions: Option<SessionRange>,
    /// Fact kinds that drop the task when one happened before it is due, each once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Vec<crate::schema::strings::Id>", extend("uniqueItems" = true))
    )]
    pub stop_when: Vec<String>,
    /// A milestone of the program the step stops at: a task whose day comes after the
    /// milestone's (first) day is dropped (`stopped`, detail the milestone), as a ward
    /// visit after the discharge. The milestone's day itself is kept; a milestone not
    /// given and without a default stops nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::Id>")
    )]
    pub until: Option<String>,
    /// A fact the task waits for (no selling before `recovered`), with the longest wait
    /// and what happens after it: `"recovered"` or `{"fact": "recovered", "max": "P2M",
    /// "then": "drop"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_for: Option<WaitDef>,
    /// Only a deterministic share of patients get this step.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::json::object_opt"
    )]
    pub sample: Option<SampleDef>,
    /// The role that picks the day inside the window (the task carries the window).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picked_by: Option<Role>,
    /// What the task is for, as the contact policy ranks it (`reminder`, `complaint`,
    /// `aftercare`, `care`, `sales`, `greeting`): else the program default, else the policy's table
    /// ([`crate::replan::PriorityPolicy`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<crate::replan::PriorityClass>,
    /// Channel (else the program default, else `phone`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Role (else the program default, else `customer_service`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Time of day (else the program default, else `day`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeDef>,
    /// Other times of day for some patients or days (else the program default's).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::json::objects_opt"
    )]
    pub time_overrides: Option<Vec<TimeOverrideDef>>,
    /// On-time window (else the program default, else `P0D`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<WindowDef>,
    /// Month-end policy (else the program default, else `clamp`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month_end: Option<MonthEnd>,
    /// Closed-day policy (else the program default, else `next_open_day`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_day: Option<ClosedDay>,
    /// The longest closed-day shift, days or weeks (`"P3D"`); needs `beyond_max_shift`
    /// here or in the defaults. Else the program default, else no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::DaysOrWeeks>")
    )]
    pub max_shift: Option<String>,
    /// What happens when no day within `max_shift` works: `drop` or `keep`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beyond_max_shift: Option<BeyondMaxShift>,
    /// What happens when the task is due on its event's day and the event leaves nothing
    /// of its time window: `next_open_day` (the default) or `drop`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_event: Option<AfterEvent>,
    /// What an unanswered call leads to: `{"retry_after": "PT2H", "max_attempts": 3,
    /// "then": "sms"}` (else the program default, else nothing: the task stays open).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::json::object_opt"
    )]
    pub no_answer: Option<RetryDef>,
    /// A supervisor's task when the task is still not done this long after its last
    /// on-time day (`"P2D"`; else the program default, else none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::DaysOrWeeks>")
    )]
    pub escalate_after: Option<String>,
    /// How long the task is worth doing: `"at_anchor"` (until the day before its anchor:
    /// reminders), `"never"` (it never expires), or a duration after the last on-time day
    /// (`"P7D"`). Default: see the rule format reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::Expires>")
    )]
    pub expires: Option<String>,
    /// Title shown in task lists: a template whose placeholders (`{patient}`,
    /// `{session}`…) are filled for each task (see the rule format, "Texts and
    /// templates").
    pub title: Text,
    /// Script: what to say or write (for an SMS, the message); a template like the title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<Text>,
}

/// `no_answer`: try an unanswered call again after `retry_after`, up to `max_attempts`
/// calls in all, then `then`: a channel to send a message on (`"sms"`, `"wechat"`),
/// `"drop"`, or `"escalate"` (a supervisor's task).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RetryDef {
    /// How long after an unanswered attempt to call again, 1 minute to 7 days: `"PT2H"`, `"PT30M"`, `"P1D"`, `"P1W"`.
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::RetryDelay")
    )]
    pub retry_after: String,
    /// Calls in all, the first one included (2 to 10).
    #[cfg_attr(any(test, feature = "schema"), schemars(range(min = 2, max = 10)))]
    #[serde(deserialize_with = "attempts")]
    pub max_attempts: u32,
    /// After the last unanswered call: `"sms"`, `"wechat"`, `"drop"` or `"escalate"`.
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::RetryThen")
    )]
    pub then: String,
    /// The message `"sms"` or `"wechat"` sends the patient, a template as a script is;
    /// default: we called and could not reach you, please call back (a call's script is
    /// what staff say, not a text to send).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Text>,
}

impl crate::json::Expected for RetryDef {
    const EXPECTED: &'static str = "a retry rule (a JSON object such as {\"retry_after\": \"PT2H\", \"max_attempts\": 3, \"then\": \"sms\"})";
}

/// `wait_for`: the fact a task waits for, how long at most, and what then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitDef {
    /// The fact kind (`recovered`).
    pub fact: String,
    /// The longest wait after the day the rule gives, days, weeks or months (default
    /// `P1M`).
    pub max: Option<String>,
    /// What happens when the fact has not come by the end of the wait (default
    /// `proceed`).
    pub then: Option<WaitThen>,
}

/// What a task does when the fact it waits for has not come by the end of its wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum WaitThen {
    /// It goes ahead at the end of the wait (a wait never withholds care).
    #[default]
    Proceed,
    /// It expires at the end of the wait (no selling to a patient who has not recovered).
    Drop,
    /// It expires at the end of the wait, and a supervisor gets a task that day to look
    /// into it.
    Escalate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WaitObject {
    fact: String,
    #[serde(default)]
    max: Option<String>,
    #[serde(default)]
    then: Option<WaitThen>,
}

impl<'de> Deserialize<'de> for WaitDef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = WaitDef;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a fact kind such as \"recovered\" or {\"fact\": \"recovered\", \"max\": \"P2M\", \"then\": \"drop\"}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<WaitDef, E> {
                Ok(WaitDef {
                    fact: v.to_string(),
                    max: None,
                    then: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<WaitDef, A::Error> {
                let w = WaitObject::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(WaitDef {
                    fact: w.fact,
                    max: w.max,
                    then: w.then,
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for WaitDef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        if self.max.is_none() && self.then.is_none() {
            return s.serialize_str(&self.fact);
        }
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("fact", &self.fact)?;
        if let Some(max) = &self.max {
            m.serialize_entry("max", max)?;
        }
        if let Some(then) = &self.then {
            m.serialize_entry("then", then)?;
        }
        m.end()
    }
}

/// What to do when a task falls on a day the clinic is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClosedDay {
    /// Keep the day (messages can be sent on closed days).
    Keep,
    /// Move to the first open day after it (the default).
    #[default]
    NextOpenDay,
    /// Move to the last open day before it.
    PreviousOpenDay,
    /// Move to the open day nearest to it, the later one on a tie.
    NearestOpenDay,
}

/// What happens to a task when no day within its `max_shift` works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BeyondMaxShift {
    /// The task is dropped (`beyond_max_shift`): a care call a week late has lost its
    /// point.
    Drop,
    /// The task stays on its closed day (staff call from home, say).
    Keep,
}

/// What happens to a task due on the day of its event when the event (a complaint logged
/// at 20:30) leaves nothing of its time window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AfterEvent {
    /// It moves to the next day its channel works (`shifted: after_event`).
    #[default]
    NextOpenDay,
    /// It is dropped (`after_event`).
    Drop,
}

/// Another time of day for patients with a tag or on some kinds of day: night-shift
/// workers are called in the afternoon, and so is everyone on weekends and holidays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[cfg_attr(
    any(test, feature = "schema"),
    schemars(transform = crate::schema::custom::time_override_rules)
)]
#[serde(deny_unknown_fields)]
pub struct TimeOverrideDef {
    /// Applies to patients with one of these tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<Values>,
    /// Applies on these kinds of day: `workday`, `weekend`, `holiday`, `makeup_workday`,
    /// each once.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::json::null_default"
    )]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(
            with = "Option<Vec<crate::schema::strings::DayKind>>",
            extend("uniqueItems" = true)
        )
    )]
    pub days: Vec<String>,
    /// The time of day to use instead.
    pub time: TimeDef,
}

/// A time-of-day window: a name (`morning`, `afternoon`, `evening`, `day`) or an
/// explicit `{"start": "HH:MM", "end": "HH:MM"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeDef {
    /// A named window, resolved through the calendar.
    Named(String),
    /// Explicit start and end, as written.
    Explicit {
        /// Start, `HH:MM`.
        start: String,
        /// End, `HH:MM`.
        end: String,
    },
}

/// The on-time window around the due day: a duration (how long after the due day the
/// task is still on time) or `{"earliest": "-P1D", "latest": "P2D"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WindowDef {
    /// Latest = due + this duration.
    Latest(String),
    /// Both ends, relative to the due day.
    Range {
        /// Earliest, a zero or negative duration.
        earliest: Option<String>,
        /// Latest, a zero or positive duration.
        latest: Option<String>,
        /// The window's days are the rule's: a closed day moves the task within them,
        /// not them (a promise: "every callback within 3 days").
        fixed: bool,
    },
    /// An approximate day: due ± this duration ("around D+45").
    Around {
        /// Days either side of the due day.
        around: String,
        /// As in [`WindowDef::Range`].
        fixed: bool,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExplicitTime {
    start: String,
    end: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WindowRange {
    #[serde(default)]
    earliest: Option<String>,
    #[serde(default)]
    latest: Option<String>,
    #[serde(default)]
    around: Option<String>,
    #[serde(default, deserialize_with = "crate::json::null_default")]
    fixed: bool,
}

impl<'de> Deserialize<'de> for TimeDef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TimeDef;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a window name (\"morning\", \"afternoon\", \"evening\", \"day\") or {\"start\": \"HH:MM\", \"end\": \"HH:MM\"}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TimeDef, E> {
                Ok(TimeDef::Named(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TimeDef, A::Error> {
                let t = ExplicitTime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(TimeDef::Explicit {
                    start: t.start,
                    end: t.end,
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for TimeDef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            TimeDef::Named(n) => s.serialize_str(n),
            TimeDef::Explicit { start, end } => {
                let mut m = BTreeMap::new();
                m.insert("start", start);
                m.insert("end", end);
                m.serialize(s)
            }
        }
    }
}

impl<'de> Deserialize<'de> for WindowDef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = WindowDef;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a duration such as \"P2D\" or {\"earliest\": \"-P1D\", \"latest\": \"P2D\"}",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<WindowDef, E> {
                Ok(WindowDef::Latest(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<WindowDef, A::Error> {
                let r = WindowRange::deserialize(de::value::MapAccessDeserializer::new(map))?;
                match (r.around, r.earliest.is_some() || r.latest.is_some()) {
                    (Some(_), true) => Err(de::Error::custom(
                        "\"around\" cannot be combined with \"earliest\" or \"latest\": expected either {\"around\": \"P3D\"} or {\"earliest\": …, \"latest\": …}",
                    )),
                    (Some(a), false) => Ok(WindowDef::Around {
                        around: a,
                        fixed: r.fixed,
                    }),
                    (None, _) => Ok(WindowDef::Range {
                        earliest: r.earliest,
                        latest: r.latest,
                        fixed: r.fixed,
                    }),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for WindowDef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            WindowDef::Latest(l) => s.serialize_str(l),
            WindowDef::Range {
                earliest,
                latest,
                fixed,
            } => {
                let mut m = BTreeMap::new();
                if let Some(e) = earliest {
                    m.insert("earliest", serde_json::Value::from(e.as_str()));
                }
                if let Some(l) = latest {
                    m.insert("latest", serde_json::Value::from(l.as_str()));
                }
                if *fixed {
                    m.insert("fixed", serde_json::Value::Bool(true));
                }
                m.serialize(s)
            }
            WindowDef::Around { around, fixed } => {
                let mut m = BTreeMap::new();
                m.insert("around", serde_json::Value::from(around.as_str()));
                if *fixed {
                    m.insert("fixed", serde_json::Value::Bool(true));
                }
                m.serialize(s)
            }
        }
    }
}

/// `max_attempts` as read: its errors say the range the rule takes (audit 84: a string,
/// a fraction or a negative number was told of 0 to 4294967295). A whole number out of
/// the range is read and then refused in words when the step is compiled.
fn attempts<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    struct Calls;
    impl serde::de::Visitor<'_> for Calls {
        type Value = u32;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a whole number from 2 to 10 (the calls in all, the first included)")
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<u32, E> {
            u32::try_from(v)
                .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<u32, E> {
            u32::try_from(v).map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(v), &self))
        }
    }
    d.deserialize_u64(Calls)
}
