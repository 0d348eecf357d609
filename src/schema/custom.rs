//! Schemas written by hand for the types whose serde is written by hand: each says what
//! that `Deserialize` takes (a string or an array, a name or an object…).

use super::strings::{DaysOrWeeks, Duration, Hhmm, Id, NonPositiveDaysOrWeeks, SafeId, DERIVED};
use super::{describe, object};
use crate::episode::{Dates, Owner};
use crate::model::{
    AttributeValues, ClosedDay, Fraction, MilestoneDef, TimeDef, Values, WaitDef, WaitThen,
    WindowDef,
};
use crate::plan::task::Derived;
use crate::text::Text;
use crate::time::NamedWindow;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::json;
use std::borrow::Cow;

/// What a window's `fixed` means, in the schema.
const FIXED_WINDOW: &str = "The window's days are counted from the rule's day and stay there: a closed day moves the task to a working day inside them, either way, before any day outside them (a promise: \"every callback within 3 days\"); a closure over the whole window leaves the task on time on its day only. Staff-picked windows are always fixed.";

/// The shape of a BCP 47 language tag, as `text::check_tag` checks it.
const LANGUAGE_TAG: &str = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$";

macro_rules! named {
    ($($ty:ty => $name:literal),+ $(,)?) => {$(
        impl JsonSchema for $ty {
            fn schema_name() -> Cow<'static, str> {
                $name.into()
            }

            fn schema_id() -> Cow<'static, str> {
                concat!("followup::", $name).into()
            }

            fn json_schema(g: &mut SchemaGenerator) -> Schema {
                schema_of::<$ty>(g)
            }
        }
    )+};
}

named! {
    Text => "Text",
    Values => "Values",
    AttributeValues => "AttributeValues",
    MilestoneDef => "MilestoneDef",
    WaitDef => "WaitDef",
    TimeDef => "TimeDef",
    WindowDef => "WindowDef",
    Fraction => "Fraction",
    Dates => "Dates",
    Owner => "Owner",
    Derived => "Derived",
}

/// The schema of one of the types above, by its name.
fn schema_of<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    let (value, description) = match &*T::schema_name() {
        "Text" => (text(), "A text in Chinese (`zh`) and English (`en`), both required, and any other language keyed by its BCP 47 tag (`zh-Hant`, `zh-HK`, `ja`); every language non-empty. Tags are compared ignoring case; `zh` and `en` are written in lower case."),
        "Values" => (
            json!({"anyOf": [
                {"type": "string", "minLength": 1, "pattern": "\\S"},
                {"type": "array", "items": {"type": "string", "minLength": 1, "pattern": "\\S"}, "minItems": 1, "uniqueItems": true}
            ]}),
            "One value or a non-empty array of values, none blank and each once; the condition matches when the episode (or patient) has one of them.",
        ),
        "AttributeValues" => (
            json!({"anyOf": [
                {"const": "free", "description": "Any value of the attribute is accepted."},
                {"type": "array", "items": {"type": "string", "minLength": 1, "pattern": "\\S"}, "uniqueItems": true}
            ]}),
            "More values of a closed attribute (none blank, each once), or `free` for an attribute that takes any value.",
        ),
        "MilestoneDef" => (
            json!({"anyOf": [
                {"type": "null", "description": "No default: the episode must give the date."},
                g.subschema_for::<Duration>(),
                {
                    "type": "object",
                    "properties": {
                        "default": {
                            "anyOf": [g.subschema_for::<Duration>(), {"type": "null"}],
                            "description": "The default offset from the event, zero or more: a visit is not before the event (`null`: none)."
                        },
                        "closed_day": optional(g.subschema_for::<ClosedDay>(), "Where the default day moves when the clinic is closed on it (default `next_open_day`); a date the episode gives never moves.")
                    },
                    "additionalProperties": false
                }
            ]}),
            "A milestone (a visit): its default offset from the event (zero or more), `null` for no default, or `{\"default\": \"P7D\", \"closed_day\": \"next_open_day\"}`.",
        ),
        "WaitDef" => (
            json!({"anyOf": [
                g.subschema_for::<Id>(),
                {
                    "type": "object",
                    "properties": {
                        "fact": field(g.subschema_for::<Id>(), "The fact kind waited for (`recovered`)."),
                        "max": optional(g.subschema_for::<Duration>(), "The longest wait after the day the rule gives (default `P1M`)."),
                        "then": optional(g.subschema_for::<WaitThen>(), "What happens when the fact has not come by then (default `proceed`).")
                    },
                    "required": ["fact"],
                    "additionalProperties": false
                }
            ]}),
            "A fact the task waits for: its kind (`recovered`: a month, then the task goes ahead) or `{\"fact\": \"recovered\", \"max\": \"P3M\", \"then\": \"drop\"}`.",
        ),
        "TimeDef" => {
            let names: Vec<&str> = NamedWindow::ALL.iter().map(|w| w.name()).collect();
            (
                json!({"anyOf": [
                    {"type": "string", "enum": names, "description": "A named window; its times come from the calendar."},
                    {
                        "type": "object",
                        "properties": {
                            "start": field(g.subschema_for::<Hhmm>(), "Start, `HH:MM`."),
                            "end": field(g.subschema_for::<Hhmm>(), "End, `HH:MM`, after the start.")
                        },
                        "required": ["start", "end"],
                        "additionalProperties": false
                    }
                ]}),
                "A time of day: `morning`, `afternoon`, `evening`, `day`, or `{\"start\": \"HH:MM\", \"end\": \"HH:MM\"}`.",
            )
        }
        "WindowDef" => (
            json!({"anyOf": [
                g.subschema_for::<DaysOrWeeks>(),
                {
                    "type": "object",
                    "properties": {
                        "earliest": optional(g.subschema_for::<NonPositiveDaysOrWeeks>(), "The first on-time day, a zero or negative duration from the due day."),
                        "latest": optional(g.subschema_for::<DaysOrWeeks>(), "The last on-time day, a zero or positive duration from the due day."),
                        "fixed": {"type": ["boolean", "null"], "description": FIXED_WINDOW}
                    },
                    "additionalProperties": false
                },
                {
                    "type": "object",
                    "properties": {
                        "around": optional(g.subschema_for::<DaysOrWeeks>(), "An approximate day: on time this many days either side of the due day."),
                        "fixed": {"type": ["boolean", "null"], "description": FIXED_WINDOW}
                    },
                    "required": ["around"],
                    "additionalProperties": false
                }
            ]}),
            "How long the task stays on time: a duration of days or weeks after the due day (`P2D`), `{\"earliest\": \"-P1D\", \"latest\": \"P2D\"}`, or `{\"around\": \"P3D\"}` (either with `\"fixed\": true`); no months.",
        ),
        "Fraction" => (
            json!({"type": "number", "exclusiveMinimum": 0, "maximum": 1}),
            "A share of patients, greater than 0 and at most 1 (`0.5`: half).",
        ),
        "Dates" => (
            json!({"anyOf": [
                g.subschema_for::<super::strings::Date>(),
                {"type": "array", "items": g.subschema_for::<super::strings::Date>(), "minItems": 1, "uniqueItems": true}
            ]}),
            "A date `YYYY-MM-DD`, or a non-empty array of dates, each once.",
        ),
        "Owner" => (
            json!({"anyOf": [
                g.subschema_for::<SafeId>(),
                {
                    "type": "object",
                    "properties": {
                        "id": field(g.subschema_for::<SafeId>(), "The staff id, as the host knows it."),
                        "name": {"type": ["string", "null"], "description": "How scripts name them (`{owner}`); when absent (or null, or blank) scripts say the fallback words, 您的顾问, never the id."}
                    },
                    "required": ["id"],
                    "additionalProperties": false
                }
            ]}),
            "A staff member: the id alone (`\"u-17\"`) or `{\"id\": \"u-17\", \"name\": \"李顾问\"}`.",
        ),
        _ => (
            json!({"type": "string", "pattern": format!("^{DERIVED}$")}),
            "What a task made from another occurrence is for, the last part of its id: `escalation`, `attempt-N` (N from 2), `message`, `unanswered`, `overdue`, `abnormal-contact`, `doctor-visit`.",
        ),
    };
    let mut schema = object(value);
    describe(&mut schema, description);
    schema
}

/// A field's schema: the subschema of its type (a `$ref`) with the field's description.
fn field(mut schema: Schema, description: &str) -> serde_json::Value {
    schema.insert("description".into(), description.into());
    schema.to_value()
}

/// An optional field's schema: its type or `null`, which the readers take as the field
/// left out (audit 84: the schema refused the `null` the reader took).
fn optional(schema: Schema, description: &str) -> serde_json::Value {
    json!({"anyOf": [schema.to_value(), {"type": "null"}], "description": description})
}

/// A text: `zh` and `en` required, other language tags optional, none empty or blank.
fn text() -> serde_json::Value {
    let language = |what: &str| json!({"type": "string", "minLength": 1, "pattern": "\\S", "description": what});
    json!({
        "type": "object",
        "properties": {
            "zh": language("Simplified Chinese (简体中文)."),
            "en": language("English.")
        },
        "required": ["zh", "en"],
        "propertyNames": {"pattern": LANGUAGE_TAG},
        "additionalProperties": language("Another language, keyed by its tag (`zh-Hant`…).")
    })
}

/// An `opt_out` fact names its channel, one that reaches the patient.
pub(crate) fn fact_rules(schema: &mut Schema) {
    schema.insert(
        "if".into(),
        json!({"properties": {"kind": {"const": "opt_out"}}, "required": ["kind"]}),
    );
    schema.insert(
        "then".into(),
        json!({"required": ["channel"], "properties": {"channel": {
            "enum": ["phone", "sms", "wechat", "mail", "home_visit"],
            "description": "An opt-out names a way the clinic reaches the patient: not `internal` (the staff's own work) nor `in_person` (the patient's own visit)."
        }}}),
    );
}

/// `to` comes with `rescheduled` only, and always with it; `day` with `picked`. As the
/// reader takes them: `null` is no value (refused where one is needed, let by elsewhere).
pub(crate) fn outcome_rules(schema: &mut Schema) {
    let with = |outcome: &str, field: &str| {
        json!({
            "if": {"properties": {"outcome": {"const": outcome}}, "required": ["outcome"]},
            "then": {"required": [field], "properties": {field: {"not": {"type": "null"}}}},
            "else": {"properties": {field: {"type": "null"}}}
        })
    };
    schema.insert(
        "allOf".into(),
        json!([with("rescheduled", "to"), with("picked", "day")]),
    );
}

/// A time override needs a condition: a `tag`, or `days` (not empty), or both (audit 134:
/// the schema took an override with none, which the reader refuses).
pub(crate) fn time_override_rules(schema: &mut Schema) {
    schema.insert(
        "anyOf".into(),
        json!([
            {"required": ["tag"], "properties": {"tag": {"not": {"type": "null"}, "description": "A tag the patient has."}}},
            {"required": ["days"], "properties": {"days": {"minItems": 1, "description": "At least one kind of day."}}}
        ]),
    );
}
