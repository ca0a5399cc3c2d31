//! A minimal HTTP/1.1 layer: request parsing with `Content-Length` bodies, and byte-exact
//! response serialisation (header names are written with the casing they were given).

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Largest accepted request head (request line + headers).
pub const MAX_HEAD: usize = 64 * 1024;
/// Largest accepted request body.
pub const MAX_BODY: usize = 1024 * 1024;

/// A parsed request.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path without the query string.
    pub path: String,
    /// Raw query string (after `?`), if any.
    pub query: Option<String>,
    /// `true` for HTTP/1.0.
    pub http10: bool,
    /// Headers in arrival order, names as sent.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The `X-Request-Id` given to this request (v2 error bodies repeat it).
    pub request_id: String,
}

impl Request {
    /// First header value with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the client wants the connection kept open after this exchange.
    pub fn keep_alive(&self) -> bool {
        let conn = self.header("connection").unwrap_or("").to_ascii_lowercase();
        if self.http10 {
            conn.contains("keep-alive")
        } else {
            !conn.contains("close")
        }
    }

    /// Decoded query parameter (first occurrence).
    pub fn query_param(&self, name: &str) -> Option<String> {
        let q = self.query.as_deref()?;
        q.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k) == name).then(|| percent_decode(v))
        })
    }
}

/// A response; `Content-Length` is added on serialisation unless a header already sets it.
#[derive(Debug, Clone, Default)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A response with no headers and an empty body.
    pub fn empty(status: u16) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A JSON response.
    pub fn json(status: u16, value: &Value) -> Self {
        let mut r = Response::empty(status);
        r.body = value.to_string().into_bytes();
        r.header("Content-Type", "application/json; charset=utf-8")
    }

    /// The vendor's v1 error shape: `{"error":{"code","message","status"}}`.
    pub fn error(status: u16, code: &str, message: &str) -> Self {
        Response::json(
            status,
            &serde_json::json!({"error": {"code": code, "message": message, "status": status}}),
        )
    }

    /// Adds a header (builder style).
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// Whether a header with this name (case-insensitive) is present.
    pub fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// Status line and headers, ending with the blank line. `content_length` overrides the
    /// advertised length (used to announce more bytes than are sent).
    pub fn head_bytes(&self, content_length: Option<usize>) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (n, v) in &self.headers {
            out.push_str(n);
            out.push_str(": ");
            out.push_str(v);
            out.push_str("\r\n");
        }
        if !self.has_header("content-length") {
            let len = content_length.unwrap_or(self.body.len());
            out.push_str(&format!("Content-Length: {len}\r\n"));
        }
        out.push_str("\r\n");
        out.into_bytes()
    }

    /// Writes the whole response.
    pub async fn write_to(&self, stream: &mut TcpStream) -> std::io::Result<()> {
        let mut bytes = self.head_bytes(None);
        bytes.extend_from_slice(&self.body);
        stream.write_all(&bytes).await?;
        stream.flush().await
    }
}

/// A request refused at the HTTP layer; the connection is closed after `response`.
#[derive(Debug)]
pub struct Rejection {
    pub response: Response,
    /// The parsed head, when parsing got that far (for the request record).
    pub head: Option<Request>,
}

/// Reads one request. `Ok(None)` means the peer closed (or the read failed) before a full
/// request arrived. Bytes after the request stay in `buf` for the next call (pipelining).
pub async fn read_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
) -> Result<Option<Request>, Box<Rejection>> {
    let head_end = loop {
        if let Some(pos) = find(buf, b"\r\n\r\n") {
            break pos;
        }
        if buf.len() > MAX_HEAD {
            return Err(reject(
                431,
                "REQUEST_HEADER_FIELDS_TOO_LARGE",
                "request head exceeds 64 KiB",
                None,
            ));
        }
        if !fill(stream, buf).await {
            return Ok(None);
        }
    };
    let head_text = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut req = parse_head(&head_text)?;
    if req.header("transfer-encoding").is_some() {
        return Err(reject(
            411,
            "LENGTH_REQUIRED",
            "body: chunked (Transfer-Encoding) request bodies are not supported; send Content-Length",
            Some(req),
        ));
    }
    let mut length: Option<usize> = None;
    for (n, v) in &req.headers {
        if n.eq_ignore_ascii_case("content-length") {
            let parsed = v.trim().parse::<usize>().ok();
            match (parsed, length) {
                (None, _) => {
                    return Err(reject(
                        400,
                        "BAD_REQUEST",
                        "Content-Length: not a number",
                        Some(req.clone()),
                    ));
                }
                (Some(a), Some(b)) if a != b => {
                    return Err(reject(
                        400,
                        "BAD_REQUEST",
                        "Content-Length: conflicting values",
                        Some(req.clone()),
                    ));
                }
                (Some(a), _) => length = Some(a),
            }
        }
    }
    let length = length.unwrap_or(0);
    if length > MAX_BODY {
        return Err(reject(
            413,
            "PAYLOAD_TOO_LARGE",
            "body: larger than 1 MiB",
            Some(req),
        ));
    }
    let start = head_end + 4;
    while buf.len() < start + length {
        if !fill(stream, buf).await {
            return Ok(None);
        }
    }
    req.body = buf[start..start + length].to_vec();
    buf.drain(..start + length);
    Ok(Some(req))
}

fn reject(status: u16, code: &str, message: &str, head: Option<Request>) -> Box<Rejection> {
    Box::new(Rejection {
        response: Response::error(status, code, message),
        head,
    })
}

/// Reads more bytes into `buf`; false on EOF or error.
async fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>) -> bool {
    let mut chunk = [0u8; 16 * 1024];
    match stream.read(&mut chunk).await {
        Ok(0) | Err(_) => false,
        Ok(n) => {
            buf.extend_from_slice(&chunk[..n]);
            true
        }
    }
}

fn parse_head(text: &str) -> Result<Request, Box<Rejection>> {
    let mut lines = text.split("\r\n");
    let line = lines.next().unwrap_or("");
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(reject(400, "BAD_REQUEST", "request line: malformed", None));
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || !target.starts_with('/') {
        return Err(reject(400, "BAD_REQUEST", "request line: malformed", None));
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (target.to_string(), None),
    };
    let mut headers = Vec::new();
    for l in lines {
        let Some((n, v)) = l.split_once(':') else {
            return Err(reject(
                400,
                "BAD_REQUEST",
                "headers: malformed header line",
                None,
            ));
        };
        if n.is_empty() || n.contains(' ') {
            return Err(reject(
                400,
                "BAD_REQUEST",
                "headers: malformed header name",
                None,
            ));
        }
        headers.push((n.to_string(), v.trim().to_string()));
    }
    Ok(Request {
        method: method.to_string(),
        path,
        query,
        http10: version == "HTTP/1.0",
        headers,
        body: Vec::new(),
        request_id: String::new(),
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Decodes `%XX` escapes and `+` (as space); invalid escapes are kept literally.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
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

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn decodes_escapes() {
        assert_eq!(percent_decode("a%20b+c"), "a b c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
