//! Bounds on the work any input can cause.

use serde::{Deserialize, Serialize};

/// The most characters one language of a title or script may hold (rule files, clinic
/// notices, a history's follow-ups): a call script is a paragraph, a message a few SMS
/// segments. With [`MAX_PLACEHOLDERS`] and [`MAX_VALUE_CHARS`], a filled text stays
/// small whatever the input. A fixed bound, as the two below.
pub const MAX_TEXT_CHARS: usize = 2_000;

/// The most placeholders (`{patient}`…) one language of a text may hold.
pub const MAX_PLACEHOLDERS: usize = 16;

/// The most languages one text may hold (`zh`, `en`, `zh-Hant`…): the bounds above are
/// per language.
pub const MAX_LANGUAGES: usize = 8;

/// The most characters of a value that fills a placeholder: the patient's name, an
/// owner's name, an episode attribute (`procedure`), the clinic's name in a calendar.
pub const MAX_VALUE_CHARS: usize = 200;

/// Every bound the library puts on untrusted input, in one place (with the fixed bounds
/// on texts above: [`MAX_TEXT_CHARS`], [`MAX_PLACEHOLDERS`], [`MAX_LANGUAGES`],
/// [`MAX_VALUE_CHARS`]).
///
/// Exceeding a limit (a field of this struct) is an error that names the limit
/// ([`crate::Error::is_limit`] is true and [`crate::Error::limit`] names it); nothing is
/// ever cut silently. The fixed bounds on texts are no limits a host sets: a text or a
/// value past one is refused as an invalid value (`…/invalid_value`, `is_limit` false),
/// at its pointer, with the bound in the message ("the text has 2001 characters:
/// expected at most 2000"). The defaults are generous for real follow-up programs and small
/// enough that no input can make compiling or planning slow or memory-hungry.
///
/// ```
/// use followup::rules::{Limits, RuleSet};
/// let strict = Limits { max_steps_per_program: 10, ..Limits::default() };
/// let err = RuleSet::builder().limits(strict).builtin().build().unwrap_err();
/// assert!(err.is_limit());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest rule text accepted, in bytes. Default 1 MiB.
    pub max_rule_bytes: usize,
    /// Largest rule set, all its texts together, in bytes. Default 512 KiB: ten times the
    /// built-in programs (50 KiB), and small enough that any rule set we know of compiles
    /// in about 0.1 s and 12 MB (`benches/worst.rs`).
    pub max_rule_set_bytes: usize,
    /// Deepest nesting of JSON arrays and objects in a rule text. Default 32
    /// (a rule file needs 5).
    pub max_json_depth: usize,
    /// Most programs in one rule set. Default 1,000.
    pub max_programs: usize,
    /// Most steps in one program. Default 200.
    pub max_steps_per_program: usize,
    /// Most occurrences one step may produce for one episode (repeats times anchor dates).
    /// Default 366.
    pub max_occurrences_per_step: usize,
    /// Largest offset, in days, between a step and its anchor, either way, and between a
    /// step and the start of its chain of anchors (steps counted one from another: their
    /// offsets together); months count as 31 days for this check. Default 3,720: ten
    /// years (`P10Y` = 120 months × 31).
    pub max_offset_days: u32,
    /// Most dates an episode may give for one milestone (review visits, say). Default 100.
    pub max_milestone_dates: usize,
    /// Most tasks (kept and dropped together) in one plan. Default 2,000: a plan holds
    /// tens to a few hundred tasks (ten years of greetings: about 130; a course of 100
    /// sessions with five follow-ups each: about 500), and any plan within the limit
    /// takes well under 10 ms.
    pub max_tasks_per_plan: usize,
    /// Most facts, and most reassignments, in one episode. Default 1,000 (a patient's
    /// contacts, visits and purchases over years).
    pub max_facts: usize,
    /// Most outcomes and follow-ups in one history passed to planning. Default 10,000.
    pub max_history_entries: usize,
    /// Most clinic notices in one notice text, and given to one
    /// [`crate::rules::RuleSet::plan_notices`]. Default 1,000.
    pub max_notices: usize,
    /// Most overrides in one rule set. Each compiles again the program it changes (a
    /// program of 200 steps: about 1 ms), so their number, not their bytes, is what they
    /// cost. Default 100: a clinic changes a few built-in programs with one override each.
    pub max_overrides: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_rule_bytes: 1 << 20,
            max_rule_set_bytes: 512 << 10,
            max_json_depth: 32,
            max_programs: 1_000,
            max_steps_per_program: 200,
            max_occurrences_per_step: 366,
            max_offset_days: 3_720,
            max_milestone_dates: 100,
            max_tasks_per_plan: 2_000,
            max_facts: 1_000,
            max_history_entries: 10_000,
            max_notices: 1_000,
            max_overrides: 100,
        }
    }
}
