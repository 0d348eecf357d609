//! JSON Schemas (draft 2020-12) of the files the library reads and writes, generated from
//! the serde model, so that they cannot drift from it. The repository ships them under
//! `schema/` (rule files name theirs with `"$schema"`, for editors); this module makes
//! them, with the feature `schema` (and in the test suite, which checks that the shipped
//! files are the generated ones and that every sample file validates against its schema).
//!
//! [`files`] gives every schema with its file name; each has a stable `$id`
//! (`urn:followup:schema:v1:rules`…). With the feature, the model's types also implement
//! `schemars::JsonSchema`: a host that describes its own API with schemars (an endpoint
//! taking an [`crate::episode::Episode`] and returning a [`crate::plan::Plan`]) can embed them.

pub(crate) mod custom;
pub(crate) mod strings;
#[cfg(test)]
#[cfg(all(feature = "builtin-rules", feature = "china-calendars"))]
mod tests;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Value};
use std::borrow::Cow;

/// Every schema: its file name under `schema/` and the schema, in a fixed order (rules,
/// episode, calendar, history, notices, plan).
pub fn files() -> [(&'static str, Value); 6] {
    [
        ("rules.schema.json", rules()),
        ("episode.schema.json", episode()),
        ("calendar.schema.json", calendar()),
        ("history.schema.json", history()),
        ("notices.schema.json", notices()),
        ("plan.schema.json", plan()),
    ]
}

/// A rule file (format `followup/v1`): one program, or an array of programs.
pub fn rules() -> Value {
    root::<RuleFile>(
        "rules",
        "followup rule file (format followup/v1)",
        "One follow-up program, or an array of programs. A program names its schema with \"$schema\" (in an array, each program may); the reader ignores it. docs/rule-format.md documents every field.",
        None,
    )
}

/// An episode: one event that starts follow-up, and the patient.
pub fn episode() -> Value {
    root::<crate::episode::Episode>(
        "episode",
        "followup episode",
        "One event that starts follow-up (a procedure, a consultation, a course, a repair, a complaint), with the patient. A top-level \"$schema\" is read and ignored.",
        Some(""),
    )
}

/// A clinic calendar.
pub fn calendar() -> Value {
    root::<crate::calendar::Calendar>(
        "calendar",
        "followup clinic calendar",
        "Which days the clinic, the call desk and the message system work, the kind of each day, the opening hours and the times of the named windows. Every field is optional. A top-level \"$schema\" is read and ignored.",
        Some(""),
    )
}

/// A history: what happened to the tasks of a plan, and follow-ups added by hand.
pub fn history() -> Value {
    root::<crate::history::History>(
        "history",
        "followup history",
        "What happened to the tasks of a plan (outcomes keyed by task id) and the follow-ups staff added by hand, passed back in beside the episode (docs/closed-loop.md). A top-level \"$schema\" is read and ignored.",
        Some(""),
    )
}

/// A notice text: one clinic notice, or an array of them.
pub fn notices() -> Value {
    root::<NoticeFile>(
        "notices",
        "followup clinic notices",
        "One clinic notice, or an array of them: one-off messages or calls on a day the clinic picks (an expert clinic day, a clinic event). A notice object may name its schema with \"$schema\"; the reader ignores it.",
        Some("/$defs/Notice"),
    )
}

/// A plan, as the library writes it.
pub fn plan() -> Value {
    root::<crate::plan::Plan>(
        "plan",
        "followup plan",
        "The plan of one episode (or of a patient's greetings, or of clinic notices) as the library writes it: the tasks, what was dropped and why, the outcomes of the history that changed nothing, and what made the plan.",
        None,
    )
}

/// The `$id` of a schema: a name, not a place (the files are read from the repository or
/// from a copy; nothing is served at a URL). `v1` follows the rule format's version.
fn id(name: &str) -> String {
    format!("urn:followup:schema:v1:{name}")
}

/// The root schema of `T`, with its `$id`, title and description. `document`: the JSON
/// pointer of the object that may name its schema with a `"$schema"` key, which the reader
/// drops (`None` for rule files, whose programs have a `$schema` field, and for the plan).
/// The plan is written, not read: its schema is of the output (fields always written are
/// required).
fn root<T: JsonSchema>(
    name: &str,
    title: &str,
    description: &str,
    document: Option<&str>,
) -> Value {
    let settings = SchemaSettings::draft2020_12();
    let settings = if name == "plan" {
        settings.for_serialize()
    } else {
        settings.for_deserialize()
    };
    let mut schema = settings.into_generator().into_root_schema_for::<T>();
    schema.insert("$id".into(), id(name).into());
    schema.insert("title".into(), title.into());
    schema.insert("description".into(), description.into());
    if let Some(Value::Object(properties)) =
        document.and_then(|at| schema.pointer_mut(&format!("{at}/properties")))
    {
        properties.insert(
            "$schema".into(),
            json!({
                "type": "string",
                "description": "The JSON Schema this file follows, for editors (a path relative to the file, such as \"../schema/episode.schema.json\"). Read and ignored."
            }),
        );
    }
    let mut value = schema.to_value();
    clean(&mut value);
    value
}

/// The text of a schema file: two-space indented JSON and a final newline.
pub fn to_text(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

/// A schema from a JSON object (anything else: the schema that accepts everything, which
/// the literals of this module never are).
pub(crate) fn object(value: Value) -> Schema {
    match value {
        Value::Object(map) => Schema::from(map),
        _ => Schema::default(),
    }
}

/// Sets the description of `schema` (doc comments are cleaned later, with the others).
pub(crate) fn describe(schema: &mut Schema, description: &str) {
    schema.insert("description".into(), description.trim().into());
}

/// A rule file: one program or a non-empty array of programs.
struct RuleFile;

impl JsonSchema for RuleFile {
    fn schema_name() -> Cow<'static, str> {
        "RuleFile".into()
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        // A program, an override, or an array of them (audit 136: an array may hold
        // overrides too).
        let program = g.subschema_for::<crate::rules::ProgramDef>();
        let over = g.subschema_for::<Override>();
        let item = object(json!({"anyOf": [program, over]}));
        let mut schema = one_or_many(item);
        if let Some(Value::Object(one)) = schema.pointer_mut("/anyOf/0") {
            one.insert("description".into(), "One program or one override.".into());
        }
        schema
    }
}

/// An override of a program added before it (docs/rule-format.md, "Overriding a
/// program"): the program's fields to replace or merge, its steps' fields to change
/// (`null` resets a field; `{"enabled": false}` switches a step off), steps to add; or
/// `"enabled": false` alone, to switch the program off (audit 134: the schema refused
/// every override).
struct Override;

impl JsonSchema for Override {
    fn schema_name() -> Cow<'static, str> {
        "Override".into()
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        g.subschema_for::<crate::rules::ProgramDef>();
        let step = g.subschema_for::<crate::model::StepDef>();
        let defs = g.definitions();
        // The program's own field, by reference.
        let field = |name: &str, what: &str| json!({"allOf": [{"$ref": format!("#/$defs/ProgramDef/properties/{name}")}], "description": what});
        // A step's fields, each as in a step or `null` (its default); its id cannot change.
        let mut changes = serde_json::Map::new();
        let names = (defs.get("StepDef"))
            .and_then(|s| s.get("properties"))
            .and_then(Value::as_object)
            .map(|p| {
                p.keys()
                    .filter(|k| k.as_str() != "id")
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        for k in names {
            let what = format!("As a step's `{k}`; null resets it to its default.");
            changes.insert(
                k.clone(),
                json!({"anyOf": [{"$ref": format!("#/$defs/StepDef/properties/{k}")}, {"type": "null"}], "description": what}),
            );
        }
        changes.insert(
            "enabled".into(),
            json!({"type": "boolean", "description": "false switches the step off (nothing else beside it); true changes nothing."}),
        );
        let mut properties = serde_json::Map::new();
        properties.insert(
            "$schema".into(),
            field(
                "$schema",
                "As in a program: the JSON Schema this file follows, for editors.",
            ),
        );
        properties.insert(
            "format".into(),
            field("format", "The rule format, \"followup/v1\"."),
        );
        properties.insert(
            "override".into(),
            json!({"allOf": [{"$ref": "#/$defs/Id"}], "description": "The id of the program to change, added before this text (a built-in one, such as \"laser-aftercare\")."}),
        );
        properties.insert(
            "enabled".into(),
            json!({"type": "boolean", "description": "false switches the program off (alone, beside \"format\" and \"override\")."}),
        );
        for (name, what) in [
            ("name", "Replaces the program's name."),
            ("description", "Replaces the program's description."),
            ("applies", "Replaces the program's applies."),
            ("requires", "Replaces the program's requires."),
            (
                "milestones",
                "Merged into the program's milestones, name by name.",
            ),
            (
                "defaults",
                "Merged into the program's defaults, field by field.",
            ),
            ("declined", "Replaces the program's refusal rule."),
            (
                "opt_outs",
                "Replaces which opt-outs stop the program's tasks.",
            ),
            ("vocabulary", "Merged into the program's vocabulary."),
        ] {
            properties.insert(name.into(), field(name, what));
        }
        properties.insert(
            "steps".into(),
            json!({"type": "object", "description": "Step id -> the fields of that step to change.", "additionalProperties": {"type": "object", "description": "The fields of the step to change.", "properties": changes, "additionalProperties": false}}),
        );
        properties.insert(
            "add_steps".into(),
            json!({"type": "array", "items": step, "description": "Steps added to the program."}),
        );
        object(json!({
            "type": "object",
            "description": "An override of a program added before it (docs/rule-format.md, \"Overriding a program\").",
            "required": ["format", "override"],
            "properties": properties,
            "additionalProperties": false
        }))
    }
}

/// A notice text: one notice or an array of notices.
struct NoticeFile;

impl JsonSchema for NoticeFile {
    fn schema_name() -> Cow<'static, str> {
        "NoticeFile".into()
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let mut schema = one_or_many(g.subschema_for::<crate::rules::Notice>());
        // `[]` is a text with no notices.
        if let Some(Value::Object(array)) = schema.pointer_mut("/anyOf/1") {
            array.remove("minItems");
        }
        schema
    }
}

fn one_or_many(item: Schema) -> Schema {
    object(json!({"anyOf": [item, {"type": "array", "items": item, "minItems": 1}]}))
}

/// Makes the doc comments that became descriptions read as plain text: the first
/// sections only (no code blocks, no `# Errors`), lines joined into paragraphs, rustdoc
/// links reduced to their text.
fn clean(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::String(s) if key == "description" => *s = clean_doc(s),
                    _ => clean(v),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(clean),
        _ => {}
    }
}

/// A link label without its module path: `crate::rules::RuleSet::plan` → `RuleSet::plan`
/// (the path up to the first segment that starts with a capital letter).
fn without_modules(label: &str) -> String {
    let inner = label.trim_matches('`');
    let mut segments: Vec<&str> = inner.split("::").collect();
    while segments.len() > 1
        && segments
            .first()
            .is_some_and(|s| s.starts_with(|c: char| c.is_ascii_lowercase()))
    {
        segments.remove(0);
    }
    let short = segments.join("::");
    if label.starts_with('`') {
        format!("`{short}`")
    } else {
        short
    }
}

fn clean_doc(doc: &str) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in doc.lines().map(str::trim) {
        if line.starts_with("```") || line.starts_with("# ") {
            break;
        }
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
            continue;
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs
        .iter()
        .map(|p| unlink(p))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// `[`Task::id`]` → `` `Task::id` ``, `[text](target)` → `text`; code spans are kept as
/// they are (a JSON array in backticks is no link).
fn unlink(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(['`', '[']) {
        let (before, from) = rest.split_at(i);
        out.push_str(before);
        if let Some(code) = from.strip_prefix('`') {
            let end = code.find('`').map_or(code.len(), |e| e + 1);
            out.push('`');
            out.push_str(code.get(..end).unwrap_or(code));
            rest = code.get(end..).unwrap_or_default();
            continue;
        }
        let inner_end = from.find(']');
        match inner_end {
            Some(e) if !from.get(1..e).unwrap_or_default().contains('[') => {
                let inner = from.get(1..e).unwrap_or_default();
                let after = from.get(e + 1..).unwrap_or_default();
                let (label, next) = match after
                    .strip_prefix('(')
                    .and_then(|a| a.find(')').map(|c| (a, c)))
                {
                    Some((a, c)) => (inner, a.get(c + 1..).unwrap_or_default()),
                    None if inner.starts_with('`') && inner.ends_with('`') => (inner, after),
                    None => {
                        out.push('[');
                        rest = from.get(1..).unwrap_or_default();
                        continue;
                    }
                };
                out.push_str(&without_modules(label));
                rest = next;
            }
            _ => {
                out.push('[');
                rest = from.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}
