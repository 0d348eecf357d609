//! Guides: the file formats and the closed loop, as documents (their examples are
//! doctests). The same pages are in the repository's `docs/` folder.

#[doc = include_str!("../docs/rule-format.md")]
pub mod rule_format {}

#[doc = include_str!("../docs/rule-cases.md")]
pub mod rule_cases {}

#[doc = include_str!("../docs/closed-loop.md")]
pub mod closed_loop {}
