//! Checks of the time-of-day and window fields, shared by steps and program defaults.

use super::*;

pub(crate) fn time(t: &TimeDef, at: &str) -> Result<TimeSpec, Located> {
    match t {
        TimeDef::Named(name) => NamedWindow::from_name(name).map(TimeSpec::Named).ok_or_else(|| {
            Located::new(
                at,
                format!(
                    "unknown time window {name:?}: expected \"morning\", \"afternoon\", \"evening\", \"day\" or {{\"start\": \"HH:MM\", \"end\": \"HH:MM\"}}{}",
                    // A typo gets its word (audit 187: "afternon").
                    crate::vocabulary::nearest(name, &["morning", "afternoon", "evening", "day"])
                        .map(|n| format!("; did you mean {n:?}?"))
                        .unwrap_or_default()
                ),
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

pub(super) fn time_overrides(
    list: &[TimeOverrideDef],
    at: &str,
) -> Result<Vec<TimeOverride>, Located> {
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
        if tags.iter().any(|t| t.trim().is_empty()) {
            return Err(Located::new(
                format!("{here}/tag"),
                "an empty tag: expected the tag to match, such as \"night_shift\"",
            ));
        }
        let mut days = 0u8;
        for (j, name) in o.days.iter().enumerate() {
            let bit = DAY_KINDS.iter().position(|k| k == name).ok_or_else(|| {
                Located::new(
                    format!("{here}/days/{j}"),
                    format!(
                        "unknown kind of day {name:?}: expected one of {}{}",
                        DAY_KINDS.join(", "),
                        crate::vocabulary::nearest(name, &DAY_KINDS)
                            .map(|n| format!("; did you mean {n:?}?"))
                            .unwrap_or_default()
                    ),
                )
            })?;
            if days & (1 << bit) != 0 {
                return Err(Located::new(
                    format!("{here}/days/{j}"),
                    format!("{name:?} is listed twice: expected each kind of day once"),
                ));
            }
            days |= 1 << bit;
        }
        if tags.is_empty() && days == 0 {
            return Err(Located::new(
                here,
                "the override has no condition: expected \"tag\", \"days\" or both (set \"time\" for every task)",
            ));
        }
        // The first that matches wins: one that matches only where an earlier one does
        // never applies (audit 180: the same override twice was taken without a word).
        if let Some(j) = out.iter().position(|earlier| covers(earlier, &tags, days)) {
            return Err(Located::new(
                here,
                format!(
                    "the override never applies: {at}/{j} matches every task it matches, and the first that matches wins: expected a condition no earlier override covers (or this one listed first)"
                ),
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

/// True if `earlier` matches every task an override of `tags` (any of them) and `days`
/// (a bit per kind of day; none: every day) matches.
fn covers(earlier: &TimeOverride, tags: &[Box<str>], days: u8) -> bool {
    let by_tag = earlier.tags.is_empty()
        || (!tags.is_empty() && tags.iter().all(|t| earlier.tags.contains(t)));
    // Every kind of day listed is every day (audit 188: `{"tag": "vip"}` after an
    // override listing all four kinds was taken).
    let every = (1u8 << DAY_KINDS.len()) - 1;
    let by_day = earlier.days & every == 0
        || earlier.days & every == every
        || (days != 0 && days & !earlier.days == 0);
    by_tag && by_day
}

/// A window's (earliest, latest) days from the due day, and whether it is `fixed`.
pub(super) fn window(
    w: &WindowDef,
    at: &str,
    limits: &Limits,
) -> Result<(i64, i64, bool), Located> {
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
            false,
        )),
        WindowDef::Around { around, fixed } => {
            let d = days(
                around,
                format!("{at}/around"),
                |d| d >= 0,
                "a zero or positive duration (days either side of the due day)",
            )?;
            Ok((-d, d, *fixed))
        }
        WindowDef::Range {
            earliest,
            latest,
            fixed,
        } => {
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
            Ok((e, l, *fixed))
        }
    }
}
