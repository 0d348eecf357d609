//! Compiling one step: its anchor's offset, repeat rule, conditions, facts and waits,
//! time of day, windows, closed-day policy and expiry, with the defaults of its program.

use super::fields::{time, time_overrides, window};
use super::*;

pub(super) fn compile_step(
    s: &StepDef,
    i: usize,
    def: &ProgramDef,
    limits: &Limits,
    repeats: &mut repeat::RepeatCache,
) -> Result<Step, Located> {
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
    if let Some((k, kind)) = super::repeated(&s.stop_when) {
        return Err(Located::new(
            format!("/steps/{i}/stop_when/{k}"),
            format!("fact kind {kind:?} is listed twice: expected each kind once"),
        ));
    }
    for (k, kind) in s.stop_when.iter().enumerate() {
        stop_when.push(fact_kind(kind, &format!("/steps/{i}/stop_when/{k}"))?.into());
    }
    let wait = match &s.wait_for {
        Some(w) => Some(wait(w, &at("wait_for"), limits)?),
        None => None,
    };
    let wait_for = wait.as_ref().map(|w| w.fact.clone());
    if let Some(name) = &s.until {
        if def.scope == crate::model::Scope::Patient {
            return Err(Located::new(
                at("until"),
                format!("\"until\": {name:?} in a patient-level program: expected no \"until\" (a patient-level plan has no event, so its milestones would count from the horizon's first day, and a task would be kept or dropped with the horizon asked)"),
            ));
        }
        if s.from.as_deref() == Some(name.as_str()) {
            return Err(Located::new(
                at("until"),
                format!("\"until\": {name:?} is the milestone the step counts from: expected another milestone (a step counted from a milestone's days cannot stop at them)"),
            ));
        }
    }
    let until = match &s.until {
        Some(name) => Some(def.milestones.keys().position(|m| m == name).ok_or_else(|| {
            let names: Vec<&str> = def.milestones.keys().map(String::as_str).collect();
            let expected = if names.is_empty() {
                "this program has no milestones: expected a program with a \"milestones\" entry of that name (a step stops at a milestone, as a ward visit at the discharge)".to_string()
            } else {
                format!("expected one of the program's milestones ({})", names.join(", "))
            };
            Located::new(
                at("until"),
                format!("unknown milestone {name:?} in \"until\": {expected}"),
            )
        })?),
        None => None,
    };
    let sample = match &s.sample {
        Some(d) => {
            let f = d.fraction.0;
            if !(f > 0.0 && f <= 1.0) {
                return Err(Located::new(
                    format!("/steps/{i}/sample/fraction"),
                    format!("sample fraction {f}: expected a number greater than 0 and at most 1 (0.5 for half the patients)"),
                ));
            }
            // Left out: no salt; given, an id ("" would silently be the same draw as
            // every unsalted step's).
            let salt = d.salt.as_deref().unwrap_or("");
            if d.salt.is_some() && !is_id(salt) {
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
            repeats
                .compile(text, limits, def.scope == crate::model::Scope::Patient)
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
    let (earliest, latest, fixed_window) = match (&s.window, &d.window) {
        (Some(w), _) => window(w, &at("window"), limits)?,
        (None, Some(w)) => window(w, "/defaults/window", limits)?,
        (None, None) => (0, 0, false),
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
    let channel = s
        .channel
        .or(d.channel)
        .unwrap_or(crate::rules::Channel::Phone);
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
        // A window given with no day after the rule's: at its "latest".
        let (here, message) = match (&s.window, &d.window) {
            (Some(_), _) => (at("window"), "a day picked by staff needs days to pick from, and this window ends on the rule's day: expected a positive \"latest\" such as \"P26D\""),
            (None, Some(_)) => ("/defaults/window".to_string(), "a day picked by staff needs days to pick from, and the default window ends on the rule's day: expected a \"window\" on the step with a positive \"latest\" such as \"P26D\""),
            (None, None) => (at("picked_by"), "a day picked by staff needs a window to pick from: expected a \"window\" such as {\"latest\": \"P26D\"}"),
        };
        return Err(Located::new(here, message));
    }
    check_text(&s.title, &at("title"))?;
    if let Some(script) = &s.script {
        check_text(script, &at("script"))?;
    }
    let milestones: Vec<&str> = def.milestones.keys().map(String::as_str).collect();
    let mut texts = crate::template::step_texts(
        &s.title,
        s.script.as_ref(),
        &format!("/steps/{i}"),
        from,
        &milestones,
    )?;
    crate::template::no_own_visit_if(s.repeat.is_some(), &mut texts);
    // A patient has no event to name (audit 72: "那天生日快乐").
    if def.scope == crate::model::Scope::Patient
        && let Some(field) = texts.templates.as_ref().and_then(|t| t.naming_the_event())
    {
        return Err(Located::new(
            at(&field),
            "{when:event} names the day of an episode's event, and a patient-level programme has none: expected another placeholder, or none",
        ));
    }
    let role = s
        .role
        .or(d.role)
        .unwrap_or(crate::rules::Role::CustomerService);
    let mut infos = derived::DerivedInfos::default();
    let retry = match (&s.no_answer, &d.no_answer) {
        (Some(_), _) if channel != crate::rules::Channel::Phone => {
            return Err(Located::new(
                at("no_answer"),
                format!("\"no_answer\" is for calls, and this step's channel is {}: expected \"channel\": \"phone\", or no \"no_answer\"", channel.name()),
            ))
        }
        (Some(r), _) => Some(derived::retry_rule(r, &at("no_answer"))?),
        // A program's default applies to its calls.
        (None, Some(r)) if channel == crate::rules::Channel::Phone => {
            Some(derived::retry_rule(r, "/defaults/no_answer")?)
        }
        _ => None,
    };
    if let Some(r) = &retry {
        // The message after the last try: the step's rule's, else the program default's
        // (whichever gave the rule).
        let message = match (&s.no_answer, &d.no_answer) {
            (Some(r), _) => r.message.as_ref().map(|m| (m, at("no_answer/message"))),
            (None, Some(r)) => {
                (r.message.as_ref()).map(|m| (m, "/defaults/no_answer/message".into()))
            }
            _ => None,
        };
        // Checked where it is written: compiled again as the message's script, an
        // error would name the step's script (audit 72).
        if let Some((m, here)) = &message {
            // Sent by a message only (audit 72: accepted with "drop", never sent).
            if !matches!(r.then, super::program::RetryThen::Message(_)) {
                return Err(Located::new(
                    here.clone(),
                    "a \"message\" is sent after the last unanswered call only when \"then\" is \"sms\" or \"wechat\": expected one of them, or no \"message\"",
                ));
            }
            check_text(m, here)?;
            let session = crate::template::SessionFrom::of_anchor(from);
            crate::template::compile(m, here, session, from, &milestones)?;
        }
        derived::retry_infos(
            r,
            def,
            s,
            role,
            &mut infos,
            i,
            from,
            message.map(|(m, _)| m),
        )?;
    }
    let escalate_after = match (&s.escalate_after, &d.escalate_after) {
        (Some(e), _) => Some(derived::escalate_after(e, &at("escalate_after"), limits)?),
        (None, Some(e)) => Some(derived::escalate_after(
            e,
            "/defaults/escalate_after",
            limits,
        )?),
        (None, None) => None,
    };
    if escalate_after.is_some() {
        infos.overdue = Some(derived::overdue(def, s, i, from)?);
    }
    if let Some(w) = wait
        .as_ref()
        .filter(|w| w.then == crate::model::WaitThen::Escalate)
    {
        infos.wait_escalation = Some(derived::wait_escalation(def, s, &w.fact, i, from)?);
    }
    Ok(Step {
        info: Arc::new(TaskInfo {
            program: def.id.as_str().into(),
            step: s.id.as_str().into(),
            channel,
            role,
            picked_by: s.picked_by,
            wait_for,
            class: s.class.or(def.defaults.class),
            on_duty: s.closed_day.or(def.defaults.closed_day)
                == Some(crate::model::ClosedDay::Keep),
            title: texts.title,
            script: texts.script,
            templates: texts.templates,
            // Set when the rule set is built.
            rank: 0,
            slot: crate::plan::task::NO_SLOT,
            json: Default::default(),
        }),
        // Resolved by `anchors::resolve`.
        anchor: Anchor::Event,
        lane: super::program::LaneRole { role, from_fact: 0 },
        offset,
        repeat,
        when: compile_conds(&s.when, &at("when"))?,
        unless: compile_conds(&s.unless, &at("unless"))?,
        sessions,
        stop_when,
        until,
        sample,
        time,
        time_overrides,
        earliest,
        latest,
        fixed_window,
        month_end: s.month_end.or(d.month_end).unwrap_or_default(),
        closed_day: s.closed_day.or(d.closed_day).unwrap_or_default(),
        max_shift,
        beyond_max_shift,
        after_event: s.after_event.or(d.after_event).unwrap_or_default(),
        expires,
        wait,
        retry,
        escalate_after,
        derived: infos,
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

/// How long a step's tasks are worth doing when the rule does not say: reminders (negative
/// offsets) until their anchor; greetings and other patient-level tasks on their day;
/// same-day messages to the end of their day; other messages 3 days, and calls, visits,
/// mail and internal work 7 days after their last on-time day.
fn default_expiry(
    offset: &Offset,
    from: &str,
    channel: crate::rules::Channel,
    scope: crate::model::Scope,
) -> Expiry {
    use crate::rules::Channel as C;
    let same_day = *offset == Offset::ZERO
        && (from == "event" || from.starts_with("fact:") || from.starts_with("latest:"));
    if offset.negative {
        Expiry::AtAnchor
    } else if scope == crate::model::Scope::Patient {
        Expiry::After(0)
    } else {
        match channel {
            C::Sms | C::Wechat if same_day => Expiry::SameDay,
            C::Sms | C::Wechat => Expiry::After(crate::notice::MESSAGE_GRACE_DAYS as i64),
            C::Phone | C::InPerson | C::HomeVisit | C::Mail | C::Internal => {
                Expiry::After(crate::notice::CALL_GRACE_DAYS as i64)
            }
        }
    }
}

/// `"at_anchor"`, `"never"` or a zero or positive duration of days or weeks.
pub(super) fn expiry(text: &str, at: &str, limits: &Limits) -> Result<Expiry, Located> {
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
pub(super) fn max_shift(text: &str, at: &str, limits: &Limits) -> Result<i64, Located> {
    let o = offset(text, at, limits)?;
    match o.signed_days() {
        Some(d) if d >= 0 => Ok(d),
        _ => Err(Located::new(
            at,
            format!("max_shift {text:?}: expected a zero or positive duration of days or weeks, such as \"P3D\""),
        )),
    }
}
