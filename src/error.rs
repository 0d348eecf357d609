//! The crate's one error type.

use std::fmt;

/// Everything that can go wrong, as values: the library never panics on input.
///
/// Use the `is_*` predicates rather than matching variants; new variants may come.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A rule text is malformed or inconsistent, or exceeds a [`crate::Limits`] bound.
    #[error("{0}")]
    Rule(Box<RuleError>),
    /// An episode cannot be read or planned (bad JSON, a date out of range, a limit).
    #[error("{0}")]
    Episode(Box<InputError>),
    /// A calendar cannot be read or is unusable (every weekday closed, say).
    #[error("{0}")]
    Calendar(Box<InputError>),
    /// A history (what happened to the tasks) cannot be read or used.
    #[error("{0}")]
    History(Box<InputError>),
    /// A clinic notice cannot be read or planned (bad JSON, a bad date, a duplicate id).
    #[error("{0}")]
    Notice(Box<InputError>),
    /// A rule test case file cannot be read (bad JSON, an unknown step, a malformed task
    /// line, an episode or calendar inside it that is refused).
    #[error("{0}")]
    Case(Box<InputError>),
}

/// Where in which rule text something is wrong, and what was expected.
///
/// Displayed as `source: /json/pointer (line L, column C): message`; the line and column
/// are those of the offending value when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub(crate) source: String,
    pub(crate) pointer: String,
    pub(crate) line: Option<usize>,
    pub(crate) column: Option<usize>,
    pub(crate) message: String,
    pub(crate) limit: Option<&'static str>,
}

/// A problem with an episode, a calendar, a history, a notice or a case file given by the
/// caller.
///
/// Displayed as `what: /json/pointer (line L, column C): message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub(crate) what: String,
    pub(crate) pointer: String,
    pub(crate) line: Option<usize>,
    pub(crate) column: Option<usize>,
    pub(crate) message: String,
    pub(crate) limit: Option<&'static str>,
}

/// A shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// True if a rule text is at fault.
    pub fn is_rule(&self) -> bool {
        matches!(self, Error::Rule(_))
    }

    /// True if an episode is at fault.
    pub fn is_episode(&self) -> bool {
        matches!(self, Error::Episode(_))
    }

    /// True if a calendar is at fault.
    pub fn is_calendar(&self) -> bool {
        matches!(self, Error::Calendar(_))
    }

    /// True if a history is at fault.
    pub fn is_history(&self) -> bool {
        matches!(self, Error::History(_))
    }

    /// True if a clinic notice is at fault.
    pub fn is_notice(&self) -> bool {
        matches!(self, Error::Notice(_))
    }

    /// True if a rule test case file is at fault.
    pub fn is_case(&self) -> bool {
        matches!(self, Error::Case(_))
    }

    /// True if a [`crate::Limits`] bound was exceeded.
    pub fn is_limit(&self) -> bool {
        self.limit().is_some()
    }

    /// The name of the [`crate::Limits`] field that was exceeded, if that is the error.
    pub fn limit(&self) -> Option<&'static str> {
        match self {
            Error::Rule(e) => e.limit,
            Error::Episode(e)
            | Error::Calendar(e)
            | Error::History(e)
            | Error::Notice(e)
            | Error::Case(e) => e.limit,
        }
    }

    /// The JSON pointer (`/steps/3/offset`) of the offending value, `""` for the whole text.
    pub fn pointer(&self) -> &str {
        match self {
            Error::Rule(e) => &e.pointer,
            Error::Episode(e)
            | Error::Calendar(e)
            | Error::History(e)
            | Error::Notice(e)
            | Error::Case(e) => &e.pointer,
        }
    }

    /// Line and column (1-based) of the offending value, where known.
    pub fn line_column(&self) -> Option<(usize, usize)> {
        let (line, column) = match self {
            Error::Rule(e) => (e.line, e.column),
            Error::Episode(e)
            | Error::Calendar(e)
            | Error::History(e)
            | Error::Notice(e)
            | Error::Case(e) => (e.line, e.column),
        };
        line.zip(column)
    }
}

impl RuleError {
    /// The name the rule text was given (a file name for files).
    pub fn source_name(&self) -> &str {
        &self.source
    }

    /// What is wrong and what was expected, without the location.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl InputError {
    /// What is wrong and what was expected, without the location.
    pub fn message(&self) -> &str {
        &self.message
    }
}

fn write_location(
    f: &mut fmt::Formatter<'_>,
    what: &str,
    pointer: &str,
    line: Option<usize>,
    column: Option<usize>,
) -> fmt::Result {
    write!(f, "{what}: ")?;
    if pointer.is_empty() {
        write!(f, "(root)")?;
    } else {
        write!(f, "{pointer}")?;
    }
    if let (Some(l), Some(c)) = (line, column) {
        write!(f, " (line {l}, column {c})")?;
    }
    Ok(())
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_location(f, &self.source, &self.pointer, self.line, self.column)?;
        write!(f, ": {}", self.message)
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_location(f, &self.what, &self.pointer, self.line, self.column)?;
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for RuleError {}
impl std::error::Error for InputError {}

/// A location-free problem found while reading JSON; the reader turns it into a
/// [`RuleError`] or [`InputError`] with the source's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located {
    pub pointer: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub limit: Option<&'static str>,
}

impl Located {
    pub(crate) fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Located {
            pointer: pointer.into(),
            line: None,
            column: None,
            message: message.into(),
            limit: None,
        }
    }

    pub(crate) fn limit(mut self, name: &'static str) -> Self {
        self.limit = Some(name);
        self
    }

    pub(crate) fn into_rule(self, source: &str) -> Error {
        Error::Rule(Box::new(RuleError {
            source: source.to_string(),
            pointer: self.pointer,
            line: self.line,
            column: self.column,
            message: self.message,
            limit: self.limit,
        }))
    }

    pub(crate) fn into_input(self, what: &str) -> InputError {
        InputError {
            what: what.to_string(),
            pointer: self.pointer,
            line: self.line,
            column: self.column,
            message: self.message,
            limit: self.limit,
        }
    }

    pub(crate) fn into_episode(self, what: &str) -> Error {
        Error::Episode(Box::new(self.into_input(what)))
    }

    pub(crate) fn into_calendar(self, what: &str) -> Error {
        Error::Calendar(Box::new(self.into_input(what)))
    }

    pub(crate) fn into_history(self, what: &str) -> Error {
        Error::History(Box::new(self.into_input(what)))
    }

    pub(crate) fn into_notice(self, what: &str) -> Error {
        Error::Notice(Box::new(self.into_input(what)))
    }

    pub(crate) fn into_case(self, what: &str) -> Error {
        Error::Case(Box::new(self.into_input(what)))
    }
}
