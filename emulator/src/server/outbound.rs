//! What the emulator does on its own time: lands scheduled replies when they are due and posts
//! webhooks, each in a task of its own, over plain HTTP/1.1 (`Connection: close`; the answer's
//! status line is read, the rest left).

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::model::clock::now_ms;
use crate::model::state::{lock, Shared};
use crate::model::webhooks::{signature, Attempt, Delivery};

/// How long a receiver has to answer a webhook.
const POST_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs for the life of the process: lands due replies, posts waiting webhooks, then sleeps
/// until the next reply is due or something new is scheduled.
pub async fn run(shared: Shared) {
    let wake = lock(&shared).wake.clone();
    loop {
        let (deliveries, next_at) = {
            let mut st = lock(&shared);
            st.settle(now_ms());
            (st.webhooks.take(), st.replies.next_at())
        };
        for delivery in deliveries {
            tokio::spawn(post(shared.clone(), delivery));
        }
        match next_at {
            Some(at) => {
                let wait = Duration::from_millis(at.saturating_sub(now_ms()));
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = wake.notified() => {}
                }
            }
            None => wake.notified().await,
        }
    }
}

/// Posts one event and records the attempt.
async fn post(shared: Shared, d: Delivery) {
    let sig = signature(&d.secret, now_ms() / 1000, &d.body);
    let status = tokio::time::timeout(POST_TIMEOUT, send(&d, &sig))
        .await
        .unwrap_or_else(|_| Err(format!("no answer within {} s", POST_TIMEOUT.as_secs())));
    let attempt = Attempt {
        seq: d.seq,
        kind: d.kind,
        url: d.target.url.clone(),
        signature: sig,
        body: d.body,
        status: status.as_ref().ok().copied(),
        error: status.err(),
    };
    lock(&shared).webhooks.attempts.push(attempt);
}

/// Sends the request and reads the status line of the answer.
async fn send(d: &Delivery, sig: &str) -> Result<u16, String> {
    let t = &d.target;
    let mut stream = TcpStream::connect((t.host.as_str(), t.port))
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {}:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nX-Inbox-Signature: {sig}\r\nUser-Agent: inbox-emulator\r\nConnection: close\r\n\r\n",
        t.path,
        t.host,
        t.port,
        d.body.len()
    );
    stream
        .write_all(format!("{head}{}", d.body).as_bytes())
        .await
        .map_err(|e| format!("write: {e}"))?;
    // The status line is all it needs: a receiver that keeps the connection open is no wait.
    let mut answer = Vec::new();
    let mut chunk = [0u8; 512];
    while !answer.contains(&b'\n') {
        let n = stream
            .read(&mut chunk)
            .await
            .map_err(|e| format!("read: {e}"))?;
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&chunk[..n]);
    }
    let line = answer.split(|&b| b == b'\n').next().unwrap_or_default();
    String::from_utf8_lossy(line)
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| "no HTTP status in the answer".to_string())
}
