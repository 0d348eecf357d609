//! The strings of the file formats that have a shape: ids, dates, times, durations,
//! anchors. Each is a type that only stands for its schema (`#[schemars(with = "…")]` on a
//! field); the patterns follow the readers (`src/time.rs`, `src/offset.rs`,
//! `src/compile/`), which stay the judges: a pattern says the shape, the reader also
//! checks what a pattern cannot (that a day exists, that an anchor names a step).

use super::object;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::json;
use std::borrow::Cow;

/// One run of digits of an ISO 8601 duration part: at most 6 digits (the reader's limit).
const N: &str = "[0-9]{1,6}";

/// The parts `[nY][nM][nW][nD]`, at least one, in that order.
fn ymwd() -> String {
    format!("({N}Y({N}M)?({N}W)?({N}D)?|{N}M({N}W)?({N}D)?|{N}W({N}D)?|{N}D)")
}

/// The parts `[nW][nD]`, at least one.
fn wd() -> String {
    format!("({N}W({N}D)?|{N}D)")
}

/// The shape of a date as the readers take it (`is_date_shape`), with months 01-12 and
/// days 01-31; whether the day exists is the reader's to say.
pub(crate) const DATE: &str = "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])";

/// `HH:MM` on a 24-hour clock.
const HHMM: &str = "([01][0-9]|2[0-3]):[0-5][0-9]";

/// The derived part of a task id (`Derived::name`): attempts are numbered from 2.
pub(crate) const DERIVED: &str =
    "(escalation|message|unanswered|overdue|abnormal-contact|doctor-visit|attempt-([2-9]|[1-9][0-9]+))";

/// A repeat rule's parts, as `compile/repeat.rs` allows them: `FREQ` one of its values,
/// `INTERVAL` and `COUNT` whole numbers from 1, the others any value (their syntax is the
/// reader's to check).
fn rrule() -> String {
    use crate::compile::repeat::{FREQS, KEYS};
    let others: Vec<&str> = KEYS
        .iter()
        .copied()
        .filter(|k| !["FREQ", "INTERVAL", "COUNT"].contains(k))
        .collect();
    let part = format!(
        "(FREQ=({})|(INTERVAL|COUNT)=[1-9][0-9]*|({})=[^;=]+)",
        FREQS.join("|"),
        others.join("|")
    );
    format!("{part}(;{part})*")
}

/// A rule id (`is_id`): program, step, milestone, fact kind, notice and follow-up ids.
pub(crate) const ID: &str = "[a-z0-9][a-z0-9_-]{0,63}";

macro_rules! shapes {
    ($($(#[doc = $doc:literal])+ $name:ident => $body:expr;)+) => {$(
        $(#[doc = $doc])+
        pub(crate) struct $name;

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn schema_id() -> Cow<'static, str> {
                concat!("followup::schema::", stringify!($name)).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                let mut schema = object($body);
                super::describe(&mut schema, concat!($($doc, "\n"),+));
                schema
            }
        }
    )+};
}

/// `{"type": "string", "pattern": "^(…)$"}`: the whole string, whatever alternatives `p`
/// has at its top level.
fn pattern(p: &str) -> serde_json::Value {
    json!({"type": "string", "pattern": format!("^({p})$")})
}

shapes! {
    /// A day, `YYYY-MM-DD` (two-digit month and day, such as `2026-03-02`).
    Date => pattern(DATE);
    /// Clinic wall-clock time, no zone: `YYYY-MM-DDTHH:MM:SS`, `YYYY-MM-DDTHH:MM`, or a
    /// day alone (`YYYY-MM-DD`, midnight).
    DateTime => pattern(&format!("{DATE}(T{HHMM}(:[0-5][0-9])?)?"));
    /// A time of day, `HH:MM` on a 24-hour clock (`09:00`, `14:30`).
    Hhmm => pattern(HHMM);
    /// An id: 1 to 64 lower-case letters, digits, `-` or `_`, starting with a letter or
    /// digit.
    Id => pattern(ID);
    /// An id of the host's data (episode, patient, staff): 1 to 64 of `A-Z a-z 0-9 . _ -`,
    /// not dots alone (a task id is `program/step/episode/occurrence`).
    SafeId => pattern("(?!\\.+$)[A-Za-z0-9._-]{1,64}");
    /// An ISO 8601 duration of days, weeks, months or years, with an optional sign
    /// (`P1D`, `-P1D`, `P2W`, `P1M`, `P1Y2M3W4D`); months come before days.
    Offset => pattern(&format!("[+-]?P{}", ymwd()));
    /// A zero or positive ISO 8601 duration of days, weeks, months or years (`P6M`).
    Duration => pattern(&format!("\\+?P{}", ymwd()));
    /// A positive ISO 8601 duration of days, weeks, months or years, not zero (`P2M`,
    /// `P60D`).
    PositiveDuration => pattern(&format!("(?=.*[1-9])\\+?P{}", ymwd()));
    /// A zero or positive duration of days or weeks (`P0D`, `P2D`, `P1W`).
    DaysOrWeeks => pattern(&format!("\\+?P{}", wd()));
    /// `at_anchor` (until the day before the anchor: reminders), `never`, or a zero or
    /// positive duration of days or weeks after the last on-time day (`P7D`).
    Expires => pattern(&format!("at_anchor|never|\\+?P{}", wd()));
    /// How long after an unanswered call to try again, 1 minute to 7 days: `PT30M`,
    /// `PT2H`, `P1D`, `P1DT2H`, `P1W`.
    RetryDelay => pattern(&format!("(?=.*[0-9])P({N}W)?({N}D)?(T(?=[0-9])({N}H)?({N}M)?)?"));
    /// An RFC 5545 RRULE: `KEY=VALUE` parts separated by `;`, `FREQ` daily to yearly,
    /// bounded by `COUNT` (`FREQ=MONTHLY;BYMONTHDAY=1,15;COUNT=6`).
    RRule => pattern(&rrule());
    /// The id of a task as a plan gives it: `program/step/episode/occurrence`, with the
    /// derived part of a task the loop made (`…/0/attempt-2`).
    TaskId => pattern(&format!("[^/]+/[^/]+/[^/]+/(0|[1-9][0-9]*)(/{DERIVED})?"));
    /// A zero or negative duration of days or weeks (`-P1D`, `P0D`): the first on-time
    /// day, counted back from the due day.
    NonPositiveDaysOrWeeks => pattern(&format!("-P{}|\\+?P(0{{1,6}}W(0{{1,6}}D)?|0{{1,6}}D)", wd()));
    /// A text with something in it (not empty, not only spaces).
    NonBlank => json!({"type": "string", "minLength": 1, "pattern": "\\S"});
    /// A whole number from 1 (a session number, a package size).
    Positive => json!({"type": "integer", "minimum": 1, "maximum": u32::MAX});
}

/// The anchor a step counts from (`from`).
pub(crate) struct Anchor;

impl JsonSchema for Anchor {
    fn schema_name() -> Cow<'static, str> {
        "Anchor".into()
    }

    fn schema_id() -> Cow<'static, str> {
        "followup::schema::Anchor".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let festivals: Vec<&str> = crate::lunar::LunarFestival::ALL
            .iter()
            .map(|f| f.id())
            .collect();
        let day = "(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])";
        let mut schema = object(pattern(&format!(
            "{ID}|fact:{ID}|latest:{ID}(,{ID})*|festival:({})|date:{day}",
            festivals.join("|")
        )));
        super::describe(
            &mut schema,
            "The anchor: `event`, a milestone of the program, `each_session`, \
             `before_each_upcoming_session`, `course_end`, `one_session_left`, `fact:KIND`, \
             `latest:KIND` (or `latest:KIND,KIND`), the id of another step; in patient-level \
             programs `birthday`, `festival:NAME`, `date:MM-DD` or `as_of`.",
        );
        schema
    }
}

/// A kind of day, as `time_overrides` name them.
pub(crate) struct DayKind;

impl JsonSchema for DayKind {
    fn schema_name() -> Cow<'static, str> {
        "DayKindName".into()
    }

    fn schema_id() -> Cow<'static, str> {
        "followup::schema::DayKindName".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let mut schema = object(json!({"type": "string", "enum": crate::compile::DAY_KINDS}));
        super::describe(&mut schema, "A kind of day, from the calendar.");
        schema
    }
}

shapes! {
    /// What follows the last unanswered call of a `no_answer` rule: `sms` or `wechat` (the
    /// rule's `message` to the patient, by default a request to call back), `escalate` (a
    /// supervisor's task) or `drop`.
    RetryThen => json!({"type": "string", "enum": ["sms", "wechat", "drop", "escalate"]});
    /// The channels a clinic notice can use: a notice is a message or a call.
    NoticeChannel => json!({"type": "string", "enum": ["sms", "wechat", "phone", "mail"]});
    /// The channels a patient can opt out of: the ways the clinic reaches them
    /// (`internal` is the staff's own work, `in_person` the patient's own visit).
    OptOutChannel => json!({"type": "string", "enum": ["phone", "sms", "wechat", "mail", "home_visit"]});
    /// Why the calendar closes the task's channel on its due day (`Task::closed`): the
    /// task was kept there on purpose, for whoever is on duty.
    ClosedReason => json!({"type": "string", "enum": [
        "closed_weekday", "closed_date", "holiday", "weekend", "call_desk_closed", "messages_closed"
    ]});
}

/// A map whose keys are ids (milestone names).
pub(crate) struct IdMap<V>(std::marker::PhantomData<V>);

impl<V: JsonSchema> JsonSchema for IdMap<V> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("IdMap_of_{}", V::schema_name()).into()
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        object(json!({
            "type": "object",
            "propertyNames": {"pattern": format!("^{ID}$")},
            "additionalProperties": g.subschema_for::<V>()
        }))
    }
}

/// The rule format's name.
pub(crate) struct Format;

impl JsonSchema for Format {
    fn schema_name() -> Cow<'static, str> {
        "Format".into()
    }

    fn schema_id() -> Cow<'static, str> {
        "followup::schema::Format".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        object(json!({"type": "string", "const": crate::rules::FORMAT}))
    }
}

/// A map whose keys are roles (an episode's owners).
pub(crate) struct RoleMap<V>(std::marker::PhantomData<V>);

impl<V: JsonSchema> JsonSchema for RoleMap<V> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("RoleMap_of_{}", V::schema_name()).into()
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let roles: Vec<&str> = crate::rules::Role::ALL.iter().map(|r| r.name()).collect();
        object(json!({
            "type": "object",
            "propertyNames": {"enum": roles},
            "additionalProperties": g.subschema_for::<V>()
        }))
    }
}

/// Conditions: keys (`event`, `tag`, an attribute name; never empty) to one value or a
/// non-empty array of values.
pub(crate) struct Conditions;

impl JsonSchema for Conditions {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Conditions".into()
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        object(json!({
            "type": "object",
            "propertyNames": {"minLength": 1, "pattern": "\\S"},
            "additionalProperties": g.subschema_for::<crate::rules::Values>()
        }))
    }
}
