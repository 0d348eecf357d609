//! The result of running a case file: per case, pass or fail with what differs, located
//! in the file; displayed as a diff a clinic admin can read.

use super::expect::{reason_name, ExpectedDrop, ExpectedTask, Match};
use crate::error::Error;
use crate::plan::task::{Dropped, Task};
use std::fmt;

/// What running one case file gave: one [`CaseResult`] per case, in file order.
///
/// Displayed as the file's name, a `PASS`, `FAIL` or `ERROR` line per case (its JSON
/// pointer, line and name) with what differs under each failure, and a count:
///
/// ```text
/// dental.cases.json
///   PASS /cases/0 (line 3): a filling, no review visit booked
///   FAIL /cases/1 (line 19): a review visit on 6 May
///     tasks (exact):
///       missing    2026-05-05 review-reminder sms nurse  (line 27)
///   2 cases: 1 passed, 1 failed
/// ```
#[derive(Debug, Clone)]
pub struct CaseReport {
    pub(crate) source: String,
    pub(crate) results: Vec<CaseResult>,
}

/// One case's result.
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub(crate) name: String,
    pub(crate) pointer: String,
    pub(crate) line: Option<usize>,
    pub(crate) matching: Match,
    /// The programs compared, when the case names them.
    pub(crate) only: Option<Vec<String>>,
    pub(crate) verdict: Verdict,
    /// Why no program applied, when none did.
    pub(crate) no_program: Option<String>,
}

/// Whether a case passed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Verdict {
    /// The plan is what the case expects.
    Pass,
    /// The plan differs: every difference, tasks by day, then drops, then programs.
    Fail(Vec<Difference>),
    /// The case could not be planned (an episode outside the rules' vocabulary, a limit).
    Error(Error),
}

/// One way a plan differs from what its case expects.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Difference {
    /// An expected task the plan does not have.
    MissingTask(ExpectedTask),
    /// A task of the plan that no expected line describes (exact cases only).
    UnexpectedTask(Box<Task>),
    /// An expected task the plan has with other values: `fields` names them (`due`,
    /// `channel`, `role`, `window`, `owner`).
    TaskDiffers {
        /// The line as written.
        expected: ExpectedTask,
        /// The plan's task.
        actual: Box<Task>,
        /// The fields that differ.
        fields: Vec<&'static str>,
    },
    /// An expected drop the plan does not have.
    MissingDrop(ExpectedDrop),
    /// A drop of the plan that no expected line describes (exact cases only).
    UnexpectedDrop(Dropped),
    /// An expected drop the plan has with another reason or detail.
    DropDiffers {
        /// The line as written.
        expected: ExpectedDrop,
        /// The plan's drop.
        actual: Dropped,
        /// The fields that differ (`reason`, `detail`).
        fields: Vec<&'static str>,
    },
    /// Other programs applied than the case expects (both lists sorted).
    Programs {
        /// The programs the case expects.
        expected: Vec<String>,
        /// The programs that applied.
        actual: Vec<String>,
    },
}

impl CaseReport {
    /// The name of the case file.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Each case's result, in file order.
    pub fn results(&self) -> &[CaseResult] {
        &self.results
    }

    /// True when every case passed.
    pub fn passed(&self) -> bool {
        self.results.iter().all(CaseResult::passed)
    }

    /// How many cases passed.
    pub fn passed_count(&self) -> usize {
        self.results.iter().filter(|r| r.passed()).count()
    }

    /// How many cases failed (a case that could not be planned fails).
    pub fn failed_count(&self) -> usize {
        self.results.len().saturating_sub(self.passed_count())
    }
}

impl CaseResult {
    /// The case's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The case's JSON pointer in its file (`/cases/3`).
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// The line of its file the case starts on.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// Pass, fail with the differences, or an error.
    pub fn verdict(&self) -> &Verdict {
        &self.verdict
    }

    /// True when the plan is what the case expects.
    pub fn passed(&self) -> bool {
        matches!(self.verdict, Verdict::Pass)
    }
}

/// How an entry of the plan is shown: the line a case would write for it, then its id and
/// where it came from.
struct ShowTask<'a>(&'a Task);

impl fmt::Display for ShowTask<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        write!(f, "{} {}", t.due, t.step())?;
        if let Some(d) = t.derived {
            write!(f, "/{d}")?;
        }
        write!(
            f,
            " {} {} {}",
            t.channel().name(),
            t.role().name(),
            t.window
        )?;
        if let Some(o) = &t.owner {
            write!(f, " @{o}")?;
        }
        write!(f, "  [{}", t.id())?;
        if let Some(r) = t.shifted {
            write!(f, ", moved from {} ({})", t.nominal, r.name())?;
        }
        if let Some(r) = &t.record {
            write!(f, ", recorded {}", r.outcome.name())?;
        }
        f.write_str("]")
    }
}

struct ShowDrop<'a>(&'a Dropped);

impl fmt::Display for ShowDrop<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(f, "{} {}", d.step(), reason_name(d.reason))?;
        if let Some(x) = &d.detail {
            write!(f, " {x}")?;
        }
        write!(f, "  [{}", d.id())?;
        if let Some(n) = d.nominal {
            write!(f, ", on {n}")?;
        }
        f.write_str("]")
    }
}

fn at_line(f: &mut fmt::Formatter<'_>, line: Option<usize>, pointer: &str) -> fmt::Result {
    match line {
        Some(l) => write!(f, "  (line {l})"),
        None => write!(f, "  ({pointer})"),
    }
}

const PAD: &str = "      ";

impl fmt::Display for Difference {
    /// One to three lines, indented by six spaces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::MissingTask(e) => {
                write!(f, "{PAD}missing    {e}")?;
                at_line(f, e.line(), e.pointer())
            }
            Difference::UnexpectedTask(t) => write!(f, "{PAD}unexpected {}", ShowTask(t)),
            Difference::TaskDiffers {
                expected,
                actual,
                fields,
            } => {
                write!(
                    f,
                    "{PAD}different  {} in {}",
                    expected.task,
                    fields.join(", ")
                )?;
                at_line(f, expected.line(), expected.pointer())?;
                write!(
                    f,
                    "\n{PAD}  expected {expected}\n{PAD}  actual   {}",
                    ShowTask(actual)
                )
            }
            Difference::MissingDrop(e) => {
                write!(f, "{PAD}missing    {e}")?;
                at_line(f, e.line(), e.pointer())
            }
            Difference::UnexpectedDrop(d) => write!(f, "{PAD}unexpected {}", ShowDrop(d)),
            Difference::DropDiffers {
                expected,
                actual,
                fields,
            } => {
                write!(
                    f,
                    "{PAD}different  {} in {}",
                    expected.task,
                    fields.join(", ")
                )?;
                at_line(f, expected.line(), expected.pointer())?;
                write!(
                    f,
                    "\n{PAD}  expected {expected}\n{PAD}  actual   {}",
                    ShowDrop(actual)
                )
            }
            Difference::Programs { expected, actual } => {
                let list = |v: &[String]| {
                    if v.is_empty() {
                        "none".to_string()
                    } else {
                        v.join(", ")
                    }
                };
                write!(
                    f,
                    "{PAD}expected   {}\n{PAD}actual     {}",
                    list(expected),
                    list(actual)
                )
            }
        }
    }
}

impl fmt::Display for CaseResult {
    /// The case's line, and under a failure what differs, by section.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = match self.verdict {
            Verdict::Pass => "PASS",
            Verdict::Fail(_) => "FAIL",
            Verdict::Error(_) => "ERROR",
        };
        write!(f, "  {word} {}", self.pointer)?;
        if let Some(l) = self.line {
            write!(f, " (line {l})")?;
        }
        write!(f, ": {}", self.name)?;
        match &self.verdict {
            Verdict::Pass => Ok(()),
            Verdict::Error(e) => write!(f, "\n    {e}"),
            Verdict::Fail(diffs) => {
                let section = |d: &Difference| match d {
                    Difference::MissingTask(_)
                    | Difference::UnexpectedTask(_)
                    | Difference::TaskDiffers { .. } => "tasks",
                    Difference::MissingDrop(_)
                    | Difference::UnexpectedDrop(_)
                    | Difference::DropDiffers { .. } => "dropped",
                    Difference::Programs { .. } => "programs",
                };
                let mut current = "";
                for d in diffs {
                    let s = section(d);
                    if s != current {
                        current = s;
                        if s == "programs" {
                            write!(f, "\n    programs:")?;
                        } else {
                            write!(f, "\n    {s} ({}", self.matching.name())?;
                            if let Some(only) = &self.only {
                                write!(f, ", only {}", only.join(", "))?;
                            }
                            f.write_str("):")?;
                        }
                    }
                    write!(f, "\n{d}")?;
                }
                if let Some(why) = &self.no_program {
                    write!(f, "\n    no program applied: {why}")?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for CaseReport {
    /// The file's name, each case, and the count; every line ends with a newline.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The name the host gave, one printable line (audit 98: a file name holding a
        // line break forged a line of the report).
        crate::error::write_one_line(f, &self.source)?;
        writeln!(f)?;
        for r in &self.results {
            writeln!(f, "{r}")?;
        }
        let n = self.results.len();
        writeln!(
            f,
            "  {n} case{}: {} passed, {} failed",
            if n == 1 { "" } else { "s" },
            self.passed_count(),
            self.failed_count()
        )
    }
}
