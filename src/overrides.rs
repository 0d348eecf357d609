//! Overriding a program without copying it: a clinic file names a program already in the
//! rule set (a built-in one, or one from an earlier source) and changes what it needs —
//! offsets, windows, roles, texts of named steps, steps switched off, steps added.
//!
//! ```json
//! {"format": "followup/v1", "override": "laser-aftercare",
//!  "steps": {"day-3-call": {"offset": "P2D", "role": "onsite_consultant"},
//!            "month-6-call": {"enabled": false}},
//!  "add_steps": [{"id": "week-2-call", "offset": "P14D",
//!                 "title": {"zh": "术后两周回访", "en": "Week-2 call"}}]}
//! ```
//!
//! `{"format": "followup/v1", "override": "session-aftercare", "enabled": false}` switches a
//! program off.
//!
//! The override is merged into the program's definition as JSON, field by field: a field
//! given replaces the program's (`null` resets a step field to its default); `defaults`,
//! `milestones` and `vocabulary` merge key by key; `name`, `description`, `applies`,
//! `requires`, `declined` and `opt_outs` are replaced whole. The result is compiled like any program, and every error
//! names the override file and the pointer of the value at fault in it.

use crate::compile::FORMAT;
use crate::error::Located;
use crate::model::ProgramDef;
use serde_json::{Map, Value};

/// The key that makes a rule text an override.
pub(crate) const OVERRIDE: &str = "override";

/// The top-level fields an override may give.
const FIELDS: [&str; 15] = [
    "$schema",
    "format",
    "override",
    "enabled",
    "name",
    "description",
    "applies",
    "requires",
    "milestones",
    "defaults",
    "declined",
    "opt_outs",
    "vocabulary",
    "steps",
    "add_steps",
];

/// Replaced whole.
const REPLACED: [&str; 6] = [
    "name",
    "description",
    "applies",
    "requires",
    "declined",
    "opt_outs",
];
/// Merged key by key.
const MERGED: [&str; 2] = ["defaults", "milestones"];

/// True when an override switches its program off (`"enabled": false`).
pub(crate) fn switches_off(v: &Value) -> Result<bool, Located> {
    match v.get("enabled") {
        None | Some(Value::Bool(true)) => Ok(false),
        Some(Value::Bool(false)) => {
            let others: Vec<&String> = (v.as_object().into_iter().flat_map(|o| o.keys()))
                .filter(|k| !matches!(k.as_str(), "$schema" | "format" | "override" | "enabled"))
                .collect();
            match others.first() {
                Some(k) => Err(Located::new(
                    pointer(&[k]),
                    format!("{k:?} beside \"enabled\": false: a program switched off has nothing to change; expected only \"format\", \"override\" and \"enabled\""),
                )),
                None => Ok(true),
            }
        }
        Some(other) => Err(Located::new(
            "/enabled",
            format!(
                "invalid enabled {other}: expected true or false (false switches the program off)"
            ),
        )),
    }
}

/// True when a rule text's object is an override.
pub(crate) fn is_override(v: &Value) -> bool {
    v.as_object().is_some_and(|o| o.contains_key(OVERRIDE))
}

/// The id of the program an override names, checked.
pub(crate) fn target(v: &Value) -> Result<&str, Located> {
    match v.get(OVERRIDE) {
        Some(Value::String(id)) if crate::compile::is_id(id) => Ok(id),
        other => Err(Located::new(
            "/override",
            format!(
                "invalid override {}: expected the id of a program added before this text, such as \"laser-aftercare\"",
                other.map_or_else(|| "null".to_string(), |v| v.to_string())
            ),
        )),
    }
}

/// Where each step of the effective program came from, to point errors at the override.
#[derive(Debug, Clone)]
pub(crate) enum Origin {
    /// Unchanged from the program.
    Kept,
    /// Changed by `/steps/<id>`: the fields the override gave.
    Patched(String, Vec<String>),
    /// Added by `/add_steps/<k>`.
    Added(usize),
}

/// A program with an override applied.
pub(crate) struct Applied {
    pub program: ProgramDef,
    /// Where each step came from.
    pub origins: Vec<Origin>,
    /// The ids of the steps the override switched off.
    pub removed: Vec<String>,
}

/// The program `base` with the override `patch` applied, and where its steps came from.
/// `switched_off`: the steps earlier overrides switched off, each with the override's
/// source, named when the patch names one.
pub(crate) fn apply(
    base: &ProgramDef,
    patch: &Value,
    switched_off: &[(&str, &str)],
) -> Result<Applied, Located> {
    let Some(patch) = patch.as_object() else {
        return Err(Located::new("", "expected an override (a JSON object)"));
    };
    for key in patch.keys() {
        if !FIELDS.contains(&key.as_str()) {
            let hint = crate::vocabulary::nearest(key, &FIELDS)
                .map(|n| format!("; did you mean {n:?}?"))
                .unwrap_or_default();
            return Err(Located::new(
                pointer(&[key]),
                format!(
                    "unknown field `{key}` in an override, expected one of {}{hint}",
                    list(&FIELDS)
                ),
            ));
        }
    }
    match patch.get("format") {
        Some(Value::String(f)) if f == FORMAT => {}
        // Named where the override is, as a program's missing format is (audit 80: the
        // pointer `/format` of a key not there had no line and column).
        None => {
            return Err(Located::new(
                "",
                format!("missing field \"format\": expected it in this object ({FORMAT:?})"),
            ))
        }
        other => {
            return Err(Located::new(
                "/format",
                format!(
                    "unsupported format {}: expected {FORMAT:?}",
                    other.map_or_else(|| "(none)".to_string(), |v| v.to_string())
                ),
            ))
        }
    }
    let mut program = match serde_json::to_value(base) {
        Ok(Value::Object(o)) => o,
        _ => return Err(Located::new("", "the program to override cannot be read")),
    };
    for key in REPLACED {
        if let Some(v) = patch.get(key) {
            program.insert(key.into(), v.clone());
        }
    }
    for key in MERGED {
        if let Some(v) = patch.get(key) {
            merge_into(&mut program, key, v, &pointer(&[key]), false)?;
        }
    }
    if let Some(v) = patch.get("vocabulary") {
        vocabulary(&mut program, v)?;
    }
    let mut origins = vec![Origin::Kept; base.steps.len()];
    let mut removed: Vec<usize> = Vec::new();
    let mut steps: Vec<Value> = match program.remove("steps") {
        Some(Value::Array(s)) => s,
        _ => Vec::new(),
    };
    if let Some(changes) = patch.get("steps") {
        let Some(changes) = changes.as_object() else {
            return Err(Located::new(
                "/steps",
                "expected an object of step ids, each with the fields to change, such as {\"day-3-call\": {\"offset\": \"P2D\"}, \"month-6-call\": {\"enabled\": false}}",
            ));
        };
        let ids: Vec<&str> = base.steps.iter().map(|s| s.id.as_str()).collect();
        for (id, change) in changes {
            let here = pointer(&["steps", id]);
            let Some(i) = ids.iter().position(|s| s == id) else {
                if let Some((_, by)) = switched_off.iter().find(|(s, _)| s == id) {
                    return Err(Located::new(
                        here,
                        format!(
                            "step {id:?} of program {:?} was switched off by the override in {by}: expected a step in effect ({}); to bring it back, leave it on there, or add it again with \"add_steps\"",
                            base.id,
                            list(&ids)
                        ),
                    ));
                }
                let hint = crate::vocabulary::nearest(id, &ids)
                    .map(|n| format!("; did you mean {n:?}?"))
                    .unwrap_or_default();
                return Err(Located::new(
                    here,
                    format!(
                        "no step {id:?} in program {:?}: expected one of {}{hint}",
                        base.id,
                        list(&ids)
                    ),
                ));
            };
            let Some(change) = change.as_object() else {
                return Err(Located::new(
                    here,
                    "expected the fields to change (a JSON object such as {\"offset\": \"P2D\"}), or {\"enabled\": false} to switch the step off",
                ));
            };
            if change.contains_key("id") {
                return Err(Located::new(
                    format!("{here}/id"),
                    "a step's id cannot be changed: expected the other fields only (switch the step off and add another to rename it)",
                ));
            }
            match change.get("enabled") {
                Some(Value::Bool(false)) => {
                    // A step switched off has nothing to change: a change beside it would
                    // be silently lost, as beside a program switched off.
                    if let Some(k) = change.keys().find(|k| *k != "enabled") {
                        return Err(Located::new(
                            pointer(&["steps", id, k]),
                            format!("{k:?} beside \"enabled\": false: a step switched off has nothing to change; expected \"enabled\": false alone, or the changes without it"),
                        ));
                    }
                    removed.push(i);
                    continue;
                }
                Some(Value::Bool(true)) | None => {}
                Some(other) => {
                    return Err(Located::new(
                        format!("{here}/enabled"),
                        format!("invalid enabled {other}: expected true or false"),
                    ))
                }
            }
            let mut fields: Vec<String> = Vec::new();
            if let Some(Value::Object(step)) = steps.get_mut(i) {
                for (k, v) in change.iter().filter(|(k, _)| *k != "enabled") {
                    fields.push(k.clone());
                    // `null` resets a field to its default; a step's title has none.
                    if v.is_null() && REQUIRED.contains(&k.as_str()) {
                        return Err(Located::new(
                            pointer(&["steps", id, k]),
                            format!("{k} is null: a step's {k} has no default to reset to; expected a new {k}, or leave it out to keep the step's"),
                        ));
                    }
                    if v.is_null() {
                        step.remove(k);
                    } else {
                        step.insert(k.clone(), v.clone());
                    }
                }
            }
            if let Some(o) = origins.get_mut(i) {
                *o = Origin::Patched(id.clone(), fields);
            }
        }
    }
    removed.sort_unstable();
    let removed_ids: Vec<String> = (removed.iter())
        .filter_map(|&i| base.steps.get(i).map(|s| s.id.clone()))
        .collect();
    for &i in removed.iter().rev() {
        steps.remove(i);
        origins.remove(i);
    }
    if let Some(added) = patch.get("add_steps") {
        let Some(added) = added.as_array() else {
            return Err(Located::new(
                "/add_steps",
                "expected an array of steps, written as in a program's \"steps\"",
            ));
        };
        for (k, step) in added.iter().enumerate() {
            // A step id the program or an earlier added step has: named here, in the
            // override's own terms (audit 80: "also /steps/0/id" pointed into another
            // file).
            let id = step.get("id").and_then(Value::as_str);
            let taken = |s: &Value| s.get("id").and_then(Value::as_str) == id;
            if id.is_some() && steps.iter().any(taken) {
                let was = match steps.iter().position(taken).and_then(|i| origins.get(i)) {
                    Some(Origin::Added(j)) => format!("/add_steps/{j} adds it too"),
                    _ => {
                        "the program has a step of that id (change that one under \"steps\")".into()
                    }
                };
                return Err(Located::new(
                    format!("/add_steps/{k}/id"),
                    format!(
                        "duplicate step id {:?}: {was}: expected another id for the new step",
                        id.unwrap_or_default()
                    ),
                ));
            }
            steps.push(step.clone());
            origins.push(Origin::Added(k));
        }
    }
    program.insert("steps".into(), Value::Array(steps));
    let program: ProgramDef = serde_path_to_error::deserialize(Value::Object(program))
        .map_err(|e| {
            let at = crate::json::pointer_of(e.path());
            // In the words of every other error (audit 272: "missing field `horizon`",
            // with no "expected").
            Located::new(at, crate::json::plain_message(&e.inner().to_string()))
        })
        .map_err(|e| map_error(e, &origins, patch))?;
    Ok(Applied {
        program,
        origins,
        removed: removed_ids,
    })
}

/// `base[key]` merged with the object `v`, key by key (`null` removes a key when
/// `null_removes`).
fn merge_into(
    base: &mut Map<String, Value>,
    key: &str,
    v: &Value,
    at: &str,
    null_removes: bool,
) -> Result<(), Located> {
    let Some(changes) = v.as_object() else {
        return Err(Located::new(
            at,
            format!("expected an object: the {key} to change, key by key"),
        ));
    };
    let entry = base
        .entry(key.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    if let Value::Object(target) = entry {
        for (k, v) in changes {
            if v.is_null() && null_removes {
                target.remove(k);
            } else {
                target.insert(k.clone(), v.clone());
            }
        }
    }
    Ok(())
}

/// `vocabulary`: events and facts are added to the program's; attributes merge by name.
fn vocabulary(program: &mut Map<String, Value>, v: &Value) -> Result<(), Located> {
    let Some(changes) = v.as_object() else {
        return Err(Located::new(
            "/vocabulary",
            "expected a vocabulary (a JSON object)",
        ));
    };
    let entry = program
        .entry("vocabulary".to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(vocab) = entry else {
        return Ok(());
    };
    for (k, v) in changes {
        match (k.as_str(), v) {
            ("events" | "facts", Value::Array(more)) => {
                // A repeat within the override is a slip, as in a program (audit 168);
                // one the program has already is merged.
                if let Some((j, m)) = crate::compile::repeated(more) {
                    let what = if k == "events" { "event" } else { "fact" };
                    return Err(Located::new(
                        format!("/vocabulary/{k}/{j}"),
                        format!("{m} is listed twice: expected each {what} once"),
                    ));
                }
                let list = vocab
                    .entry(k.clone())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(list) = list {
                    for m in more {
                        if !list.contains(m) {
                            list.push(m.clone());
                        }
                    }
                }
            }
            ("attributes", Value::Object(_)) => {
                merge_into(vocab, "attributes", v, "/vocabulary/attributes", false)?;
            }
            _ => {
                // Left to the program's reader, which says what is expected.
                vocab.insert(k.clone(), v.clone());
            }
        }
    }
    Ok(())
}

/// An error found in the effective program, pointed at the override where it can be: a
/// field the override gave, a step it added, a section it changed. Other errors name the
/// pointer in the effective program.
pub(crate) fn map_error(e: Located, origins: &[Origin], patch: &Map<String, Value>) -> Located {
    map_out(e, origins, patch)
}

/// [`map_error`] for an error compiling the effective program, saying so when a step
/// counts from one the override switched off.
pub(crate) fn map_compile_error(
    mut e: Located,
    applied: &Applied,
    patch: &Map<String, Value>,
) -> Located {
    let gone = (applied.removed.iter())
        .find(|id| e.message.starts_with(&format!("unknown anchor {id:?}")));
    if let Some(gone) = gone {
        let step = (e.pointer.split('/').nth(2))
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| applied.program.steps.get(i))
            .map_or("a step", |s| s.id.as_str());
        e.message = format!(
            "step {step:?} counts from {gone:?}, which this override switches off: expected {step:?} switched off too, or given another \"from\""
        );
        e.pointer = pointer(&["steps", gone]);
        return e;
    }
    map_out(e, &applied.origins, patch)
}

fn map_out(mut e: Located, origins: &[Origin], patch: &Map<String, Value>) -> Located {
    let segments: Vec<&str> = e.pointer.split('/').skip(1).collect();
    if let (Some(&"steps"), Some(i)) = (segments.first(), segments.get(1)) {
        let i: Option<usize> = i.parse().ok();
        match i.and_then(|i| origins.get(i)) {
            Some(Origin::Added(k)) => {
                let rest: String = segments.iter().skip(2).map(|s| format!("/{s}")).collect();
                e.pointer = format!("/add_steps/{k}{rest}");
                return e;
            }
            Some(Origin::Patched(id, fields)) => {
                let field = segments.get(2).copied().unwrap_or("");
                let mut at = pointer(&["steps", id]);
                if fields.iter().any(|f| f == field) {
                    let rest: String = segments.iter().skip(2).map(|s| format!("/{s}")).collect();
                    at.push_str(&rest);
                }
                e.pointer = at;
                return e;
            }
            _ => {}
        }
    }
    let top = segments.first().copied().unwrap_or("");
    let given_by_override = top != "steps" && patch.contains_key(top);
    // Given by the override, but not at that pointer (its `null` made the base's value
    // conflict): at the deepest part of it the override gives (audit 161: a pointer that
    // is only in the base program's file, with no line or column).
    let whole = Value::Object(patch.clone());
    if given_by_override && whole.pointer(&e.pointer).is_none() {
        let mut at = e.pointer.clone();
        while whole.pointer(&at).is_none() {
            match at.rfind('/') {
                Some(i) => at.truncate(i),
                None => break,
            }
        }
        e.message = format!(
            "{} (at {} of the program as overridden)",
            e.message, e.pointer
        );
        e.pointer = at;
        return e;
    }
    if !e.pointer.is_empty() && !given_by_override {
        // Not a value the override gave: the override as a whole is at fault.
        e.message = format!(
            "{} (at {} of the program as overridden)",
            e.message, e.pointer
        );
        e.pointer = "/override".into();
    }
    e
}

/// Step fields an override may not reset with `null`: they have no default.
const REQUIRED: [&str; 1] = ["title"];

fn pointer(segments: &[&str]) -> String {
    crate::compile::pointer(segments)
}

fn list(items: &[&str]) -> String {
    items.join(", ")
}
