//! Field values as they live in documents and appear in history and conflicts.

use automerge::ScalarValue;
use serde::Serialize;

/// One field value of a record. Records are flat maps of these, keyed by field name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Val {
    /// Absent or cleared.
    Null,
    /// A flag (risk tags, 七类人, works away).
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A measurement (temperatures).
    F64(f64),
    /// A text value.
    Str(String),
}

impl Val {
    /// The text, if this is text.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The flag, treating anything but `true` as false.
    pub fn is_true(&self) -> bool {
        matches!(self, Val::Bool(true))
    }

    /// Text, or `None` when null or empty.
    pub fn opt_str(&self) -> Option<String> {
        self.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
    }

    /// The whole number, if this is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Val::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// Parses a value typed by a person: `true`/`false`, numbers stay text unless asked.
    pub fn text(s: impl Into<String>) -> Val {
        Val::Str(s.into())
    }

    pub(crate) fn from_scalar(s: &ScalarValue) -> Val {
        match s {
            ScalarValue::Str(s) => Val::Str(s.to_string()),
            ScalarValue::Int(i) => Val::Int(*i),
            ScalarValue::Uint(u) => Val::Int(i64::try_from(*u).unwrap_or(i64::MAX)),
            ScalarValue::F64(f) => Val::F64(*f),
            ScalarValue::Boolean(b) => Val::Bool(*b),
            ScalarValue::Timestamp(t) => Val::Int(*t),
            ScalarValue::Counter(c) => Val::Int(i64::from(c)),
            ScalarValue::Null | ScalarValue::Bytes(_) | ScalarValue::Unknown { .. } => Val::Null,
        }
    }

    pub(crate) fn to_scalar(&self) -> ScalarValue {
        match self {
            Val::Null => ScalarValue::Null,
            Val::Bool(b) => ScalarValue::Boolean(*b),
            Val::Int(i) => ScalarValue::Int(*i),
            Val::F64(f) => ScalarValue::F64(*f),
            Val::Str(s) => ScalarValue::Str(s.as_str().into()),
        }
    }
}

impl From<&str> for Val {
    fn from(s: &str) -> Self {
        Val::Str(s.to_owned())
    }
}

impl From<String> for Val {
    fn from(s: String) -> Self {
        Val::Str(s)
    }
}

impl From<Option<String>> for Val {
    fn from(s: Option<String>) -> Self {
        s.map_or(Val::Null, Val::Str)
    }
}

impl From<bool> for Val {
    fn from(b: bool) -> Self {
        Val::Bool(b)
    }
}

impl From<f64> for Val {
    fn from(f: f64) -> Self {
        Val::F64(f)
    }
}
