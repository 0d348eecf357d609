//! Integration tests, built as one binary to keep build times down.

mod calendars;
mod closed_loop;
mod golden;
mod golden_categories;
mod golden_courses;
mod golden_presales;
mod golden_real_day;
mod greetings;
mod invalid_episodes;
mod invalid_fields;
mod invalid_histories;
mod invalid_rules;
mod lifecycle;
mod notices;
mod properties;
mod replan;
mod rules_folder;
mod samples;
mod sampling;
mod schema_key;
mod shifts;
mod support;
mod tasks;
mod templates;
mod time_windows;
