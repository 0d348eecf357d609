//! The serde model of a rule file (format `followup/v1`), exactly as written in JSON.
//!
//! Nothing here is checked beyond JSON shape; [`crate::RuleSet`] compiles and validates
//! it. The README's "Rule format" section documents every field.

use crate::offset::MonthEnd;
use crate::text::{Lang, Text};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// One follow-up program, as written in a rule file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a program (a JSON object)")]
pub struct ProgramDef {
    /// Must be `"followup/v1"`.
    pub format: String,
    /// Program id: lower-case letters, digits, `-` and `_`.
    pub id: String,
    /// Display name.
    pub name: Text,
    /// `episode` (default): planned for each matching episode; `patient`: planned per
    /// patient over a horizon (birthday and festival greetings).
    #[serde(default, skip_serializing_if = "Scope::is_episode")]
    pub scope: Scope,
    /// Optional longer description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Which episodes the program applies to; empty applies to all.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::json::unique_map"
    )]
    pub applies: Conditions,
    /// Named milestones (visits) with their default offset from the event (`null`: no
    /// default, the episode must give the date), or `{"default": "P7D", "closed_day":
    /// "next_open_day"}`.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::json::unique_map"
    )]
    pub milestones: BTreeMap<String, MilestoneDef>,
    /// Values every step takes unless it sets its own.
    #[serde(
        default,
        skip_serializing_if = "Defaults::is_empty",
        deserialize_with = "crate::json::object"
    )]
    pub defaults: Defaults,
    /// What a clear refusal (the patient's `declined`, or a `declined` fact) does to the
    /// rest of the program; default: no calls or home visits, messages for 6 months.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::json::object_opt"
    )]
    pub declined: Option<DeclinedDef>,
    /// Values episodes may carry beyond those the rules test: more events, attributes
    /// (with their values, or `"free"`), fact kinds.
    #[serde(
        default,
        skip_serializing_if = "VocabularyDef::is_empty",
        deserialize_with = "crate::json::object"
    )]
    pub vocabulary: VocabularyDef,
    /// The steps.
    #[serde(deserialize_with = "crate::json::objects")]
    pub steps: Vec<StepDef>,
}

/// Whether a program is planned per episode or per patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Planned for each episode its `applies` matches (the default).
    #[default]
    Episode,
    /// Planned for a patient over a horizon by [`crate::RuleSet::plan_patient`].
    Patient,
}

impl Scope {
    fn is_episode(&self) -> bool {
        *self == Scope::Episode
    }
}

/// `declined`: after a clear refusal, tasks on `stop_channels` are dropped; the others
/// go on until `horizon` after the refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclinedDef {
    /// Channels that stop at once (calls, visits).
    pub stop_channels: Vec<Channel>,
    /// How long after the refusal other tasks (messages) go on, an ISO 8601 duration.
    pub horizon: String,
}

/// `sample`: only a deterministic share of patients get the step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleDef {
    /// Share of patients, in (0, 1].
    pub fraction: Fraction,
    /// Patients matching these conditions are always in (key customers).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::json::unique_map"
    )]
    pub always: Conditions,
    /// Draws with different salts are independent; the default draw is the program's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
#[serde(deny_unknown_fields)]
pub struct SessionRange {
    /// First session number (from 1).
    #[serde(default = "one", deserialize_with = "session_number")]
    pub first: u32,
    /// Last session number; none: every session from `first`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "some_session_number"
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

/// Attribute → allowed values. Keys: `event`, `tag` (any of the patient's tags), or any
/// episode attribute. A single string is the same as a one-element array.
pub type Conditions = BTreeMap<String, Values>;

/// One string or an array of strings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Values(pub Vec<String>);

/// Program-wide defaults for step fields.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Default channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Default role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Default time-of-day window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeDef>,
    /// Default time-of-day overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_overrides: Option<Vec<TimeOverrideDef>>,
    /// Default on-time window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<WindowDef>,
    /// Default month-end policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month_end: Option<MonthEnd>,
    /// Default closed-day policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_day: Option<ClosedDay>,
    /// Default longest closed-day shift, days or weeks (`"P3D"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_shift: Option<String>,
    /// Default of what happens when no day within `max_shift` works.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beyond_max_shift: Option<BeyondMaxShift>,
    /// Default of what happens to a task due on its event's day when the event leaves
    /// nothing of its time window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_event: Option<AfterEvent>,
    /// Default of how long tasks are worth doing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// A milestone as written: its default offset from the event (none: the episode must
/// give the date) and what happens when that default day is closed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MilestoneDef {
    /// Default offset from the event, an ISO 8601 duration; `None`: no default.
    pub default: Option<String>,
    /// Where the default day moves when the clinic is closed on it (default
    /// `next_open_day`). A date the episode gives is never moved.
    pub closed_day: Option<ClosedDay>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MilestoneObject {
    #[serde(default)]
    default: Option<String>,
    #[serde(default)]
    closed_day: Option<ClosedDay>,
}

impl<'de> Deserialize<'de> for MilestoneDef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MilestoneDef;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a default offset such as \"P7D\", null (no default), or {\"default\": \"P7D\", \"closed_day\": \"next_open_day\"}")
            }
            fn visit_unit<E: de::Error>(self) -> Result<MilestoneDef, E> {
                Ok(MilestoneDef::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<MilestoneDef, E> {
                Ok(MilestoneDef::default())
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<MilestoneDef, E> {
                Ok(MilestoneDef {
                    default: Some(v.to_string()),
                    closed_day: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<MilestoneDef, A::Error> {
                let m = MilestoneObject::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(MilestoneDef {
                    default: m.default,
                    closed_day: m.closed_day,
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for MilestoneDef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (&self.default, self.closed_day) {
            (None, None) => s.serialize_none(),
            (Some(d), None) => s.serialize_str(d),
            (default, Some(closed_day)) => {
                use serde::ser::SerializeMap;
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("default", default)?;
                m.serialize_entry("closed_day", &closed_day)?;
                m.end()
            }
        }
    }
}

impl Defaults {
    fn is_empty(&self) -> bool {
        self == &Defaults::default()
    }
}

/// One step of a program, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a step (a JSON object)")]
pub struct StepDef {
    /// Step id, unique in the program.
    pub id: String,
    /// Anchor: `event` (default), a milestone, or another step's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// ISO 8601 duration from the anchor; default `P0D`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<String>,
    /// RFC 5545 RRULE, started at anchor + offset; must have COUNT or UNTIL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<String>,
    /// Extra conditions for this step.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::json::unique_map"
    )]
    pub when: Conditions,
    /// The step is not planned when all these conditions match.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::json::unique_map"
    )]
    pub unless: Conditions,
    /// For session anchors: which session numbers.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::json::object_opt"
    )]
    pub sessions: Option<SessionRange>,
    /// Fact kinds that drop the task when one happened before it is due.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stop_when: Vec<String>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    pub max_shift: Option<String>,
    /// What happens when no day within `max_shift` works: `drop` or `keep`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beyond_max_shift: Option<BeyondMaxShift>,
    /// What happens when the task is due on its event's day and the event leaves nothing
    /// of its time window: `next_open_day` (the default) or `drop`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_event: Option<AfterEvent>,
    /// How long the task is worth doing: `"at_anchor"` (until the day before its anchor:
    /// reminders), `"never"` (it never expires), or a duration after the last on-time day
    /// (`"P7D"`). Default: see the rule format reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Title shown in task lists.
    pub title: Text,
    /// Script: what to say or write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<Text>,
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

/// `vocabulary`: values episodes may carry beyond those the program's rules test.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VocabularyDef {
    /// More events (`"purchase"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
    /// Attributes: more values of a closed attribute (`{"category": ["hair"]}`), or
    /// `"free"` for an attribute any value of which is accepted (`{"procedure": "free"}`).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::json::unique_map"
    )]
    pub attributes: BTreeMap<String, AttributeValues>,
    /// More fact kinds (`"referred"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<String>,
}

impl VocabularyDef {
    fn is_empty(&self) -> bool {
        self == &VocabularyDef::default()
    }
}

/// The values an attribute accepts: a list, or `"free"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeValues {
    /// Any value.
    Free,
    /// These values (and those the rules test).
    Values(Vec<String>),
}

impl<'de> Deserialize<'de> for AttributeValues {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AttributeValues;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"free\" or an array of values")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AttributeValues, E> {
                if v == "free" {
                    Ok(AttributeValues::Free)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AttributeValues, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(AttributeValues::Values(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for AttributeValues {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            AttributeValues::Free => s.serialize_str("free"),
            AttributeValues::Values(v) => v.serialize(s),
        }
    }
}

impl crate::json::Expected for ProgramDef {
    const EXPECTED: &'static str = "a program (a JSON object)";
}

impl crate::json::Expected for StepDef {
    const EXPECTED: &'static str = "a step (a JSON object)";
}

impl crate::json::Expected for Defaults {
    const EXPECTED: &'static str = "the defaults (a JSON object)";
}

impl crate::json::Expected for DeclinedDef {
    const EXPECTED: &'static str = "a refusal rule (a JSON object such as {\"stop_channels\": [\"phone\"], \"horizon\": \"P6M\"})";
}

impl crate::json::Expected for VocabularyDef {
    const EXPECTED: &'static str = "a vocabulary (a JSON object)";
}

impl crate::json::Expected for SessionRange {
    const EXPECTED: &'static str =
        "a session range (a JSON object such as {\"first\": 1, \"last\": 6})";
}

impl crate::json::Expected for SampleDef {
    const EXPECTED: &'static str = "a sample (a JSON object such as {\"fraction\": 0.5})";
}

/// How the clinic contacts the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Channel {
    /// Phone call (电话回访).
    Phone,
    /// Text message (短信).
    Sms,
    /// In person at the clinic or ward (到院接待 / 探访).
    InPerson,
    /// WeChat message.
    Wechat,
    /// Mail (郵寄).
    Mail,
    /// Home visit (登門拜訪).
    HomeVisit,
    /// Internal work with no contact (a supervisor reassigning a lead).
    Internal,
}

/// Who does the task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Role {
    /// 客服: routine callbacks, messages, greetings, complaints.
    CustomerService,
    /// 现场咨询师: the consultant who sold the treatment.
    OnsiteConsultant,
    /// 网络咨询师: leads from web chat.
    OnlineConsultant,
    /// 电话咨询师: leads from the phone.
    PhoneConsultant,
    /// 医助: per-session callbacks in courses.
    DoctorAssistant,
    /// 客服主管: checks and reassigns.
    Supervisor,
    /// The consultant who handled the lead, whichever kind (online, phone or onsite).
    Consultant,
    /// 医生: the doctor who treated the patient (reviews, abnormal recovery).
    Doctor,
    /// 护士: the nurse of the centre (appointment reminders, dressing changes).
    Nurse,
}

/// What to do when a task falls on a day the clinic is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
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
#[serde(deny_unknown_fields)]
pub struct TimeOverrideDef {
    /// Applies to patients with one of these tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<Values>,
    /// Applies on these kinds of day: `workday`, `weekend`, `holiday`, `makeup_workday`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
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
    },
    /// An approximate day: due ± this duration ("around D+45").
    Around(String),
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
}

impl<'de> Deserialize<'de> for Values {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Values;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Values, E> {
                Ok(Values(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Values, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(Values(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Values {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => s.serialize_str(one),
            many => many.serialize(s),
        }
    }
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
                    (Some(a), false) => Ok(WindowDef::Around(a)),
                    (None, _) => Ok(WindowDef::Range {
                        earliest: r.earliest,
                        latest: r.latest,
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
            WindowDef::Range { earliest, latest } => {
                let mut m = BTreeMap::new();
                if let Some(e) = earliest {
                    m.insert("earliest", e);
                }
                if let Some(l) = latest {
                    m.insert("latest", l);
                }
                m.serialize(s)
            }
            WindowDef::Around(a) => {
                let mut m = BTreeMap::new();
                m.insert("around", a);
                m.serialize(s)
            }
        }
    }
}

impl Channel {
    /// Every channel, in documentation order.
    pub const ALL: [Channel; 7] = [
        Channel::Phone,
        Channel::Sms,
        Channel::InPerson,
        Channel::Wechat,
        Channel::Mail,
        Channel::HomeVisit,
        Channel::Internal,
    ];

    /// The name as written in JSON (`phone`, `in_person`…).
    pub fn name(self) -> &'static str {
        match self {
            Channel::Phone => "phone",
            Channel::Sms => "sms",
            Channel::InPerson => "in_person",
            Channel::Wechat => "wechat",
            Channel::Mail => "mail",
            Channel::HomeVisit => "home_visit",
            Channel::Internal => "internal",
        }
    }

    /// A short display label in `lang` (`电话` / `phone`).
    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Channel::Phone => ("电话", "phone"),
            Channel::Sms => ("短信", "SMS"),
            Channel::InPerson => ("当面", "in person"),
            Channel::Wechat => ("微信", "WeChat"),
            Channel::Mail => ("邮寄", "mail"),
            Channel::HomeVisit => ("上门", "home visit"),
            Channel::Internal => ("内部", "internal"),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

impl Role {
    /// Every role, in documentation order.
    pub const ALL: [Role; 9] = [
        Role::CustomerService,
        Role::OnsiteConsultant,
        Role::OnlineConsultant,
        Role::PhoneConsultant,
        Role::DoctorAssistant,
        Role::Supervisor,
        Role::Consultant,
        Role::Doctor,
        Role::Nurse,
    ];

    /// A short display label in `lang` (`客服` / `customer service`).
    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Role::CustomerService => ("客服", "customer service"),
            Role::OnsiteConsultant => ("现场咨询", "onsite consultant"),
            Role::OnlineConsultant => ("网络咨询", "online consultant"),
            Role::PhoneConsultant => ("电话咨询", "phone consultant"),
            Role::DoctorAssistant => ("医助", "doctor's assistant"),
            Role::Supervisor => ("客服主管", "supervisor"),
            Role::Consultant => ("咨询师", "consultant"),
            Role::Doctor => ("医生", "doctor"),
            Role::Nurse => ("护士", "nurse"),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}
