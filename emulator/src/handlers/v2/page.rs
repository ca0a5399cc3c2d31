//! Cursor pagination of v2 collections: `{data, nextCursor}`, the cursor naming the last item
//! of the previous page, so it is valid only with the filters it was issued for.

use serde_json::{json, Value};

use crate::handlers::v2::error::error;
use crate::http::Response;

/// The page of `items` (already filtered and ordered) after the item `cursor` names, at most
/// `limit`, as `{data, nextCursor}`; `400 invalidCursor` when the cursor names none of them.
pub fn page<T>(
    items: &[T],
    id: impl Fn(&T) -> &str,
    view: impl Fn(&T) -> Value,
    cursor: Option<&str>,
    limit: usize,
    rid: &str,
) -> Response {
    let start = match cursor {
        None => 0,
        Some(c) => match items.iter().position(|i| id(i) == c) {
            Some(p) => p + 1,
            None => {
                return error(
                    400,
                    "invalidCursor",
                    "The cursor is not one this collection issued with these filters",
                    Value::Null,
                    rid,
                )
            }
        },
    };
    let rest = &items[start.min(items.len())..];
    let shown = &rest[..rest.len().min(limit)];
    let next = (rest.len() > limit)
        .then(|| shown.last().map(|i| id(i).to_string()))
        .flatten();
    let data: Vec<Value> = shown.iter().map(view).collect();
    Response::json(200, &json!({"data": data, "nextCursor": next}))
}
