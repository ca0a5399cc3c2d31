//! v2 query parameters: repeated keys for lists (never brackets or commas), each checked by
//! name, with problems reported as `invalidRequest` issues at `["query", name(, index)]`.

use serde_json::{json, Value};

use crate::handlers::fields::is_id;
use crate::handlers::v2::error::issue;
use crate::http::Request;

/// A request's query, and the issues found reading it.
pub struct Query {
    pairs: Vec<(String, String)>,
    pub issues: Vec<Value>,
}

impl Query {
    /// Reads the query; a name outside `known` is an issue, one in `unsupported` says that the
    /// emulator does not model it.
    pub fn read(req: &Request, known: &[&str], unsupported: &[&str]) -> Self {
        let pairs = req.query_pairs();
        let mut issues = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for (k, _) in &pairs {
            if known.contains(&k.as_str()) || seen.contains(&k.as_str()) {
                continue;
            }
            seen.push(k);
            let message = if unsupported.contains(&k.as_str()) {
                "Not supported by the emulator".to_string()
            } else if k.ends_with("[]") || k.contains('[') {
                "Unrecognized key: repeat the key for several values (no brackets)".to_string()
            } else {
                format!("Unrecognized key: {k:?}")
            };
            issues.push(issue(&["query", k], message));
        }
        Query { pairs, issues }
    }

    /// Every value given for `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The one value of `name`, if given (given twice is an issue).
    pub fn one(&mut self, name: &str) -> Option<String> {
        let values = self.all(name);
        match values.as_slice() {
            [] => None,
            [v] => Some(v.to_string()),
            _ => {
                self.issues
                    .push(issue(&["query", name], "Expected a single value"));
                None
            }
        }
    }

    /// The values of a repeated `name`: at most `max`, each non-empty and, with `ids`, a cuid2.
    pub fn list(&mut self, name: &str, max: usize, ids: bool) -> Vec<String> {
        let values: Vec<String> = self.all(name).into_iter().map(str::to_string).collect();
        if values.len() > max {
            self.issues.push(issue(
                &["query", name],
                format!("Array must contain at most {max} element(s); repeat the key at most {max} times"),
            ));
        }
        for (i, v) in values.iter().enumerate() {
            let message = if v.is_empty() {
                "String must contain at least 1 character(s)"
            } else if ids && !is_id(v) {
                "Invalid format, must match ^[0-9a-z]+$"
            } else {
                continue;
            };
            self.issues
                .push(json!({"path": ["query", name, i], "message": message}));
        }
        values
    }

    /// An integer `name` from `min` to `max`, `default` when absent.
    pub fn integer(&mut self, name: &str, min: u64, max: u64, default: u64) -> u64 {
        let Some(text) = self.one(name) else {
            return default;
        };
        match text.parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => n,
            _ => {
                self.issues.push(issue(
                    &["query", name],
                    format!("Expected an integer from {min} to {max}, received {text:?}"),
                ));
                default
            }
        }
    }

    /// One of `allowed` for `name`, `default` when absent.
    pub fn choice(
        &mut self,
        name: &str,
        allowed: &[&'static str],
        default: &'static str,
    ) -> &'static str {
        let Some(text) = self.one(name) else {
            return default;
        };
        match allowed.iter().find(|a| **a == text) {
            Some(a) => a,
            None => {
                let expected: Vec<String> = allowed.iter().map(|a| format!("'{a}'")).collect();
                self.issues.push(issue(
                    &["query", name],
                    format!(
                        "Invalid enum value. Expected {}, received '{text}'",
                        expected.join(" | ")
                    ),
                ));
                default
            }
        }
    }
}
