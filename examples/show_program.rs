//! Prints a program as in effect: its definition after every override, with its source
//! and the overrides that changed it — what a rule author checks before trusting a file.
//!
//! ```text
//! cargo run --example show_program -- laser-aftercare
//! cargo run --example show_program -- --rules builtin --rules examples/rule-overrides/plastic-exact-days.json plastic-aftercare
//! cargo run --example show_program -- --rules my-rules/            # the program ids
//! ```
//!
//! Without an id, lists the programs with their sources. `--rules PATH` (repeatable; the
//! word `builtin` for the built-in programs) as in `callback_calendar`. Errors go to
//! stderr, exit 2.

// Not every helper is used here.
#[allow(dead_code)]
#[path = "support/mod.rs"]
mod support;

use std::path::PathBuf;

fn run() -> Result<String, String> {
    let mut rules = Vec::new();
    let mut id = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rules" => rules.push(PathBuf::from(support::value(&mut args, "--rules")?)),
            "-h" | "--help" => {
                return Ok(format!(
                    "usage: show_program [--rules PATH|builtin]... [PROGRAM_ID]\n\
                     Prints PROGRAM_ID's steps; with no PROGRAM_ID, lists every program with its file\n\
                     (and the overrides that changed it).\n{}",
                    support::EXIT_CODES
                ))
            }
            other if other.starts_with('-') => {
                return Err(format!("unknown argument {other:?}; try --help"))
            }
            other => {
                if let Some(first) = &id {
                    return Err(format!(
                        "one PROGRAM_ID at a time: {first:?} and {other:?}; try --help"
                    ));
                }
                id = Some(other.to_string())
            }
        }
    }
    let rules = support::load_rules(&rules)?;
    let Some(id) = id else {
        let mut out = String::new();
        for d in rules.definitions() {
            out.push_str(&format!("{}  {}", d.program.id, d.source));
            for o in &d.overridden_by {
                out.push_str(&format!(" + {o}"));
            }
            out.push('\n');
        }
        return Ok(out);
    };
    let def = rules.definition(&id).ok_or_else(|| {
        let ids: Vec<&str> = rules.program_ids().collect();
        format!("no program {id:?}: expected one of {}", ids.join(", "))
    })?;
    serde_json::to_string_pretty(def)
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}

fn main() {
    support::finish(run())
}
