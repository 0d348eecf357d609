//! The serde model of a rule file (format `followup/v1`), exactly as written in JSON.
//!
//! Nothing here is checked beyond JSON shape; [`crate::rules::RuleSet`] compiles and validates
//! it. The README's "Rule format" section documents every field.

mod kinds;
mod step;

pub use kinds::{Channel, Role};
pub use step::{
    AfterEvent, BeyondMaxShift, ClosedDay, Fraction, RetryDef, SampleDef, SessionRange, StepDef,
    TimeDef, TimeOverrideDef, WaitDef, WaitThen, WindowDef,
};

use crate::offset::MonthEnd;
use crate::text::Text;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// One follow-up program, as written in a rule file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, expecting = "a program (a JSON object)")]
pub struct ProgramDef {
    /// The JSON Schema the file follows, for editors (`"../schema/rules.schema.json"`,
    /// relative to the file). Read and ignored: a [`crate::rules::RuleSet`] does not keep it, so
    /// it counts neither in the rule set's JSON nor in its fingerprint.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Must be `"followup/v1"`.
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::Format")
    )]
    pub format: String,
    /// Program id: lower-case letters, digits, `-` and `_`.
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::Id")
    )]
    pub id: String,
    /// Display name.
    pub name: Text,
    /// `episode` (default): planned for each matching episode; `patient`: planned per
    /// patient over a horizon (birthday and festival greetings).
    #[serde(
        default,
        skip_serializing_if = "Scope::is_episode",
        deserialize_with = "crate::json::null_default"
    )]
    #[cfg_attr(any(test, feature = "schema"), schemars(with = "Option<Scope>"))]
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
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::Conditions")
    )]
    pub applies: Conditions,
    /// Attributes the program's steps branch on and an episode must give (the plastic
    /// program's `setting`): when an episode lacks one, each step whose `when` or `unless`
    /// tests it is listed in the plan's `dropped` as `missing_attribute`, naming it,
    /// instead of being left out in silence. Each once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(any(test, feature = "schema"), schemars(extend("uniqueItems" = true)))]
    pub requires: Vec<String>,
    /// Named milestones (visits) with their default offset from the event (`null`: no
    /// default, the episode must give the date), or `{"default": "P7D", "closed_day":
    /// "next_open_day"}`.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "crate::json::unique_map"
    )]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::IdMap<MilestoneDef>")
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
    /// Which of the patient's opt-outs stop the program's calls: all of them, whenever
    /// given (`hold`, the default), or only those given from the episode's event on
    /// (`from_event`: a program that answers the patient's own request — a complaint,
    /// whose patient asked to be answered and was promised a callback). Messages keep
    /// every opt-out either way.
    #[serde(
        default,
        skip_serializing_if = "OptOuts::is_hold",
        deserialize_with = "crate::json::null_default"
    )]
    #[cfg_attr(any(test, feature = "schema"), schemars(with = "Option<OptOuts>"))]
    pub opt_outs: OptOuts,
    /// Values episodes may carry beyond those the rules test: more events, attributes
    /// (with their values, or `"free"`), fact kinds.
    #[serde(
        default,
        skip_serializing_if = "VocabularyDef::is_empty",
        deserialize_with = "crate::json::object"
    )]
    pub vocabulary: VocabularyDef,
    /// The steps, at least one.
    #[serde(deserialize_with = "crate::json::objects")]
    #[cfg_attr(any(test, feature = "schema"), schemars(length(min = 1)))]
    pub steps: Vec<StepDef>,
}

/// Whether a program is planned per episode or per patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Planned for each episode its `applies` matches (the default).
    #[default]
    Episode,
    /// Planned for a patient over a horizon by [`crate::rules::RuleSet::plan_patient`].
    Patient,
}

impl Scope {
    fn is_episode(&self) -> bool {
        *self == Scope::Episode
    }
}

/// Which opt-outs stop a program's tasks ([`ProgramDef::opt_outs`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OptOuts {
    /// Every opt-out of a channel, whenever it was given (the default).
    #[default]
    Hold,
    /// For calls, only an opt-out given from the episode's event (its day and time) on;
    /// one given before does not stop the episode's calls: the event is the patient's
    /// own request to be answered (a complaint). Messages keep every opt-out.
    FromEvent,
}

impl OptOuts {
    fn is_hold(&self) -> bool {
        *self == OptOuts::Hold
    }
}

/// `declined`: after a clear refusal, tasks on `stop_channels` are dropped; the others
/// go on until `horizon` after the refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DeclinedDef {
    /// Channels that stop at once (calls, visits), each once.
    #[cfg_attr(any(test, feature = "schema"), schemars(extend("uniqueItems" = true)))]
    pub stop_channels: Vec<Channel>,
    /// How long after the refusal other tasks (messages) go on, an ISO 8601 duration.
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "crate::schema::strings::Duration")
    )]
    pub horizon: String,
}

/// Attribute → allowed values. Keys: `event`, `tag` (any of the patient's tags), or any
/// episode attribute. A single string is the same as a one-element array.
pub type Conditions = BTreeMap<String, Values>;

/// One string or an array of strings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Values(pub Vec<String>);

/// Program-wide defaults for step fields.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Default class ([`StepDef::class`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<crate::replan::PriorityClass>,
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
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::json::objects_opt"
    )]
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
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::DaysOrWeeks>")
    )]
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
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::Expires>")
    )]
    pub expires: Option<String>,
    /// Default of what an unanswered call leads to.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::json::object_opt"
    )]
    pub no_answer: Option<RetryDef>,
    /// Default delay before a task not done goes to a supervisor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        any(test, feature = "schema"),
        schemars(with = "Option<crate::schema::strings::DaysOrWeeks>")
    )]
    pub escalate_after: Option<String>,
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

/// `vocabulary`: values episodes may carry beyond those the program's rules test.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(any(test, feature = "schema"), derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct VocabularyDef {
    /// More events (`"purchase"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(any(test, feature = "schema"), schemars(extend("uniqueItems" = true)))]
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
    #[cfg_attr(any(test, feature = "schema"), schemars(extend("uniqueItems" = true)))]
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

impl crate::json::Expected for TimeOverrideDef {
    const EXPECTED: &'static str =
        "a time override (a JSON object such as {\"tag\": \"night_shift\", \"time\": \"afternoon\"})";
}

impl crate::json::Expected for SampleDef {
    const EXPECTED: &'static str = "a sample (a JSON object such as {\"fraction\": 0.5})";
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
