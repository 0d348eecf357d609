//! Rule test cases (`followup::cases`): every built-in program's case files pass
//! (`builtin`), the runner's report and its semantics (`runner`), and malformed case files
//! refused with their exact, located errors (`invalid`).
//!
//! `known-engine-bugs.cases.json` holds the cases written by hand from docs/domain.md and the
//! docs that the planner does not pass yet; `runner` checks that they still fail as
//! reported.

mod builtin;
mod invalid;
mod runner;
