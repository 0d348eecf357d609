//! [`RuleSet`]: compiled programs, built from rule texts or the built-in library.

use crate::compile::{compile_program_with, Program};
use crate::episode::Episode;
use crate::error::{Located, Result};
use crate::limits::Limits;
use crate::model::ProgramDef;
use crate::overrides;
use crate::text::Text;
use crate::vocabulary::Vocabulary;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::Arc;

/// The built-in rule files, embedded at build time (no IO at run time).
#[cfg(feature = "builtin-rules")]
#[cfg_attr(docsrs, doc(cfg(feature = "builtin-rules")))]
pub const BUILTIN_RULES: &[(&str, &str)] = &[
    (
        "rules/complaint.json",
        include_str!("../rules/complaint.json"),
    ),
    (
        "rules/first-visit.json",
        include_str!("../rules/first-visit.json"),
    ),
    (
        "rules/greetings.json",
        include_str!("../rules/greetings.json"),
    ),
    (
        "rules/laser-aftercare.json",
        include_str!("../rules/laser-aftercare.json"),
    ),
    (
        "rules/lead-ownership.json",
        include_str!("../rules/lead-ownership.json"),
    ),
    (
        "rules/new-assignment.json",
        include_str!("../rules/new-assignment.json"),
    ),
    (
        "rules/plan-611.json",
        include_str!("../rules/plan-611.json"),
    ),
    (
        "rules/plastic-aftercare.json",
        include_str!("../rules/plastic-aftercare.json"),
    ),
    (
        "rules/presales.json",
        include_str!("../rules/presales.json"),
    ),
    (
        "rules/product-aftersales.json",
        include_str!("../rules/product-aftersales.json"),
    ),
    (
        "rules/quarterly-touch.json",
        include_str!("../rules/quarterly-touch.json"),
    ),
    (
        "rules/session-aftercare.json",
        include_str!("../rules/session-aftercare.json"),
    ),
    (
        "rules/treatment-course.json",
        include_str!("../rules/treatment-course.json"),
    ),
];

/// A validated, immutable set of follow-up programs. `Send + Sync`: build it once and
/// share it between threads.
///
/// Only a `RuleSet` can be planned: rule texts are checked completely when it is built.
///
/// ```
/// use followup::rules::RuleSet;
/// let rules = RuleSet::builder()
///     .builtin()
///     .source("my-rules.json", r#"{
///         "format": "followup/v1", "id": "dental-check",
///         "name": {"zh": "口腔回访", "en": "Dental follow-up"},
///         "applies": {"event": "procedure", "category": "dental"},
///         "steps": [{"id": "day-1-call", "offset": "P1D",
///                    "title": {"zh": "术后第一天回访", "en": "Day-1 call"}}]
///     }"#)
///     .build()
///     .unwrap();
/// assert!(rules.program_ids().any(|id| id == "dental-check"));
/// ```
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub(crate) programs: Vec<Program>,
    defs: Vec<SourcedProgram>,
    pub(crate) limits: Limits,
    vocabulary: Vocabulary,
    /// The programs' `applies`, `when` and `unless`, compiled to numbers.
    pub(crate) decider: crate::compile::decider::Decider,
    /// Every step's info and the infos of the tasks it derives, by slot: a plan takes one
    /// reference count on the table, its tasks hold slots.
    pub(crate) infos: Arc<[Arc<crate::plan::task::TaskInfo>]>,
    /// Some step's title or script has placeholders: plans keep the values to fill them.
    pub(crate) templated: bool,
    /// Some program's texts name a milestone's day (`{visit:NAME}`): plans work it out.
    pub(crate) visits: bool,
    /// The rank of the follow-ups added by hand ([`crate::plan::task::TaskInfo::rank`]):
    /// where the program id `follow-up` sorts among the rules' programs.
    pub(crate) follow_up_rank: u32,
    /// The library version and the fingerprint of the sources: every plan carries it.
    pub(crate) stamp: crate::stamp::Stamp,
    /// Copies of what every plan takes a reference count on, each allocated apart: each
    /// thread uses its own, so threads sharing a rule set do not contend for one count.
    shards: Box<[Shard]>,
    /// This rule set's number, unique in the process (its clones share it): what a
    /// thread's kept decisions for an episode shape ([`crate::plan`]) are keyed by.
    pub(crate) id: u64,
    /// Words written nearly as others of their kind ([`RuleSet::lints`]), worked out
    /// when first asked for: planning never needs them, and they cost a quarter of a
    /// compile.
    lints: std::sync::OnceLock<Vec<crate::lint::Lint>>,
    /// What the lints are worked out from: the sources' names and texts (none for a set
    /// read back with serde), and each program's JSON pointer prefix in its text.
    lint_sources: Arc<[(Cow<'static, str>, Cow<'static, str>)]>,
    prefixes: Vec<String>,
}

/// One copy of the parts every plan takes a reference count on ([`RuleSet::shard`]).
#[derive(Debug, Clone)]
pub(crate) struct Shard {
    /// The same step infos as [`RuleSet::infos`], in a table of its own.
    pub infos: Arc<[Arc<crate::plan::task::TaskInfo>]>,
    /// The same stamp, in strings of its own.
    pub stamp: crate::stamp::Stamp,
    /// The programs' ids, in strings of their own, by program.
    pub program_ids: Box<[Arc<str>]>,
    /// The step ids of the step infos, in strings of their own, by slot.
    pub step_ids: Box<[Arc<str>]>,
    /// The programs' milestone names (a `missing_anchor` drop names its milestone), in
    /// strings of their own, by program and milestone.
    pub milestone_names: Box<[Box<[Arc<str>]>]>,
}

/// How many copies: more than the cores a host usually gives one rule set.
const SHARDS: usize = 16;

impl Shard {
    fn of(
        infos: &[Arc<crate::plan::task::TaskInfo>],
        stamp: &crate::stamp::Stamp,
        programs: &[Program],
    ) -> Shard {
        Shard {
            infos: infos.iter().cloned().collect(),
            stamp: crate::stamp::Stamp {
                version: Arc::from(&*stamp.version),
                rules: Arc::from(&*stamp.rules),
            },
            program_ids: programs.iter().map(|p| Arc::from(&*p.id)).collect(),
            step_ids: infos.iter().map(|i| Arc::from(&*i.step)).collect(),
            milestone_names: (programs.iter())
                .map(|p| p.milestones.iter().map(|m| Arc::from(&*m.name)).collect())
                .collect(),
        }
    }
}

/// A program definition with the name of the text it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcedProgram {
    /// The source's name (file name for files).
    pub source: String,
    /// The definition, as written — or, for a program an override changed, as in effect.
    pub program: ProgramDef,
    /// The sources whose overrides changed it, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overridden_by: Vec<String>,
}

/// Collects rule texts and limits, then compiles them into a [`RuleSet`].
#[derive(Debug, Clone, Default)]
pub struct RuleSetBuilder {
    sources: Vec<(Cow<'static, str>, Cow<'static, str>)>,
    limits: Limits,
}

impl RuleSetBuilder {
    /// Uses `limits` instead of [`Limits::default`].
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Adds the built-in programs ([`BUILTIN_RULES`]).
    #[cfg(feature = "builtin-rules")]
    #[cfg_attr(docsrs, doc(cfg(feature = "builtin-rules")))]
    pub fn builtin(mut self) -> Self {
        for (name, text) in BUILTIN_RULES {
            self.sources
                .push((Cow::Borrowed(name), Cow::Borrowed(text)));
        }
        self
    }

    /// Adds one rule text: a JSON object (one program) or an array of programs. `name`
    /// appears in every error about it.
    pub fn source(mut self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.sources
            .push((Cow::Owned(name.into()), Cow::Owned(text.into())));
        self
    }

    /// Parses, checks and compiles every source.
    ///
    /// # Errors
    ///
    /// The first problem found, sources in the order added: [`crate::Error::Rule`] naming the
    /// source, JSON pointer, line and column, and what was expected. Program ids must be
    /// unique across sources.
    pub fn build(self) -> Result<RuleSet> {
        let mut set = Accumulator::new(self.limits);
        let mut total: usize = 0;
        for (name, text) in &self.sources {
            total = total.saturating_add(text.len());
            if total > self.limits.max_rule_set_bytes {
                return Err(Located::new(
                    "",
                    format!(
                        "with this text the rule set is {total} bytes, more than the limit max_rule_set_bytes ({}): expected at most {} bytes of rule texts in all",
                        self.limits.max_rule_set_bytes,
                        self.limits.max_rule_set_bytes
                    ),
                )
                .limit("max_rule_set_bytes")
                .into_rule(name));
            }
            let body = text.trim_start_matches('\u{feff}');
            let read = |e: Located| e.into_rule(name);
            if let Some(e) =
                crate::json::empty(text, "a JSON object (one program) or an array of programs")
            {
                return Err(read(e));
            }
            // A text with overrides is read as JSON first: each of its objects is a program
            // or an override of one added before.
            if body.contains("\"override\"") {
                // Each key once, as in program texts: the last of two equal keys
                // must not silently win (`"override"` twice would switch off another
                // program).
                let crate::json::Strict(value) =
                    crate::json::read(text, &self.limits).map_err(read)?;
                if set.with_overrides(name, &value, text)? {
                    continue;
                }
            }
            // An array holds several programs; anything else is read as one program, so
            // that serde's message names the exact field at fault.
            let many = body.trim_start().starts_with('[');
            use crate::json::Object;
            let list: Vec<ProgramDef> = if many {
                let list: Vec<Object<ProgramDef>> =
                    crate::json::read(text, &self.limits).map_err(read)?;
                list.into_iter().map(|Object(p)| p).collect()
            } else {
                let Object(p) = crate::json::read(text, &self.limits).map_err(read)?;
                vec![p]
            };
            if list.is_empty() {
                let mut empty =
                    Located::new("", "the array is empty: expected at least one program");
                if let Some((line, column)) = crate::json::locate(text, "") {
                    empty.line = Some(line);
                    empty.column = Some(column);
                }
                return Err(read(empty));
            }
            for (i, program) in list.into_iter().enumerate() {
                let prefix = if many { format!("/{i}") } else { String::new() };
                let sourced = SourcedProgram {
                    source: name.to_string(),
                    program,
                    overridden_by: Vec::new(),
                };
                set.add(sourced, prefix, text)?;
            }
        }
        let mut rules = set.finish();
        rules.lint_sources = self.sources.into();
        Ok(rules)
    }
}

/// Compiles programs one by one, in the order given, so the first problem reported is
/// the first in that order.
struct Accumulator {
    limits: Limits,
    programs: Vec<Program>,
    defs: Vec<SourcedProgram>,
    /// The JSON pointer prefix of each program in its source (`/2` in an array).
    prefixes: Vec<String>,
    /// The repeat rules checked so far: each text once.
    repeats: crate::compile::repeat::RepeatCache,
    /// Overrides applied so far (`max_overrides`).
    overrides: usize,
    /// The steps overrides switched off: (program id, step id, the override's source),
    /// to say so when a later override names one.
    switched_off: Vec<(String, String, String)>,
    /// The programs overrides switched off: (program id, the override's source).
    programs_off: Vec<(String, String)>,
}

impl Accumulator {
    fn new(limits: Limits) -> Self {
        Accumulator {
            limits,
            programs: Vec::new(),
            defs: Vec::new(),
            prefixes: Vec::new(),
            repeats: Default::default(),
            overrides: 0,
            switched_off: Vec::new(),
            programs_off: Vec::new(),
        }
    }

    fn add(&mut self, mut sp: SourcedProgram, prefix: String, text: &str) -> Result<()> {
        // `$schema` is for editors: a rule set keeps neither it nor its fingerprint of it.
        sp.program.schema = None;
        let locate = |mut e: Located| {
            e.pointer = format!("{prefix}{}", e.pointer);
            if let Some((l, c)) = crate::json::locate(text, &e.pointer) {
                e.line = Some(l);
                e.column = Some(c);
            }
            e.into_rule(&sp.source)
        };
        if self.programs.len() >= self.limits.max_programs {
            return Err(locate(
                Located::new(
                    "",
                    format!(
                        "this program is one more than the limit max_programs ({}) allows in a rule set: expected at most {} programs",
                        self.limits.max_programs,
                        self.limits.max_programs
                    ),
                )
                .limit("max_programs"),
            ));
        }
        let program =
            compile_program_with(&sp.program, &self.limits, &mut self.repeats).map_err(locate)?;
        if let Some(pos) = self.programs.iter().position(|p| p.id == program.id) {
            let other = match (self.defs.get(pos), self.prefixes.get(pos)) {
                // The same name twice: said why (audit 123: "rules/complaint.json … also
                // in rules/complaint.json" read as a file colliding with itself).
                (Some(d), Some(p)) if d.source == sp.source && *p == prefix => format!(
                    "{p}/id in {}, added before: the same file given twice, or a file named as a built-in one",
                    d.source
                ),
                (Some(d), Some(p)) => format!("{p}/id in {}", d.source),
                _ => String::new(),
            };
            return Err(locate(Located::new(
                "/id",
                format!(
                    "duplicate program id {:?} (also {other}): expected program ids unique across all rule texts (to change that program, write an override: {{\"format\": \"followup/v1\", \"override\": {:?}, \"steps\": {{…}}}})",
                    sp.program.id, sp.program.id
                ),
            )));
        }
        self.programs.push(program);
        self.defs.push(sp);
        self.prefixes.push(prefix);
        Ok(())
    }

    /// Adds the programs of `value` and applies its overrides, in order; false (nothing
    /// done) when it holds no override.
    fn with_overrides(
        &mut self,
        source: &str,
        value: &serde_json::Value,
        text: &str,
    ) -> Result<bool> {
        let items: Vec<(String, &serde_json::Value)> = match value {
            serde_json::Value::Array(list) => (list.iter().enumerate())
                .map(|(i, v)| (format!("/{i}"), v))
                .collect(),
            v => vec![(String::new(), v)],
        };
        if !items.iter().any(|(_, v)| overrides::is_override(v)) {
            return Ok(false);
        }
        for (prefix, v) in items {
            if overrides::is_override(v) {
                self.override_program(source, &prefix, v, text)?;
                continue;
            }
            let locate = |mut e: Located| {
                e.pointer = format!("{prefix}{}", e.pointer);
                crate::json::located_in(e, text).into_rule(source)
            };
            let crate::json::Object(program): crate::json::Object<ProgramDef> =
                serde_path_to_error::deserialize(v).map_err(|e| {
                    locate(Located::new(
                        crate::json::pointer_of(e.path()),
                        e.inner().to_string(),
                    ))
                })?;
            let sourced = SourcedProgram {
                source: source.to_string(),
                program,
                overridden_by: Vec::new(),
            };
            self.add(sourced, prefix, text)?;
        }
        Ok(true)
    }

    /// Applies the override `v` (at `prefix` in `text`) to the program it names.
    fn override_program(
        &mut self,
        source: &str,
        prefix: &str,
        v: &serde_json::Value,
        text: &str,
    ) -> Result<()> {
        let locate = |mut e: Located| {
            e.pointer = format!("{prefix}{}", e.pointer);
            crate::json::located_in(e, text).into_rule(source)
        };
        self.overrides += 1;
        if self.overrides > self.limits.max_overrides {
            return Err(locate(
                Located::new(
                    "",
                    format!(
                        "override number {} of the rule set, more than the limit max_overrides ({}): expected at most {} (each compiles its program again; write one override per program, with all its changes)",
                        self.overrides, self.limits.max_overrides, self.limits.max_overrides
                    ),
                )
                .limit("max_overrides"),
            ));
        }
        let id = overrides::target(v).map_err(locate)?;
        let Some(pos) = self.programs.iter().position(|p| &*p.id == id) else {
            // Switched off by an earlier override: said so (audit 161: "no program …
            // added before", though it was added).
            if let Some((_, by)) = self.programs_off.iter().find(|(p, _)| p == id) {
                return Err(locate(Located::new(
                    "/override",
                    format!(
                        "program {id:?} was switched off by the override in {by}: expected an override of a program in effect (leave it on there to change it here)"
                    ),
                )));
            }
            let ids: Vec<&str> = self.programs.iter().map(|p| &*p.id).collect();
            let hint = crate::vocabulary::nearest(id, &ids)
                .map(|n| format!("; did you mean {n:?}?"))
                .unwrap_or_default();
            return Err(locate(Located::new(
                "/override",
                format!(
                    "no program {id:?} to override: expected the id of a program added before this text ({}){hint}",
                    if ids.is_empty() { "none yet: add the built-in programs or the program's file first".to_string() } else { ids.join(", ") }
                ),
            )));
        };
        if overrides::switches_off(v).map_err(locate)? {
            (self.programs_off).push((id.to_string(), source.to_string()));
            self.programs.remove(pos);
            self.defs.remove(pos);
            self.prefixes.remove(pos);
            return Ok(());
        }
        let Some(base) = self.defs.get(pos) else {
            return Ok(());
        };
        let off: Vec<(&str, &str)> = (self.switched_off.iter())
            .filter(|(program, _, _)| program == id)
            .map(|(_, step, by)| (step.as_str(), by.as_str()))
            .collect();
        let applied = overrides::apply(&base.program, v, &off).map_err(locate)?;
        let patch = v.as_object().cloned().unwrap_or_default();
        let program = compile_program_with(&applied.program, &self.limits, &mut self.repeats)
            .map_err(|e| {
                let mut e = overrides::map_compile_error(e, &applied, &patch);
                // An added step counted from a step an earlier override switched off.
                let named = (e.message.strip_prefix("unknown anchor \""))
                    .and_then(|rest| rest.split_once('"'))
                    .map(|(name, _)| name.to_string());
                if let Some((step, by)) =
                    named.and_then(|n| off.iter().find(|(s, _)| **s == *n).map(|(s, b)| (*s, *b)))
                {
                    e.message = format!("step {step:?} of program {id:?} was switched off by the override in {by}: expected a step in effect to count from; to count from it, leave it on there, or add it again with \"add_steps\"");
                }
                locate(e)
            })?;
        for step in &applied.removed {
            (self.switched_off).push((id.to_string(), step.clone(), source.to_string()));
        }
        let def = applied.program;
        if let (Some(p), Some(d)) = (self.programs.get_mut(pos), self.defs.get_mut(pos)) {
            *p = program;
            d.program = def;
            d.overridden_by.push(source.to_string());
        }
        Ok(())
    }

    fn finish(mut self) -> RuleSet {
        // Rank every (program id, step id) pair in string order: plans sort their tasks by
        // rank instead of comparing ids.
        let mut steps: Vec<&mut crate::compile::Step> = (self.programs.iter_mut())
            .flat_map(|program| program.steps.iter_mut())
            .collect();
        steps.sort_by(|a, b| (&a.info.program, &a.info.step).cmp(&(&b.info.program, &b.info.step)));
        let mut infos = Vec::new();
        let mut slot_of = |info: &mut Arc<crate::plan::task::TaskInfo>, rank: u32| {
            let i = Arc::make_mut(info);
            i.rank = rank;
            i.slot = u32::try_from(infos.len()).unwrap_or(crate::plan::task::NO_SLOT);
            infos.push(info.clone());
        };
        // Odd ranks: the even one between two programs is the place of the follow-ups
        // staff add by hand (program `follow-up`), so that they too sort by their ids.
        let mut follow_up_rank = 0;
        for (i, step) in steps.into_iter().enumerate() {
            let rank = u32::try_from(i)
                .ok()
                .and_then(|i| i.checked_mul(2)?.checked_add(1))
                .unwrap_or(u32::MAX);
            if &*step.info.program < crate::plan::ledger::FOLLOW_UP {
                follow_up_rank = rank.saturating_add(1);
            }
            slot_of(&mut step.info, rank);
            for info in step.derived.each_mut() {
                slot_of(info, rank);
            }
        }
        for program in &mut self.programs {
            let ranks = program.steps.iter().map(|s| s.info.rank);
            program.ranks = (ranks.clone().min().unwrap_or(0), ranks.max().unwrap_or(0));
        }
        let defs: Vec<&ProgramDef> = self.defs.iter().map(|d| &d.program).collect();
        let vocabulary = Vocabulary::of(&self.programs, &defs);
        let decider = crate::compile::decider::Decider::of(&self.programs, &vocabulary);
        let stamp = crate::stamp::Stamp::of(&self.defs, &self.limits);
        let shards = (0..SHARDS)
            .map(|_| Shard::of(&infos, &stamp, &self.programs))
            .collect();
        let visits = self.programs.iter().any(|p| p.visits != 0);
        RuleSet {
            visits,
            follow_up_rank,
            programs: self.programs,
            defs: self.defs,
            limits: self.limits,
            vocabulary,
            decider,
            templated: infos.iter().any(|i| i.templates.is_some()),
            infos: infos.into(),
            stamp,
            shards,
            lints: std::sync::OnceLock::new(),
            lint_sources: Arc::from([]),
            prefixes: self.prefixes,
            id: {
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
        }
    }
}

impl RuleSet {
    /// This thread's copy of the parts plans take a reference count on (`None` only if
    /// there are no copies, never by construction).
    pub(crate) fn shard(&self) -> Option<&Shard> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        thread_local! {
            static MINE: usize = NEXT.fetch_add(1, Ordering::Relaxed);
        }
        let i = MINE.with(|m| *m);
        self.shards.get(i.checked_rem(self.shards.len())?)
    }

    /// Starts a builder with no sources and default limits.
    pub fn builder() -> RuleSetBuilder {
        RuleSetBuilder::default()
    }

    /// The built-in programs with default limits.
    ///
    /// # Errors
    ///
    /// None in practice: the built-in rules are compiled by the test suite. The `Result`
    /// keeps the library free of panics.
    #[cfg(feature = "builtin-rules")]
    #[cfg_attr(docsrs, doc(cfg(feature = "builtin-rules")))]
    pub fn builtin() -> Result<RuleSet> {
        RuleSet::builder().builtin().build()
    }

    /// The ids of the programs, in the order they were added.
    pub fn program_ids(&self) -> impl Iterator<Item = &str> {
        self.programs.iter().map(|p| &*p.id)
    }

    /// A program's display name.
    pub fn program_name(&self, id: &str) -> Option<&Text> {
        self.programs.iter().find(|p| &*p.id == id).map(|p| &p.name)
    }

    /// A step's title, as its program defines it (the task's [`crate::plan::Task::title`]
    /// may fill placeholders in it): what staff see instead of the step's id, for a
    /// dropped occurrence say.
    ///
    /// ```
    /// use followup::rules::{Lang, RuleSet};
    /// let rules = RuleSet::builtin()?;
    /// let title = rules.step_title("plastic-aftercare", "day-1-call").unwrap();
    /// assert_eq!(title.get(Lang::Zh), "术后第一天回访");
    /// assert!(rules.step_title("plastic-aftercare", "no-such-step").is_none());
    /// # Ok::<(), followup::Error>(())
    /// ```
    pub fn step_title(&self, program: &str, step: &str) -> Option<&Text> {
        self.definition(program)?
            .program
            .steps
            .iter()
            .find(|s| s.id == step)
            .map(|s| &s.title)
    }

    /// The class `step` of `program` gives its tasks in its rule file (its `class`, else
    /// its program's default `class`), if any: the contact policy ranks them so, before
    /// its own table ([`crate::replan::PriorityPolicy::class_of_task`]).
    pub fn step_class(&self, program: &str, step: &str) -> Option<crate::replan::PriorityClass> {
        let def = &self.definition(program)?.program;
        let s = def.steps.iter().find(|s| s.id == step)?;
        s.class.or(def.defaults.class)
    }

    /// The library version and the fingerprint of the rule sources, as every plan made
    /// with this set records them in [`crate::plan::Plan::made_by`].
    pub fn stamp(&self) -> &crate::stamp::Stamp {
        &self.stamp
    }

    /// The definition of one program as in effect — after any overrides — with its source
    /// and the overrides that changed it: what `serde_json::to_string_pretty` prints for
    /// a rule author to check.
    pub fn definition(&self, id: &str) -> Option<&SourcedProgram> {
        self.defs.iter().find(|d| d.program.id == id)
    }

    /// The definitions the set was compiled from, with their sources.
    pub fn definitions(&self) -> &[SourcedProgram] {
        &self.defs
    }

    /// Words the set writes nearly as other words of their kind — a fact kind, an
    /// event, an attribute's name or value, a tag, a milestone — each where the rarer of
    /// the two is first written: likely slips (`"wait_for": "recoverex"` beside the
    /// `recovered` of other programs) that no error catches, since the words are the
    /// rule author's own. The `check_rules` example prints them as warnings. See
    /// [`crate::rules::Lint`]; the built-in programs have none. Worked out when first
    /// asked for (compiling pays nothing for them; the set keeps its sources' texts to
    /// place them, with lines and columns — a set read back with serde has no texts,
    /// and its lints pointers only). At most 100, the first
    /// written; words are compared with those one letter from them, not in every pair,
    /// and a crowd of more than 32 such words (generated codes) is not compared.
    pub fn lints(&self) -> &[crate::lint::Lint] {
        self.lints
            .get_or_init(|| crate::lint::of(&self.defs, &self.prefixes, &self.lint_sources))
    }

    /// The limits the set was compiled with, also used when planning.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// What episodes may say: the events, attributes, fact kinds and milestones the
    /// programs test or declare.
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// Reads an episode from JSON (`name` is used in error messages) and checks it for
    /// data slips ([`Episode::check`], under this set's limits) and against the
    /// vocabulary: the error names the JSON pointer, line and column, the accepted values
    /// and the nearest one.
    ///
    /// ```
    /// use followup::rules::RuleSet;
    /// let rules = RuleSet::builtin()?;
    /// let err = rules.read_episode("ep.json", r#"{"id": "e1", "event": "procedure",
    ///   "at": "2026-03-02", "patient": {"id": "p1"},
    ///   "attributes": {"category": "Plastic"}}"#).unwrap_err();
    /// assert!(err.to_string().starts_with("ep.json: /attributes/category (line 3, column 30): unknown category \"Plastic\": expected one of "));
    /// assert!(err.to_string().ends_with("; did you mean \"plastic\"?"));
    /// # Ok::<(), followup::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`crate::Error::Episode`], located.
    pub fn read_episode(&self, name: &str, text: &str) -> Result<Episode> {
        let ep = Episode::read(name, text, &self.limits)?;
        self.vocabulary
            .check(&ep)
            .map_err(|e| crate::json::located_in(e, text).into_episode(name))?;
        Ok(ep)
    }

    /// Checks an episode built in code as [`RuleSet::read_episode`] checks a text (with
    /// JSON pointers, without lines): planning does it too.
    ///
    /// # Errors
    ///
    /// [`crate::Error::Episode`] naming `name`.
    pub fn check_episode(&self, episode: &Episode, name: &str) -> Result<()> {
        episode
            .checked(&self.limits)
            .and_then(|()| self.vocabulary.check(episode))
            .map_err(|e| e.into_episode(name))
    }
}

/// Serialised as `{"limits": {…}, "programs": [{"source": "…", "program": {…}}]}`;
/// reading it back compiles it again.
impl Serialize for RuleSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        RuleSetData {
            limits: self.limits,
            programs: self.defs.clone(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for RuleSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let data = RuleSetData::deserialize(d)?;
        let mut set = Accumulator::new(data.limits);
        for sp in data.programs {
            set.add(sp, String::new(), "")
                .map_err(serde::de::Error::custom)?;
        }
        // No texts: the lints name their pointers, with no line.
        Ok(set.finish())
    }
}

/// Equal when compiled from equal definitions with equal limits.
impl PartialEq for RuleSet {
    fn eq(&self, other: &Self) -> bool {
        self.limits == other.limits && self.defs == other.defs
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSetData {
    #[serde(default)]
    limits: Limits,
    programs: Vec<SourcedProgram>,
}
