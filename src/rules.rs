//! Rules: the follow-up programs as written (`ProgramDef` and the types of its fields),
//! compiled into a [`RuleSet`], and what they are made of: offsets, texts, channels and
//! roles, limits, the vocabulary an episode is checked against, and clinic notices.
//!
//! The rule format itself is documented in [`crate::guide::rule_format`].

pub use crate::compile::FORMAT;
pub use crate::limits::{Limits, MAX_LANGUAGES, MAX_PLACEHOLDERS, MAX_TEXT_CHARS, MAX_VALUE_CHARS};
pub use crate::lint::{Lint, Place, WordKind};
pub use crate::model::{
    AfterEvent, AttributeValues, BeyondMaxShift, Channel, ClosedDay, Conditions, DeclinedDef,
    Defaults, Fraction, MilestoneDef, ProgramDef, RetryDef, Role, SampleDef, Scope, SessionRange,
    StepDef, TimeDef, TimeOverrideDef, Values, VocabularyDef, WaitDef, WaitThen, WindowDef,
};
pub use crate::notice::Notice;
pub use crate::offset::{Landing, MonthEnd, Offset, OffsetError};
#[cfg(feature = "builtin-rules")]
pub use crate::ruleset::BUILTIN_RULES;
pub use crate::ruleset::{RuleSet, RuleSetBuilder, SourcedProgram};
pub use crate::sample::sample_draw;
pub use crate::text::{Lang, TagError, Text};
pub use crate::vocabulary::{Vocabulary, ENGINE_FACTS};
