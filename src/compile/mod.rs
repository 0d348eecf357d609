//! Compile: rule model → validated [`Program`]. All checking happens here, once, so that
//! planning only computes.
//!
//! Each check is a small function returning a [`Located`] error that names the JSON
//! pointer of the offending value and says what was expected.

mod anchors;
pub(crate) mod dates;
pub(crate) mod decider;
pub(crate) mod derived;
mod fields;
pub(crate) mod program;
pub(crate) mod repeat;
mod repeat_rfc;
mod step;

pub(crate) use fields::time;
use fields::{time_overrides, window};
use step::{expiry, max_shift};

use crate::error::Located;
use crate::limits::Limits;
use crate::model::{Conditions, ProgramDef, StepDef, TimeDef, TimeOverrideDef, WindowDef};
use crate::offset::Offset;
use crate::plan::task::TaskInfo;
use crate::text::Text;
use crate::time::{NamedWindow, TimeWindow};
pub(crate) use program::{
    Anchor, CondKey, Conds, Declined, Expiry, LaneRole, Milestone, Program, RetryThen, Sample,
    Step, TimeOverride, TimeSpec, Wait, DAY_KINDS,
};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The only rule format this version reads.
pub const FORMAT: &str = "followup/v1";

/// Compiles one program definition, with the repeat rules of the rule set so far.
pub(crate) fn compile_program_with(
    def: &ProgramDef,
    limits: &Limits,
    repeats: &mut repeat::RepeatCache,
) -> Result<Program, Located> {
    if def.format != FORMAT {
        return Err(Located::new(
            "/format",
            format!("unsupported format {:?}: expected {FORMAT:?}", def.format),
        ));
    }
    check_id(&def.id, "/id", "program id")?;
    if def.id == crate::notice::NOTICE_PROGRAM {
        return Err(Located::new(
            "/id",
            format!("the program id {:?} is reserved for clinic notices (their task ids are notice/NOTICE/patient:ID/0): expected another id", def.id),
        ));
    }
    if def.id == crate::plan::ledger::FOLLOW_UP {
        return Err(Located::new(
            "/id",
            format!("the program id {:?} is reserved for the follow-ups staff add by hand (their task ids are follow-up/ID/EPISODE/0): expected another id", def.id),
        ));
    }
    check_text(&def.name, "/name")?;
    if def.steps.len() > limits.max_steps_per_program {
        return Err(Located::new(
            "/steps",
            format!(
                "the program has {} steps, more than the limit max_steps_per_program ({}): expected at most that many (split the program, or raise the limit)",
                def.steps.len(),
                limits.max_steps_per_program
            ),
        )
        .limit("max_steps_per_program"));
    }
    if def.steps.is_empty() {
        return Err(Located::new(
            "/steps",
            "the program has no steps: expected at least one",
        ));
    }
    let applies = compile_conds(&def.applies, "/applies")?;
    check_vocabulary(&def.vocabulary)?;
    check_text_opt(def.description.as_ref(), "/description")?;
    // Defaults are checked even when every step overrides them: a typo there is a typo.
    if let Some(t) = &def.defaults.time {
        time(t, "/defaults/time")?;
    }
    if let Some(list) = &def.defaults.time_overrides {
        time_overrides(list, "/defaults/time_overrides")?;
    }
    if let Some(w) = &def.defaults.window {
        window(w, "/defaults/window", limits)?;
    }
    if let Some(m) = &def.defaults.max_shift {
        max_shift(m, "/defaults/max_shift", limits)?;
    }
    if let Some(e) = &def.defaults.expires {
        expiry(e, "/defaults/expires", limits)?;
    }
    if let Some(r) = &def.defaults.no_answer {
        derived::retry_rule(r, "/defaults/no_answer")?;
    }
    if let Some(e) = &def.defaults.escalate_after {
        derived::escalate_after(e, "/defaults/escalate_after", limits)?;
    }
    let mut milestones = Vec::with_capacity(def.milestones.len());
    for (name, m) in &def.milestones {
        let at = pointer(&["milestones", name]);
        check_id(name, &at, "milestone name")?;
        if anchors::RESERVED.contains(&name.as_str()) {
            return Err(Located::new(
                at,
                format!(
                    "{name:?} is reserved ({}): expected another milestone name",
                    anchors::RESERVED.join(", ")
                ),
            ));
        }
        let default = match &m.default {
            // The object form points at its "default" field, the short form at the value.
            Some(text) if m.closed_day.is_some() => {
                Some(offset(text, &format!("{at}/default"), limits)?)
            }
            Some(text) => Some(offset(text, &at, limits)?),
            None => None,
        };
        // A visit comes on or after the event's day, as the dates an episode gives
        // (a suture removal dated before the surgery is refused there as a slip).
        if let (Some(o), Some(text)) = (&default, &m.default)
            && o.negative
            && (o.months, o.days) != (0, 0)
        {
            let at = if m.closed_day.is_some() {
                format!("{at}/default")
            } else {
                at.clone()
            };
            return Err(Located::new(
                at,
                format!("the default {text:?} puts the visit before the event: expected an offset of zero or more, such as \"P7D\" (a visit comes on or after the event's day)"),
            ));
        }
        if m.closed_day.is_some() && default.is_none() {
            return Err(Located::new(
                format!("{at}/closed_day"),
                "a milestone without a default date has nothing to move: expected \"default\" beside \"closed_day\" (the dates an episode gives are never moved)",
            ));
        }
        milestones.push(Milestone {
            name: name.as_str().into(),
            default,
            closed_day: m.closed_day.unwrap_or_default(),
        });
    }
    let mut steps = Vec::with_capacity(def.steps.len());
    for (i, s) in def.steps.iter().enumerate() {
        steps.push(step::compile_step(s, i, def, limits, repeats)?);
    }
    chain_reach(def, &steps, limits)?;
    let order = anchors::resolve(def, &milestones, &mut steps)?;
    let declined = match &def.declined {
        Some(d) => Declined {
            stop_channels: {
                let list = &d.stop_channels;
                if let Some((j, c)) = repeated(list) {
                    return Err(Located::new(
                        format!("/declined/stop_channels/{j}"),
                        format!("{:?} is listed twice: expected each channel once", c.name()),
                    ));
                }
                list.clone()
            },
            horizon: offset(&d.horizon, "/declined/horizon", limits)?,
            opt_outs_from_event: false,
        },
        None => Declined::default(),
    };
    let declined = Declined {
        opt_outs_from_event: def.opt_outs == crate::model::OptOuts::FromEvent,
        ..declined
    };
    if declined.horizon.negative {
        return Err(Located::new(
            "/declined/horizon",
            "the horizon is negative: expected a zero or positive duration",
        ));
    }
    let requires = required(def, &order)?;
    let visits = (order.iter())
        .flat_map(|s| std::iter::once(&s.info).chain(s.derived.each()))
        .filter_map(|i| i.templates.as_ref())
        .fold(0, |bits, t| bits | t.visits);
    let chained = order.iter().any(|s| matches!(s.anchor, Anchor::Step(_)));
    Ok(Program {
        visits,
        chained,
        ranks: (0, 0),
        id: def.id.as_str().into(),
        patient_scope: def.scope == crate::model::Scope::Patient,
        name: def.name.clone(),
        applies,
        requires,
        milestones,
        steps: order,
        declined,
    })
}

/// The program's `requires`: each an attribute some step's `when` or `unless` tests, once.
fn required(def: &ProgramDef, steps: &[Step]) -> Result<Vec<Arc<str>>, Located> {
    let mut out: Vec<Arc<str>> = Vec::with_capacity(def.requires.len());
    for (i, name) in def.requires.iter().enumerate() {
        let at = format!("/requires/{i}");
        if out.iter().any(|r| **r == **name) {
            return Err(Located::new(
                at,
                format!("{name:?} is listed twice: expected each attribute once"),
            ));
        }
        // Every episode has its event, and tags are the patient's: neither is an
        // attribute an episode may lack (audit 80: "no step tests it" when one did).
        if matches!(name.as_str(), "event" | "tag") {
            return Err(Located::new(
                at,
                format!(
                    "{name:?} is no attribute: expected an episode attribute the steps branch on, such as \"setting\" (every episode has its event, and tags are the patient's)"
                ),
            ));
        }
        let tested = (steps.iter())
            .flat_map(|s| s.when.0.iter().chain(&s.unless.0))
            .any(|(key, _)| matches!(key, CondKey::Attribute(a) if **a == **name));
        if !tested {
            return Err(Located::new(
                at,
                format!(
                    "no step's \"when\" or \"unless\" tests {name:?}: expected an attribute the steps branch on"
                ),
            ));
        }
        out.push(name.as_str().into());
    }
    Ok(out)
}

/// A JSON pointer from raw segments.
pub(crate) fn pointer(segments: &[&str]) -> String {
    let mut out = String::new();
    for s in segments {
        crate::json::push_key(&mut out, s);
    }
    out
}

/// Ids of programs, steps, milestones and fact kinds: 1-64 of `a-z 0-9 - _`, starting
/// with a letter or digit.
pub(crate) fn is_id(id: &str) -> bool {
    let mut chars = id.chars();
    id.len() <= 64
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn fact_kind<'a>(kind: &'a str, at: &str) -> Result<&'a str, Located> {
    if is_id(kind) {
        Ok(kind)
    } else {
        Err(Located::new(
            at,
            format!("invalid fact kind {kind:?}: expected 1 to 64 lower-case letters, digits, '-' or '_', starting with a letter or digit (visited, converted, declined, recovered, complaint_resolved…)"),
        ))
    }
}

fn check_id(id: &str, at: &str, what: &str) -> Result<(), Located> {
    if is_id(id) {
        Ok(())
    } else {
        Err(Located::new(
            at,
            format!("invalid {what} {id:?}: expected 1 to 64 lower-case letters, digits, '-' or '_', starting with a letter or digit"),
        ))
    }
}

/// A program's `vocabulary`: no empty event, attribute or value (an empty word widens
/// what episodes may say to nothing anyone meant), fact kinds as `stop_when` takes them.
/// The first item of `list` that repeats one before it, with its index: a rule list
/// names each thing once (audit 161: some lists took a copy-paste slip without a word).
pub(crate) fn repeated<T: PartialEq>(list: &[T]) -> Option<(usize, &T)> {
    (list.iter().enumerate()).find(|(j, x)| list[..*j].contains(x))
}

fn check_vocabulary(v: &crate::model::VocabularyDef) -> Result<(), Located> {
    let empty = |at: String, what: &str, example: &str| {
        Err(Located::new(
            at,
            format!("an empty {what}: expected a word, such as {example:?}"),
        ))
    };
    for (i, e) in v.events.iter().enumerate() {
        if e.trim().is_empty() {
            return empty(format!("/vocabulary/events/{i}"), "event", "purchase");
        }
    }
    for (i, f) in v.facts.iter().enumerate() {
        check_id(f, &format!("/vocabulary/facts/{i}"), "fact kind")?;
    }
    for (what, list) in [("event", &v.events), ("fact", &v.facts)] {
        if let Some((j, x)) = repeated(list) {
            return Err(Located::new(
                format!("/vocabulary/{what}s/{j}"),
                format!("{x:?} is listed twice: expected each {what} once"),
            ));
        }
    }
    for (name, values) in &v.attributes {
        let at = pointer(&["vocabulary", "attributes", name]);
        if name.trim().is_empty() {
            return empty(at, "attribute name", "procedure");
        }
        if let crate::model::AttributeValues::Values(list) = values
            && let Some(j) = list.iter().position(|x| x.trim().is_empty())
        {
            return empty(format!("{at}/{j}"), "attribute value", "hair");
        }
        if let crate::model::AttributeValues::Values(list) = values
            && let Some((j, x)) = repeated(list)
        {
            return Err(Located::new(
                format!("{at}/{j}"),
                format!("{x:?} is listed twice: expected each value once"),
            ));
        }
    }
    Ok(())
}

fn check_text_opt(text: Option<&Text>, at: &str) -> Result<(), Located> {
    text.map_or(Ok(()), |t| check_text(t, at))
}

pub(crate) fn check_text(text: &Text, at: &str) -> Result<(), Located> {
    for (tag, s) in text.iter() {
        if s.trim().is_empty() {
            return Err(Located::new(
                format!("{at}{}", pointer(&[tag])),
                "the text is empty: expected a non-empty text",
            ));
        }
    }
    Ok(())
}

/// A step counted from another step is as far from the event (or milestone) its chain of
/// anchors starts at as their offsets together: within `max_offset_days`, as one offset
/// is (200 steps of `P10Y`, each from the one before, made a task 2,000 years on).
/// Chains that loop are left to the anchors' check, which names the cycle.
fn chain_reach(def: &ProgramDef, steps: &[Step], limits: &Limits) -> Result<(), Located> {
    if def.steps.iter().all(|s| s.from.is_none()) {
        return Ok(());
    }
    let index: BTreeMap<&str, usize> = (def.steps.iter().enumerate())
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let parent = |i: usize| {
        let from = def.steps.get(i)?.from.as_deref()?;
        index.get(from).copied()
    };
    let days = |i: usize| steps.get(i).map_or(0, |s| s.offset.approx_signed_days());
    // Dates a step's repeat gives from each of its anchor's (1 without a COUNT: at least).
    let count = |i: usize| {
        (steps.get(i))
            .and_then(|s| s.repeat.as_ref())
            .and_then(|r| r.count)
            .map_or(1, u64::from)
    };
    for i in 0..steps.len() {
        let (mut sum, mut chain, mut cur) = (days(i), vec![i], i);
        let mut occurrences = count(i);
        let mut looped = false;
        while let Some(p) = parent(cur) {
            if chain.contains(&p) {
                looped = true;
                break;
            }
            sum = sum.saturating_add(days(p));
            occurrences = occurrences.saturating_mul(count(p));
            chain.push(p);
            cur = p;
        }
        if looped {
            continue;
        }
        // The COUNTs along a chain multiply: for any episode (one event, a milestone of
        // one date at least) the step has at least their product of occurrences, so a
        // product past the limit is the rules' error, not the episode's (audit 27: every
        // episode was refused, pointing at its `/milestones`).
        if chain.len() > 1 && occurrences > limits.max_occurrences_per_step as u64 {
            let names: Vec<&str> = (chain.iter().rev())
                .filter_map(|&k| def.steps.get(k).map(|s| s.id.as_str()))
                .collect();
            return Err(Located::new(
                format!("/steps/{i}/from"),
                format!(
                    "the chain of anchors {} gives this step {occurrences} occurrences for each date it starts from (the COUNTs of their repeats multiplied), more than the limit max_occurrences_per_step ({}): expected smaller COUNTs",
                    names.join(" → "),
                    limits.max_occurrences_per_step
                ),
            )
            .limit("max_occurrences_per_step"));
        }
        let reach = sum.unsigned_abs();
        if chain.len() > 1 && reach > u64::from(limits.max_offset_days) {
            let names: Vec<&str> = (chain.iter().rev())
                .filter_map(|&k| def.steps.get(k).map(|s| s.id.as_str()))
                .collect();
            let start = (def.steps.get(cur))
                .and_then(|s| s.from.as_deref())
                .unwrap_or("event");
            return Err(Located::new(
                format!("/steps/{i}/from"),
                format!(
                    "the chain of anchors {start} → {} puts this step about {reach} days from {start:?}, more than the limit max_offset_days ({}): expected the offsets along the chain to add up to at most {} days{}",
                    names.join(" → "),
                    limits.max_offset_days,
                    limits.max_offset_days,
                    // Counted as 31 days a month, when the chain has months (audit 147).
                    if chain.iter().any(|&k| steps.get(k).is_some_and(|s| s.offset.signed_days().is_none())) {
                        " (months count 31)"
                    } else {
                        ""
                    }
                ),
            )
            .limit("max_offset_days"));
        }
    }
    Ok(())
}

fn offset(text: &str, at: &str, limits: &Limits) -> Result<Offset, Located> {
    // Named by its field (audit 144: a `window`, an `expires` or a `max_shift` was
    // called an offset, its months counted though the field takes none).
    let field = at
        .rsplit('/')
        .find(|s| s.parse::<usize>().is_err())
        .unwrap_or("");
    let o = Offset::parse(text).map_err(|e| {
        // A field of days or weeks suggests no months nor a sign it refuses (audit 165:
        // `max_shift: "PT12H"` was offered "P1M" and "-P1D").
        let message = e.to_string();
        let days_or_weeks = matches!(
            field,
            "window" | "earliest" | "latest" | "around" | "max_shift" | "escalate_after"
        );
        match message.split_once("; expected an ISO 8601 duration") {
            Some((why, _)) if days_or_weeks => Located::new(
                at,
                format!("{why}; expected a duration of days or weeks such as \"P3D\" or \"P2W\" (`{field}` takes no months)"),
            ),
            _ => Located::new(at, message),
        }
    })?;
    if o.approx_days() > u64::from(limits.max_offset_days) {
        let what = match field {
            "window" | "earliest" | "latest" | "around" | "expires" | "max_shift"
            | "escalate_after" | "retry_after" | "max" | "horizon" => field,
            _ => "offset",
        };
        let months = if o.signed_days().is_none() {
            " (months count 31)"
        } else {
            ""
        };
        return Err(Located::new(
            at,
            format!(
                "{what} {text:?} is about {} days, more than the limit max_offset_days ({}): expected at most {} days{months}",
                o.approx_days(),
                limits.max_offset_days,
                limits.max_offset_days
            ),
        )
        .limit("max_offset_days"));
    }
    Ok(o)
}

pub(crate) fn compile_conds(conds: &Conditions, at: &str) -> Result<Conds, Located> {
    let mut out = Vec::with_capacity(conds.len());
    for (key, values) in conds {
        let here = format!("{at}{}", pointer(&[key]));
        if key.is_empty() {
            return Err(Located::new(
                here,
                "empty condition key: expected \"event\", \"tag\" or an attribute name",
            ));
        }
        if values.0.is_empty() {
            return Err(Located::new(
                here,
                "no values: expected a string or a non-empty array of strings",
            ));
        }
        // An empty value is a slip of the rule's author (as `[]` is): what a host sends
        // as "" means "not known", which no rule should select by.
        if let Some(j) = values.0.iter().position(|v| v.trim().is_empty()) {
            let at = if values.0.len() == 1 {
                here
            } else {
                format!("{here}/{j}")
            };
            return Err(Located::new(
                at,
                format!(
                    "an empty value: expected the {} to match, such as {:?}",
                    match key.as_str() {
                        "event" => "event",
                        "tag" => "tag",
                        _ => "attribute's value",
                    },
                    match key.as_str() {
                        "event" => "procedure",
                        "tag" => "key_customer",
                        _ => "plastic",
                    }
                ),
            ));
        }
        // A value given twice is a copy-paste slip (audit 161: `["dental", "dental"]` was
        // taken without a word, as `requires` and anchors refuse theirs).
        if let Some((j, v)) = repeated(&values.0) {
            return Err(Located::new(
                format!("{here}/{j}"),
                format!("{v:?} is listed twice: expected each value once"),
            ));
        }
        // What an episode may hold: no condition on a key or a value with a control
        // character can match (audit 96: the rule set took one, and episodes' errors
        // echoed it as a word they might have meant).
        let control = |s: &str| (s.chars().enumerate()).find(|(_, c)| crate::text::unprintable(*c));
        let held = std::iter::once((here.clone(), key.as_str()))
            .chain((values.0.iter().enumerate()).map(|(j, v)| {
                let at = if values.0.len() == 1 {
                    here.clone()
                } else {
                    format!("{here}/{j}")
                };
                (at, v.as_str())
            }))
            .find_map(|(at, s)| Some((at, control(s)?)));
        if let Some((at, (i, c))) = held {
            return Err(Located::new(
                at,
                format!(
                    "the condition holds {} at character {}: expected printable text",
                    crate::text::unprintable_name(c),
                    i + 1
                ),
            ));
        }
        let key = match key.as_str() {
            "event" => CondKey::Event,
            "tag" => CondKey::Tag,
            // Any other key is an attribute's name, but one a slip away from `tag` or
            // `event` is that slip (audit 84: `"unless": {"tga": "key_customer"}` gave key
            // customers the step, without a word).
            other => match crate::vocabulary::nearest(other, &["tag", "event"]) {
                Some(near) => {
                    return Err(Located::new(
                        here,
                        format!(
                            "condition key {other:?}: expected \"tag\" (the patient's tags), \"event\", or an attribute's name; did you mean {near:?}?"
                        ),
                    ));
                }
                None => CondKey::Attribute(other.into()),
            },
        };
        out.push((key, values.0.iter().map(|v| v.as_str().into()).collect()));
    }
    Ok(Conds(out))
}
