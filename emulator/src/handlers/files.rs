//! Generated avatar SVGs and files served from `--serve-dir`.

use std::path::{Component, Path, PathBuf};

use crate::http::{percent_decode, Response};

/// `GET /avatars/<name>.svg`: a coloured circle with initials. `None` if the name is invalid.
pub fn avatar(file: &str, display_name: Option<String>) -> Option<Response> {
    let name = file.strip_suffix(".svg")?;
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return None;
    }
    let initials = match display_name {
        Some(d) => d
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .filter(|c| c.is_ascii_alphanumeric())
            .take(2)
            .collect::<String>(),
        None => name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(2)
            .collect::<String>(),
    }
    .to_ascii_uppercase();
    let hue = name
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32))
        % 360;
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"128\" height=\"128\" viewBox=\"0 0 128 128\">\
<circle cx=\"64\" cy=\"64\" r=\"64\" fill=\"hsl({hue},55%,45%)\"/>\
<text x=\"64\" y=\"64\" dy=\".35em\" text-anchor=\"middle\" font-family=\"system-ui,sans-serif\" \
font-size=\"52\" font-weight=\"600\" fill=\"#fff\">{initials}</text></svg>"
    );
    let mut r = Response::empty(200);
    r.body = svg.into_bytes();
    Some(
        r.header("Content-Type", "image/svg+xml")
            .header("Cache-Control", "public, max-age=3600"),
    )
}

/// Serves `path` from `dir` (`/` and directories map to `index.html`). `None` = not found.
pub fn serve(dir: &Path, path: &str) -> Result<Option<Response>, Response> {
    let decoded = percent_decode(path);
    let rel = decoded.trim_start_matches('/');
    let rel_path = Path::new(rel);
    let safe = !decoded.contains(['\\', '\0'])
        && rel_path
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if !safe {
        return Err(Response::error(
            400,
            "BAD_REQUEST",
            "path: must not contain '..' or special components",
        ));
    }
    let mut full: PathBuf = dir.join(rel_path);
    if full.is_dir() {
        full.push("index.html");
    }
    let Ok(bytes) = std::fs::read(&full) else {
        return Ok(None);
    };
    let mut r = Response::empty(200);
    r.body = bytes;
    Ok(Some(
        r.header("Content-Type", mime(&full))
            .header("Cache-Control", "no-cache"),
    ))
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "json" | "map" => "application/json; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "ts" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_traversal() {
        let dir = Path::new("/tmp");
        assert!(serve(dir, "/../etc/passwd").is_err());
        assert!(serve(dir, "/a/%2e%2e/%2e%2e/etc/passwd").is_err());
    }

    #[test]
    fn avatar_initials() {
        let r = avatar("mayabuilds.svg", Some("Maya Lindqvist".into())).expect("svg");
        assert!(String::from_utf8_lossy(&r.body).contains(">ML<"));
        assert!(avatar("../x.svg", None).is_none());
    }
}
