//! Compile: rule model → validated [`Program`]. All checking happens here, once, so that
//! planning only computes.
//!
//! Each check is a small function returning a [`Located`] error that names the JSON
//! pointer of the offending value and says what was expected.

mod anchors;
pub(crate) mod program;
pub(crate) mod repeat;

use crate::error::Located;
use crate::limits::Limits;
use crate::model::{Conditions, ProgramDef, StepDef, TimeDef, TimeOverrideDef, WindowDef};
use crate::offset::Offset;
use crate::plan::task::TaskInfo;
use crate::text::Text;
use crate::time::{NamedWindow, TimeWindow};
pub(crate) use program::{
    Anchor, CondKey, Conds, Declined, Expiry, Milestone, Program, Sample, Step, TimeOverride,
    TimeSpec, Wait, DAY_KINDS,
};
use std::sync::Arc;

/// The only rule format this version reads.
pub const FORMAT: &str = "followup/v1";

/// Compiles one program definition.
pub(crate) fn compile_program(def: &ProgramDef, limits: &Limits) -> Result<Program, Located> {
    if def.format != FORMAT {
        return Err(Located::new(
            "/format",
            format!("unsupported format {:?}: expected {FORMAT:?}", def.format),
        ));
    }
    check_id(&def.id, "/id", "program id")?;
    check_text(&def.name, "/name")?;
    if def.steps.len() > limits.max_steps_per_program {
        return Err(Located::new(
            "/steps",
            format!(
                "the program has {} steps, more than the limit max_steps_per_program ({})",
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
        steps.push(compile_step(s, i, def, limits)?);
    }
    let order = anchors::resolve(def, &milestones, &mut steps)?;
    let declined = match &def.declined {
        Some(d) => Declined {
            stop_channels: d.stop_channels.clone(),
            horizon: offset(&d.horizon, "/declined/horizon", limits)?,
        },
        None => Declined::default(),
    };
    if declined.horizon.negative {
        return Err(Located::new(
            "/declined/horizon",
            "the horizon is negative: expected a zero or positive duration",
        ));
    }
    Ok(Program {
        id: def.id.as_str().into(),
        patient_scope: def.scope == crate::model::Scope::Patient,
        name: def.name.clone(),
        applies,
        milestones,
        steps: order,
        declined,
    })
}

fn compile_step(s: &StepDef, i: usize, def: &ProgramDef, limits: &Limits) -> Result<Step, Located> {
    let at = |field: &str| format!("/steps/{i}/{field}");
    check_id(&s.id, &at("id"), "step id")?;
    let d = &def.defaults;
    let from = s.from.as_deref().unwrap_or("event");
    let per_session = matches!(from, "each_session" | "before_each_upcoming_session");
    let offset = match &s.offset {
        Some(text) => offset(text, &at("offset"), limits)?,
        // "before each upcoming session" is the day before unless the step says otherwise.
        None if from == "before_each_upcoming_session" => Offset {
            negative: true,
            months: 0,
            days: 1,
        },
        None => Offset::ZERO,
    };
    if per_session && s.repeat.is_some() {
        return Err(Located::new(
            at("repeat"),
            format!("\"repeat\" cannot be combined with the anchor {from:?}: expected one task per session"),
        ));
    }
    let sessions = match s.sessions {
        None => (1, None),
        Some(_) if !per_session => {
            return Err(Located::new(
                at("sessions"),
                format!("\"sessions\" needs a session anchor: expected \"from\": \"each_session\" or \"before_each_upcoming_session\", not {from:?}"),
            ))
        }
        Some(r) if r.first == 0 => {
            return Err(Located::new(
                format!("/steps/{i}/sessions/first"),
                "invalid value: integer `0`, expected a session number, 1 or more",
            ))
        }
        Some(r) if r.last.is_some_and(|l| l < r.first) => {
            return Err(Located::new(
                format!("/steps/{i}/sessions/last"),
                format!("last session {} is before the first, {}: expected a session number, {} or more", r.last.unwrap_or(0), r.first, r.first),
            ))
        }
        Some(r) => (r.first, r.last),
    };
    let mut stop_when = Vec::with_capacity(s.stop_when.len());
    for (k, kind) in s.stop_when.iter().enumerate() {
        stop_when.push(fact_kind(kind, &format!("/steps/{i}/stop_when/{k}"))?.into());
    }
    let wait = match &s.wait_for {
        Some(w) => Some(wait(w, &at("wait_for"), limits)?),
        None => None,
    };
    let wait_for = wait.as_ref().map(|w| w.fact.clone());
    let sample = match &s.sample {
        Some(d) => {
            let f = d.fraction.0;
            if !(f > 0.0 && f <= 1.0) {
                return Err(Located::new(
                    format!("/steps/{i}/sample/fraction"),
                    format!("sample fraction {f}: expected a number greater than 0 and at most 1 (0.5 for half the patients)"),
                ));
            }
            let salt = d.salt.as_deref().unwrap_or("");
            if !salt.is_empty() && !is_id(salt) {
                return Err(Located::new(
                    format!("/steps/{i}/sample/salt"),
                    format!(
                        "invalid salt {salt:?}: expected 1 to 64 lower-case letters, digits, '-' or '_', starting with a letter or digit"
                    ),
                ));
            }
            Some(Sample {
                fraction: f,
                always: compile_conds(&d.always, &format!("/steps/{i}/sample/always"))?,
                salt: salt.into(),
            })
        }
        None => None,
    };
    let repeat = match &s.repeat {
        Some(text) => Some(
            repeat::Repeat::compile(text, limits, def.scope == crate::model::Scope::Patient)
                .map_err(|(m, limit)| {
                    let e = Located::new(at("repeat"), m);
                    match limit {
                        Some(l) => e.limit(l),
                        None => e,
                    }
                })?,
        ),
        None => None,
    };
    let time = match (&s.time, &d.time) {
        (Some(t), _) => time(t, &at("time"))?,
        (None, Some(t)) => time(t, "/defaults/time")?,
        (None, None) => TimeSpec::Named(NamedWindow::Day),
    };
    let time_overrides = match (&s.time_overrides, &d.time_overrides) {
        (Some(list), _) => time_overrides(list, &at("time_overrides"))?,
        (None, Some(list)) => time_overrides(list, "/defaults/time_overrides")?,
        (None, None) => Vec::new(),
    };
    let (earliest, latest) = match (&s.window, &d.window) {
        (Some(w), _) => window(w, &at("window"), limits)?,
        (None, Some(w)) => window(w, "/defaults/window", limits)?,
        (None, None) => (0, 0),
    };
    let max_shift = match (&s.max_shift, &d.max_shift) {
        (Some(m), _) => Some(max_shift(m, &at("max_shift"), limits)?),
        (None, Some(m)) => Some(max_shift(m, "/defaults/max_shift", limits)?),
        (None, None) => None,
    };
    let beyond_max_shift = s.beyond_max_shift.or(d.beyond_max_shift);
    let beyond_max_shift = match (max_shift, beyond_max_shift) {
        (Some(_), None) => {
            let here = if s.max_shift.is_some() {
                at("max_shift")
            } else {
                "/defaults/max_shift".to_string()
            };
            return Err(Located::new(
                here,
                "a max_shift needs a declared fallback: expected \"beyond_max_shift\": \"drop\" or \"keep\" in the step or the defaults",
            ));
        }
        (None, Some(_)) if s.beyond_max_shift.is_some() => {
            return Err(Located::new(
                at("beyond_max_shift"),
                "beyond_max_shift without a max_shift: expected \"max_shift\" (such as \"P3D\") in the step or the defaults",
            ));
        }
        (_, b) => b.unwrap_or(crate::model::BeyondMaxShift::Keep),
    };
    let channel = s.channel.or(d.channel).unwrap_or(crate::Channel::Phone);
    let expires = match (&s.expires, &d.expires) {
        (Some(e), _) => expiry(e, &at("expires"), limits)?,
        (None, Some(e)) => expiry(e, "/defaults/expires", limits)?,
        (None, None) => default_expiry(&offset, from, channel, def.scope),
    };
    if expires == Expiry::AtAnchor && !offset.negative {
        let here = if s.expires.is_some() {
            at("expires")
        } else {
            "/defaults/expires".to_string()
        };
        return Err(Located::new(
            here,
            format!("\"at_anchor\" for step {:?}, whose offset is not negative: expected a duration such as \"P7D\" or \"never\" (a task at or after its anchor would expire before it is due)", s.id),
        ));
    }
    if s.picked_by.is_some() && latest <= 0 {
        return Err(Located::new(
            at("picked_by"),
            "a day picked by staff needs a window to pick from: expected a \"window\" such as {\"latest\": \"P26D\"}",
        ));
    }
    check_text(&s.title, &at("title"))?;
    if let Some(script) = &s.script {
        check_text(script, &at("script"))?;
    }
    Ok(Step {
        info: Arc::new(TaskInfo {
            program: def.id.as_str().into(),
            step: s.id.as_str().into(),
            channel,
            role: s.role.or(d.role).unwrap_or(crate::Role::CustomerService),
            picked_by: s.picked_by,
            wait_for,
            title: s.title.clone(),
            script: s.script.clone(),
            // Set when the rule set is built.
            rank: 0,
        }),
        // Resolved by `anchors::resolve`.
        anchor: Anchor::Event,
        offset,
        repeat,
        when: compile_conds(&s.when, &at("when"))?,
        unless: compile_conds(&s.unless, &at("unless"))?,
        sessions,
        stop_when,
        sample,
        time,
        time_overrides,
        earliest,
        latest,
        month_end: s.month_end.or(d.month_end).unwrap_or_default(),
        closed_day: s.closed_day.or(d.closed_day).unwrap_or_default(),
        max_shift,
        beyond_max_shift,
        after_event: s.after_event.or(d.after_event).unwrap_or_default(),
        expires,
        escalation: wait
            .as_ref()
            .filter(|w| w.then == crate::model::WaitThen::Escalate)
            .map(|w| escalation(def, s, &w.fact)),
        wait,
    })
}

/// `wait_for`: a fact kind, with the longest wait (default `P1M`) and what then.
fn wait(w: &crate::model::WaitDef, at: &str, limits: &Limits) -> Result<Wait, Located> {
    let object = w.max.is_some() || w.then.is_some();
    let fact_at = if object {
        format!("{at}/fact")
    } else {
        at.to_string()
    };
    let fact: Arc<str> = fact_kind(&w.fact, &fact_at)?.into();
    let max = match &w.max {
        Some(text) => {
            let here = format!("{at}/max");
            let o = offset(text, &here, limits)?;
            if o.negative || o == Offset::ZERO {
                return Err(Located::new(
                    here,
                    format!("wait {text:?}: expected a positive duration, such as \"P2M\""),
                ));
            }
            o
        }
        None => Offset {
            negative: false,
            months: 1,
            days: 0,
        },
    };
    Ok(Wait {
        fact,
        max,
        then: w.then.unwrap_or_default(),
    })
}

/// The supervisor's task when a wait ends without its fact: internal work, titled after
/// the step.
fn escalation(def: &ProgramDef, s: &StepDef, fact: &str) -> Arc<TaskInfo> {
    Arc::new(TaskInfo {
        program: def.id.as_str().into(),
        step: s.id.as_str().into(),
        channel: crate::Channel::Internal,
        role: crate::Role::Supervisor,
        picked_by: None,
        wait_for: None,
        title: Text::new(
            &format!("跟进：{}（未等到 {fact}）", s.title.zh()),
            &format!("Look into: {} (no {fact} by the end of its wait)", s.title.en()),
        ),
        script: Some(Text::new(
            &format!("等待 {fact} 已到期：了解顾客情况，决定下一步并安排负责人。"),
            &format!("The wait for {fact} is over: find out how the patient is, decide what comes next and who does it."),
        )),
        rank: 0,
    })
}

/// How long a step's tasks are worth doing when the rule does not say: reminders (negative
/// offsets) until their anchor; greetings and other patient-level tasks on their day;
/// same-day messages to the end of their day; other messages 3 days, and calls, visits,
/// mail and internal work 7 days after their last on-time day.
fn default_expiry(
    offset: &Offset,
    from: &str,
    channel: crate::Channel,
    scope: crate::model::Scope,
) -> Expiry {
    use crate::Channel as C;
    let same_day = *offset == Offset::ZERO
        && (from == "event" || from.starts_with("fact:") || from.starts_with("latest:"));
    if offset.negative {
        Expiry::AtAnchor
    } else if scope == crate::model::Scope::Patient {
        Expiry::After(0)
    } else {
        match channel {
            C::Sms | C::Wechat if same_day => Expiry::After(0),
            C::Sms | C::Wechat => Expiry::After(3),
            C::Phone | C::InPerson | C::HomeVisit | C::Mail | C::Internal => Expiry::After(7),
        }
    }
}

/// `"at_anchor"`, `"never"` or a zero or positive duration of days or weeks.
fn expiry(text: &str, at: &str, limits: &Limits) -> Result<Expiry, Located> {
    match text {
        "at_anchor" => Ok(Expiry::AtAnchor),
        "never" => Ok(Expiry::Never),
        _ => {
            let expected = "expected \"at_anchor\", \"never\" or a zero or positive duration of days or weeks after the last on-time day, such as \"P7D\"";
            let o = Offset::parse(text)
                .map_err(|_| Located::new(at, format!("invalid expiry {text:?}: {expected}")))?;
            match o.signed_days() {
                Some(d) if d >= 0 => {
                    offset(text, at, limits)?;
                    Ok(Expiry::After(d))
                }
                _ => Err(Located::new(
                    at,
                    format!("invalid expiry {text:?}: {expected}"),
                )),
            }
        }
    }
}

/// A zero or positive duration of days or weeks: the longest closed-day shift.
fn max_shift(text: &str, at: &str, limits: &Limits) -> Result<i64, Located> {
    let o = offset(text, at, limits)?;
    match o.signed_days() {
        Some(d) if d >= 0 => Ok(d),
        _ => Err(Located::new(
            at,
            format!("max_shift {text:?}: expected a zero or positive duration of days or weeks, such as \"P3D\""),
        )),
    }
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

fn check_text_opt(text: Option<&Text>, at: &str) -> Result<(), Located> {
    text.map_or(Ok(()), |t| check_text(t, at))
}

fn check_text(text: &Text, at: &str) -> Result<(), Located> {
    for (lang, s) in [("zh", text.zh()), ("en", text.en())] {
        if s.trim().is_empty() {
            return Err(Located::new(
                format!("{at}/{lang}"),
                "the text is empty: expected a non-empty text",
            ));
        }
    }
    Ok(())
}

fn offset(text: &str, at: &str, limits: &Limits) -> Result<Offset, Located> {
    let o = Offset::parse(text).map_err(|e| Located::new(at, e.to_string()))?;
    if o.approx_days() > u64::from(limits.max_offset_days) {
        return Err(Located::new(
            at,
            format!(
                "offset {text:?} is about {} days, more than the limit max_offset_days ({})",
                o.approx_days(),
                limits.max_offset_days
            ),
        )
        .limit("max_offset_days"));
    }
    Ok(o)
}

fn compile_conds(conds: &Conditions, at: &str) -> Result<Conds, Located> {
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
        let key = match key.as_str() {
            "event" => CondKey::Event,
            "tag" => CondKey::Tag,
            other => CondKey::Attribute(other.into()),
        };
        out.push((key, values.0.iter().map(|v| v.as_str().into()).collect()));
    }
    Ok(Conds(out))
}

fn time(t: &TimeDef, at: &str) -> Result<TimeSpec, Located> {
    match t {
        TimeDef::Named(name) => NamedWindow::from_name(name).map(TimeSpec::Named).ok_or_else(|| {
            Located::new(
                at,
                format!("unknown time window {name:?}: expected \"morning\", \"afternoon\", \"evening\", \"day\" or {{\"start\": \"HH:MM\", \"end\": \"HH:MM\"}}"),
            )
        }),
        TimeDef::Explicit { start, end } => {
            crate::time::parse_hhmm(start).map_err(|m| Located::new(format!("{at}/start"), m))?;
            crate::time::parse_hhmm(end).map_err(|m| Located::new(format!("{at}/end"), m))?;
            TimeWindow::parse(start, end)
                .map(TimeSpec::Explicit)
                .map_err(|m| Located::new(at, m))
        }
    }
}

fn time_overrides(list: &[TimeOverrideDef], at: &str) -> Result<Vec<TimeOverride>, Located> {
    let mut out = Vec::with_capacity(list.len());
    for (k, o) in list.iter().enumerate() {
        let here = format!("{at}/{k}");
        let tags: Vec<Box<str>> = o
            .tag
            .iter()
            .flat_map(|v| v.0.iter())
            .map(|t| t.as_str().into())
            .collect();
        if o.tag.as_ref().is_some_and(|v| v.0.is_empty()) {
            return Err(Located::new(
                format!("{here}/tag"),
                "no values: expected a tag or a non-empty array of tags",
            ));
        }
        let mut days = 0u8;
        for (j, name) in o.days.iter().enumerate() {
            let bit = DAY_KINDS.iter().position(|k| k == name).ok_or_else(|| {
                Located::new(
                    format!("{here}/days/{j}"),
                    format!(
                        "unknown kind of day {name:?}: expected one of {}",
                        DAY_KINDS.join(", ")
                    ),
                )
            })?;
            days |= 1 << bit;
        }
        if tags.is_empty() && days == 0 {
            return Err(Located::new(
                here,
                "the override has no condition: expected \"tag\", \"days\" or both (set \"time\" for every task)",
            ));
        }
        out.push(TimeOverride {
            tags,
            days,
            time: time(&o.time, &format!("{here}/time"))?,
        });
    }
    Ok(out)
}

fn window(w: &WindowDef, at: &str, limits: &Limits) -> Result<(i64, i64), Located> {
    let days = |text: &str,
                here: String,
                sign_ok: fn(i64) -> bool,
                want: &str|
     -> Result<i64, Located> {
        let o = offset(text, &here, limits)?;
        let d = o.signed_days().ok_or_else(|| {
            Located::new(here.clone(), format!("window {text:?} has months or years: expected days or weeks (\"P2D\", \"P1W\")"))
        })?;
        if sign_ok(d) {
            Ok(d)
        } else {
            Err(Located::new(
                here,
                format!("window {text:?}: expected {want}"),
            ))
        }
    };
    match w {
        WindowDef::Latest(text) => Ok((
            0,
            days(
                text,
                at.to_string(),
                |d| d >= 0,
                "a zero or positive duration",
            )?,
        )),
        WindowDef::Around(text) => {
            let d = days(
                text,
                format!("{at}/around"),
                |d| d >= 0,
                "a zero or positive duration (days either side of the due day)",
            )?;
            Ok((-d, d))
        }
        WindowDef::Range { earliest, latest } => {
            let e = match earliest {
                Some(t) => days(
                    t,
                    format!("{at}/earliest"),
                    |d| d <= 0,
                    "a zero or negative duration (days before the due day)",
                )?,
                None => 0,
            };
            let l = match latest {
                Some(t) => days(
                    t,
                    format!("{at}/latest"),
                    |d| d >= 0,
                    "a zero or positive duration (days after the due day)",
                )?,
                None => 0,
            };
            Ok((e, l))
        }
    }
}
