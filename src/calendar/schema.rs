//! The JSON Schema of a calendar (feature `schema`): the schema of its JSON form, [`Spec`],
//! with the hand-written schemas of the fields whose serde is written by hand.

use super::spec::{Date, DateNames, DateSet, Hhmm, Spec, WeekdaySet};
use super::Calendar;
use crate::schema::{describe, object, strings};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::json;
use std::borrow::Cow;

impl JsonSchema for Calendar {
    fn schema_name() -> Cow<'static, str> {
        "Calendar".into()
    }

    fn schema_id() -> Cow<'static, str> {
        "followup::calendar::Calendar".into()
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        Spec::json_schema(g)
    }
}

/// The same schema as [`strings::Date`] (one definition).
impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        strings::Date::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        strings::Date::schema_id()
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        strings::Date::json_schema(g)
    }
}

/// The same schema as [`strings::Hhmm`].
impl JsonSchema for Hhmm {
    fn schema_name() -> Cow<'static, str> {
        strings::Hhmm::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        strings::Hhmm::schema_id()
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        strings::Hhmm::json_schema(g)
    }
}

impl JsonSchema for WeekdaySet {
    fn schema_name() -> Cow<'static, str> {
        "Weekdays".into()
    }

    fn schema_id() -> Cow<'static, str> {
        "followup::Weekdays".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        // The reader (chrono) also takes the full names, and any case.
        let mut schema = object(json!({
            "type": "array",
            "items": {"type": "string", "enum": [
                "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
                "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
            ]},
            "uniqueItems": true
        }));
        describe(&mut schema, "Days of the week, `\"Mon\"` … `\"Sun\"`, each once (`\"Mon\"` and `\"Monday\"` are one day).");
        schema
    }
}

impl JsonSchema for DateSet {
    fn schema_name() -> Cow<'static, str> {
        "DateList".into()
    }

    fn schema_id() -> Cow<'static, str> {
        "followup::DateList".into()
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let mut schema = object(json!({
            "type": "array",
            "items": g.subschema_for::<strings::Date>(),
            "uniqueItems": true
        }));
        describe(&mut schema, "An array of dates, `YYYY-MM-DD`, each once.");
        schema
    }
}

impl JsonSchema for DateNames {
    fn schema_name() -> Cow<'static, str> {
        "NamedDates".into()
    }

    fn schema_id() -> Cow<'static, str> {
        "followup::NamedDates".into()
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let mut schema = object(json!({
            "type": "object",
            "propertyNames": {"pattern": format!("^{}$", strings::DATE)},
            "additionalProperties": {"anyOf": [
                {"type": "string", "minLength": 1, "pattern": "\\S"},
                g.subschema_for::<crate::rules::Text>()
            ]}
        }));
        describe(
            &mut schema,
            "Dates (`YYYY-MM-DD`, each once) and the name of each day: one string for every language (`{\"2026-02-17\": \"春节\"}`) or a text (`{\"2026-02-17\": {\"zh\": \"春节\", \"en\": \"Spring Festival\"}}`).",
        );
        schema
    }
}
