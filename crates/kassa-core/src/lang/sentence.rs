//! A sentence the till says, kept as data until it is said: a catalog key with its values
//! (amounts stay amounts, so each language writes them its way), or words the till passes on
//! as they came (a provider's reason). Its `Display` is the English, for the logs and the CLI;
//! [`Sentence::render`] is what the window shows, in the till's language.

use super::{Language, Text};
use crate::money::{Currency, Money};
use std::fmt;

/// What the till says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sentence {
    /// A catalog sentence with its `{name}`s' values.
    Said {
        text: Text,
        values: Vec<(&'static str, Value)>,
    },
    /// Words passed on as they came (a provider's reason): the same in every language.
    Verbatim(String),
}

/// A value of a sentence's `{name}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A name, number or code: the same in every language.
    Plain(String),
    /// An amount, written as the language writes amounts.
    Money { minor: i64, currency: Currency },
    /// A sentence (or a phrase of the catalog) inside another.
    Sentence(Box<Sentence>),
    /// Sentences one after the other, `; ` between them.
    List(Vec<Sentence>),
}

impl Sentence {
    /// The catalog's `text`; its values follow with [`Sentence::with`].
    pub fn new(text: Text) -> Self {
        Sentence::Said {
            text,
            values: Vec::new(),
        }
    }

    /// Words that are said as they are (a provider's reason, a message from elsewhere).
    pub fn verbatim(words: impl Into<String>) -> Self {
        Sentence::Verbatim(words.into())
    }

    /// The value of `{name}`.
    pub fn with(mut self, name: &'static str, value: impl Into<Value>) -> Self {
        if let Sentence::Said { values, .. } = &mut self {
            values.push((name, value.into()));
        }
        self
    }

    /// The value of `{name}`: an amount.
    pub fn money(self, name: &'static str, minor: i64, currency: &Currency) -> Self {
        self.with(
            name,
            Value::Money {
                minor,
                currency: currency.clone(),
            },
        )
    }

    /// The sentence in `language`.
    pub fn render(&self, language: Language) -> String {
        match self {
            Sentence::Verbatim(words) => words.clone(),
            Sentence::Said { text, values } => {
                let rendered: Vec<(&str, String)> = values
                    .iter()
                    .map(|(name, value)| (*name, value.render(language)))
                    .collect();
                let args: Vec<(&str, &dyn fmt::Display)> = rendered
                    .iter()
                    .map(|(name, value)| (*name, value as &dyn fmt::Display))
                    .collect();
                text.fill(language, &args)
            }
        }
    }
}

impl Value {
    fn render(&self, language: Language) -> String {
        match self {
            Value::Plain(s) => s.clone(),
            Value::Money { minor, currency } => language.money(*minor, currency),
            Value::Sentence(s) => s.render(language),
            Value::List(list) => list
                .iter()
                .map(|s| s.render(language))
                .collect::<Vec<_>>()
                .join("; "),
        }
    }
}

impl fmt::Display for Sentence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Language::En))
    }
}

impl From<Text> for Sentence {
    fn from(text: Text) -> Self {
        Sentence::new(text)
    }
}

impl From<Sentence> for Value {
    fn from(s: Sentence) -> Self {
        Value::Sentence(Box::new(s))
    }
}

impl From<Text> for Value {
    fn from(text: Text) -> Self {
        Value::Sentence(Box::new(Sentence::new(text)))
    }
}

impl From<&Money> for Value {
    fn from(m: &Money) -> Self {
        Value::Money {
            minor: m.minor,
            currency: m.currency.clone(),
        }
    }
}

macro_rules! plain {
    ($($ty:ty),*) => {$(
        impl From<$ty> for Value {
            fn from(v: $ty) -> Self {
                Value::Plain(v.to_string())
            }
        }
    )*};
}

plain!(String, &str, &String, i64, u32, u64, usize);
