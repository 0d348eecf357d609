//! Bilingual texts (titles, scripts, names), shared between tasks without copying.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A text in Chinese and English. Both languages are required in rule files so that
/// every calendar can be printed in either language.
///
/// The strings are reference-counted: cloning a `Text` (as every task does for its
/// title) never copies the characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a text in Chinese and English such as {\"zh\": \"回访\", \"en\": \"Call\"}"
)]
pub struct Text {
    /// Chinese (简体中文).
    pub zh: Arc<str>,
    /// English.
    pub en: Arc<str>,
}

/// The language to pick from a [`Text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// Chinese (the default: the clinics using this are Chinese-speaking).
    #[default]
    Zh,
    /// English.
    En,
}

impl Text {
    /// Builds a text from its two languages.
    pub fn new(zh: &str, en: &str) -> Self {
        Text {
            zh: Arc::from(zh),
            en: Arc::from(en),
        }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}
