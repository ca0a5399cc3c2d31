//! The byte-exact answer of the raw-socket fault path: the head written with the header names
//! as given (hyper would title-case them) and any `Content-Length`, even one that lies.

use crate::http::Response;

/// Status line and headers, ending with the blank line. `content_length` overrides the
/// advertised length (used to announce more bytes than are sent).
pub fn head_bytes(resp: &Response, content_length: Option<usize>) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    for (n, v) in &resp.headers {
        out.push_str(n);
        out.push_str(": ");
        out.push_str(v);
        out.push_str("\r\n");
    }
    if !resp.has_header("content-length") {
        let len = content_length.unwrap_or(resp.body.len());
        out.push_str(&format!("Content-Length: {len}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// Reason phrase for a status code (empty for unknown codes; the status line stays valid).
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}
