//! The checks of a list of notices, each naming the JSON pointer of the offending value
//! and what was expected: the data slips of one notice, unique ids, the limit, and the
//! audience against a rule set's vocabulary.

use super::Notice;
use crate::error::Located;
use crate::limits::Limits;
use crate::model::Channel;
use crate::vocabulary::Vocabulary;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The channels a notice may use: messages and calls.
pub(super) const CHANNELS: [Channel; 4] =
    [Channel::Sms, Channel::Wechat, Channel::Phone, Channel::Mail];

/// Where notice `i` is: `/i` in an array, the root for one notice.
pub(crate) fn prefix(many: bool, i: usize) -> String {
    if many {
        format!("/{i}")
    } else {
        String::new()
    }
}

/// `e`, its pointer under notice `i` (built only on error: plans check every notice).
fn under(many: bool, i: usize, mut e: Located) -> Located {
    e.pointer = format!("{}{}", prefix(many, i), e.pointer);
    e
}

/// Checks every notice of a list (`many`: read from an array, pointers start with the
/// index), then that ids are unique and the list within `max_notices`. The first problem
/// in list order is the error.
pub(crate) fn check_list(list: &[Notice], many: bool, limits: &Limits) -> Result<(), Located> {
    if list.len() > limits.max_notices {
        return Err(Located::new(
            prefix(many, limits.max_notices),
            format!(
                "{} notices, more than the limit max_notices ({}): expected at most {}",
                list.len(),
                limits.max_notices,
                limits.max_notices
            ),
        )
        .limit("max_notices"));
    }
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, n) in list.iter().enumerate() {
        one(n, limits).map_err(|e| under(many, i, e))?;
        if let Some(&first) = ids.get(n.id.as_str()) {
            return Err(under(
                many,
                i,
                Located::new(
                    "/id",
                    format!(
                        "duplicate notice id {:?} (also {}/id): expected each notice id once",
                        n.id,
                        prefix(many, first)
                    ),
                ),
            ));
        }
        ids.insert(&n.id, i);
    }
    Ok(())
}

/// The checks of one notice, pointers from the notice.
fn one(n: &Notice, limits: &Limits) -> Result<(), Located> {
    if !crate::compile::is_id(&n.id) {
        return Err(Located::new(
            "/id",
            format!("invalid notice id {:?}: expected 1 to 64 lower-case letters, digits, '-' or '_', starting with a letter or digit", n.id),
        ));
    }
    // A slip of the year (0000, 99999): a notice's days, its spread, grace and event
    // included, stay in the years plans are written in (0001 to 9999).
    {
        use chrono::Datelike;
        if !crate::time::RECORDED_YEARS.contains(&n.send_on.year()) {
            return Err(Located::new(
                "/send_on",
                format!(
                    "the notice goes out on {}: expected a day of the years 1900 to 9899 (the years of real records: a day outside them is a placeholder or a slip)",
                    n.send_on
                ),
            ));
        }
    }
    if let Some(event) = n.event_day {
        if event < n.send_on {
            return Err(Located::new(
                "/event_day",
                format!(
                    "the event on {event} is before the notice goes out on {}: expected an event day on or after send_on",
                    n.send_on
                ),
            ));
        }
        let days = (event - n.send_on).num_days();
        if days > i64::from(limits.max_offset_days) {
            return Err(Located::new(
                "/event_day",
                format!(
                    "the event is {days} days after the notice goes out, more than the limit max_offset_days ({}): expected an event within {} days of send_on",
                    limits.max_offset_days, limits.max_offset_days
                ),
            )
            .limit("max_offset_days"));
        }
    }
    if n.expires().is_none() {
        return Err(Located::new(
            "/send_on",
            format!(
                "{} is too close to the end of the supported date range: expected a real day",
                n.send_on
            ),
        ));
    }
    if !CHANNELS.contains(&n.channel) {
        return Err(Located::new(
            "/channel",
            format!(
                "a notice cannot go by {}: expected sms, wechat, phone or mail (a notice is a message or a call)",
                n.channel.name()
            ),
        ));
    }
    crate::compile::time(&n.time, "/time")?;
    crate::compile::compile_conds(&n.audience, "/audience")?;
    if let Some(sample) = &n.sample {
        let f = sample.fraction.0;
        if !(f > 0.0 && f <= 1.0) {
            return Err(Located::new(
                "/sample/fraction",
                format!("sample fraction {f}: expected a number greater than 0 and at most 1 (0.08 for 8 % of the patients)"),
            ));
        }
        if let Some(salt) = sample.salt.as_deref().filter(|s| !crate::compile::is_id(s)) {
            return Err(Located::new(
                "/sample/salt",
                format!("invalid salt {salt:?}: expected 1 to 64 lower-case letters, digits, '-' or '_', starting with a letter or digit"),
            ));
        }
        crate::compile::compile_conds(&sample.always, "/sample/always")?;
    }
    if let Some(text) = &n.spread {
        spread(n, text, limits)?;
    }
    crate::compile::check_text(&n.title, "/title")?;
    if let Some(script) = &n.script {
        crate::compile::check_text(script, "/script")?;
    }
    // Placeholders as in rule files: an unknown one, or a text past its bounds, is an
    // error of the notice text when it is read, at its own pointer.
    let texts = crate::template::notice_texts(&n.title, n.script.as_ref())?;
    // A notice is the patient's, as a patient-level programme's task is: it has no
    // event to name (audit 78: it took one of the patient's episodes' days).
    if let Some(field) = texts.templates.as_ref().and_then(|t| t.naming_the_event()) {
        return Err(Located::new(
            format!("/{field}"),
            "{when:event} names the day of an episode's event, and a notice is the patient's: expected another placeholder, or none",
        ));
    }
    Ok(())
}

/// The checks of a notice's `spread`: a positive duration whose span ends within the
/// supported dates and `max_offset_days`, not after the event day.
fn spread(n: &Notice, text: &str, limits: &Limits) -> Result<(), Located> {
    let offset =
        crate::offset::Offset::parse(text).map_err(|e| Located::new("/spread", e.to_string()))?;
    let expected = "expected a positive duration such as \"P60D\", \"P8W\" or \"P2M\" (the span the patients' days are spread over, from send_on)";
    if offset.negative || (offset.months == 0 && offset.days == 0) {
        return Err(Located::new(
            "/spread",
            format!("spread {text:?} is not positive: {expected}"),
        ));
    }
    let Some(days) = n.spread_days() else {
        return Err(Located::new(
            "/spread",
            format!(
                "spread {text:?} from {} ends outside the supported date range: {expected}",
                n.send_on
            ),
        ));
    };
    if days > limits.max_offset_days {
        return Err(Located::new(
            "/spread",
            format!(
                "spread {text:?} is {days} days, more than the limit max_offset_days ({}): expected a spread within {} days",
                limits.max_offset_days, limits.max_offset_days
            ),
        )
        .limit("max_offset_days"));
    }
    // The last day of the span: send_on + days - 1, within range (the end is).
    let last = n
        .send_on
        .checked_add_days(chrono::Days::new(u64::from(days) - 1))
        .unwrap_or(n.send_on);
    if let Some(event) = n.event_day.filter(|e| last > *e) {
        return Err(Located::new(
            "/spread",
            format!(
                "spread {text:?} runs to {last}, after the event on {event}: expected a spread that ends by the event day (a notice after its event is worthless)"
            ),
        ));
    }
    if n.expires_after(last).is_none() {
        return Err(Located::new(
            "/spread",
            format!("spread {text:?} runs to {last}, too close to the end of the supported date range: expected a shorter spread"),
        ));
    }
    Ok(())
}

/// Checks the audience of every notice against `vocabulary`: the events and the values of
/// closed attributes are the rules'; tags are free. The message lists the accepted values
/// and the nearest one, as for episodes.
pub(crate) fn check_vocabulary(
    list: &[Notice],
    many: bool,
    vocabulary: &Vocabulary,
) -> Result<(), Located> {
    for (i, n) in list.iter().enumerate() {
        let always = n.sample.as_ref().map(|s| (&s.always, "/sample/always"));
        for (conds, place) in std::iter::once((&n.audience, "/audience")).chain(always) {
            conditions(conds, vocabulary, || format!("{}{place}", prefix(many, i)))?;
        }
    }
    Ok(())
}

/// Checks one notice's conditions (its audience, its sample's `always`) against
/// `vocabulary`; `place` is their pointer, built only on error.
fn conditions(
    conds: &crate::model::Conditions,
    vocabulary: &Vocabulary,
    place: impl Fn() -> String,
) -> Result<(), Located> {
    {
        for (key, values) in conds {
            // Built only on error: plans check every notice.
            let at = || format!("{}{}", place(), crate::compile::pointer(&[key]));
            let (what, known): (&str, Option<Vec<&str>>) = match key.as_str() {
                "tag" => continue,
                "event" => ("event", vocabulary.events().map(Iterator::collect)),
                name => {
                    if !vocabulary.attributes().any(|a| a == name) {
                        let all = vocabulary.attributes().map(Arc::from).collect();
                        let mut e = crate::vocabulary::unknown(&at(), "attribute", name, &all);
                        e.message.push_str(
                            " (an audience tests the attributes the rules know, or \"tag\" or \"event\")",
                        );
                        return Err(e);
                    }
                    (
                        name,
                        vocabulary.attribute_values(name).map(Iterator::collect),
                    )
                }
            };
            // None: any event (a program applies to all), a free attribute.
            let Some(known) = known else { continue };
            let unknown = values
                .0
                .iter()
                .enumerate()
                .find(|(_, v)| !known.contains(&v.as_str()));
            if let Some((j, v)) = unknown {
                // One value points at the key's value, a list at its element.
                let here = if values.0.len() == 1 {
                    at()
                } else {
                    format!("{}/{j}", at())
                };
                let known: BTreeSet<Arc<str>> = known.into_iter().map(Arc::from).collect();
                return Err(crate::vocabulary::unknown(&here, what, v, &known));
            }
        }
    }
    Ok(())
}
