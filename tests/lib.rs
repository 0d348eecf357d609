//! Integration tests, built as one binary to keep build times down.

mod golden;
mod greetings;
mod invalid_rules;
mod rules_folder;
mod support;
