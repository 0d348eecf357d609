//! The types almost every host names: `use followup::prelude::*;`.
//!
//! ```
//! use followup::prelude::*;
//!
//! let rules = RuleSet::builtin()?;
//! let episode = rules.read_episode("ep.json", r#"{"id": "ep-1", "event": "procedure",
//!     "at": "2026-03-02T10:00:00", "attributes": {"category": "plastic"},
//!     "patient": {"id": "p-1"}}"#)?;
//! let plan: Plan = rules.plan(&episode, &Calendar::default())?;
//! let first: &Task = &plan.tasks[0];
//! assert_eq!((first.channel(), first.role()), (Channel::Phone, Role::CustomerService));
//! # Ok::<(), followup::Error>(())
//! ```

pub use crate::calendar::Calendar;
pub use crate::episode::{Episode, Patient};
pub use crate::history::History;
pub use crate::plan::{Plan, Task};
pub use crate::rules::{Channel, Lang, Role, RuleSet, Text};
pub use crate::Error;
