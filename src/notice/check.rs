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
const CHANNELS: [Channel; 4] = [Channel::Sms, Channel::Wechat, Channel::Phone, Channel::Mail];

/// Where notice `i` is: `/i` in an array, the root for one notice.
pub(crate) fn prefix(many: bool, i: usize) -> String {
    if many {
        format!("/{i}")
    } else {
        String::new()
    }
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
        let at = prefix(many, i);
        one(n, &at, limits)?;
        if let Some(first) = ids.insert(&n.id, i) {
            ids.insert(&n.id, first);
            return Err(Located::new(
                format!("{at}/id"),
                format!(
                    "duplicate notice id {:?} (also {}/id): expected each notice id once",
                    n.id,
                    prefix(many, first)
                ),
            ));
        }
    }
    Ok(())
}

/// The checks of one notice at `at`.
fn one(n: &Notice, at: &str, limits: &Limits) -> Result<(), Located> {
    if !crate::compile::is_id(&n.id) {
        return Err(Located::new(
            format!("{at}/id"),
            format!("invalid notice id {:?}: expected 1 to 64 lower-case letters, digits, '-' or '_', starting with a letter or digit", n.id),
        ));
    }
    if let Some(event) = n.event_day {
        if event < n.send_on {
            return Err(Located::new(
                format!("{at}/event_day"),
                format!(
                    "the event on {event} is before the notice goes out on {}: expected an event day on or after send_on",
                    n.send_on
                ),
            ));
        }
        let days = (event - n.send_on).num_days();
        if days > i64::from(limits.max_offset_days) {
            return Err(Located::new(
                format!("{at}/event_day"),
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
            format!("{at}/send_on"),
            format!(
                "{} is too close to the end of the supported date range: expected a real day",
                n.send_on
            ),
        ));
    }
    if !CHANNELS.contains(&n.channel) {
        return Err(Located::new(
            format!("{at}/channel"),
            format!(
                "a notice cannot go by {}: expected sms, wechat, phone or mail (a notice is a message or a call)",
                n.channel.name()
            ),
        ));
    }
    crate::compile::time(&n.time, &format!("{at}/time"))?;
    crate::compile::compile_conds(&n.audience, &format!("{at}/audience"))?;
    crate::compile::check_text(&n.title, &format!("{at}/title"))?;
    if let Some(script) = &n.script {
        crate::compile::check_text(script, &format!("{at}/script"))?;
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
        for (key, values) in &n.audience {
            let at = format!(
                "{}/audience{}",
                prefix(many, i),
                crate::compile::pointer(&[key])
            );
            // One value points at the key's value, a list at its element.
            let here = |j: usize| {
                if values.0.len() == 1 {
                    at.clone()
                } else {
                    format!("{at}/{j}")
                }
            };
            let known: Option<BTreeSet<Arc<str>>> = match key.as_str() {
                "tag" => None,
                "event" => vocabulary.events().map(|e| e.map(Arc::from).collect()),
                name => {
                    if !vocabulary.attributes().any(|a| a == name) {
                        let all = vocabulary.attributes().map(Arc::from).collect();
                        let mut e = crate::vocabulary::unknown(&at, "attribute", name, &all);
                        e.message.push_str(
                            " (an audience tests the attributes the rules know, or \"tag\" or \"event\")",
                        );
                        return Err(e);
                    }
                    vocabulary
                        .attribute_values(name)
                        .map(|v| v.map(Arc::from).collect())
                }
            };
            let Some(known) = known else { continue };
            if let Some((j, v)) =
                (values.0.iter().enumerate()).find(|(_, v)| !known.contains(v.as_str()))
            {
                let what = if key == "event" {
                    "event"
                } else {
                    key.as_str()
                };
                return Err(crate::vocabulary::unknown(&here(j), what, v, &known));
            }
        }
    }
    Ok(())
}
