//! `inbox-emulator`: a local emulator of the Inbox API (v1; v2's send, contacts, threads and
//! events; signed webhooks) for the demo and integration tests.
//!
//! The house, in the order a request travels (each room names only itself and the rooms after
//! it; `tests/layers.rs` checks it): `main`/`cli` (start-up) → `server` (hyper, the shared
//! socket, the raw fault path, the record) → `route` → `handlers` (`v1`, `v2`, control, files)
//! → `http` (the request and response they speak) → `model` (state, limits, faults, clock,
//! seed).

mod cli;
mod handlers;
mod http;
mod model;
mod route;
mod server;

use std::io::Write;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use tokio::net::TcpListener;

use crate::model::state::{Settings, State};

fn main() -> ExitCode {
    let args = match cli::parse(std::env::args().skip(1), cli::Env::read()) {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("inbox-emulator: {msg}\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    if args.help {
        println!("{}", cli::USAGE);
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("inbox-emulator: cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(args))
}

async fn run(args: cli::Args) -> ExitCode {
    let listener = match TcpListener::bind(("127.0.0.1", args.port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "inbox-emulator: cannot listen on 127.0.0.1:{}: {e}",
                args.port
            );
            return ExitCode::FAILURE;
        }
    };
    let port = match listener.local_addr() {
        Ok(addr) => addr.port(),
        Err(e) => {
            eprintln!("inbox-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    let shutdown = shutdown_signal();
    let origin = format!("http://127.0.0.1:{port}");
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "inbox-emulator listening on {origin}");
    let _ = writeln!(stdout, "token: {}", args.token);
    let _ = stdout.flush();

    let shared = Arc::new(Mutex::new(State::new(Settings {
        token: args.token,
        origin,
        team_limits: args.team_limits,
        sender_limits: args.sender_limits,
        windows: args.windows,
        team_background: args.team_background,
        team_background_shape: args.team_background_shape,
        author_ids: args.author_ids,
        webhook_target: args.webhook_target,
        webhook_secret: args.webhook_secret,
        webhook_events: args.webhook_events,
        idempotency_key_ttl_ms: args.idempotency_key_ttl_ms,
        extra_account_links: args.extra_account_links,
        serve_dir: args.serve_dir,
        log: args.log,
    })));
    tokio::spawn(server::outbound::run(shared.clone()));
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(server::handle_connection(shared.clone(), stream));
                }
                Err(e) => {
                    eprintln!("inbox-emulator: accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            },
            () = &mut shutdown => break,
        }
    }
    eprintln!("inbox-emulator: shutting down");
    ExitCode::SUCCESS
}

/// Installs the SIGINT/SIGTERM handlers now (before the ready lines are printed, so a signal
/// sent right after them still exits cleanly) and resolves when one arrives.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        async move {
            match (term, int) {
                (Ok(mut term), Ok(mut int)) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = int.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
