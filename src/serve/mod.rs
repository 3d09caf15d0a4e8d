//! `why401 serve`: a local page to drop captures on. The same engine as `analyze` runs on the
//! uploaded files and the page shows its HTML report with the JSON, CSV and Markdown ones to
//! download. Nothing leaves the machine and nothing stays: uploads stream into a temporary
//! folder removed when the analysis ends, reports are kept in memory for a while only, and
//! only counts are logged.
//!
//! Safe by default: it listens on localhost; another address needs `--token FILE`. Every
//! request must name an allowed host (no DNS rebinding), changes must come from the page's
//! own origin (no CSRF), and every response forbids caching, referrers and foreign content.

mod analysis;
mod guard;
mod page;

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, bail};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use sha2::{Digest, Sha256};

use crate::cli::ServeArgs;

/// What the server was started with, decided before it binds.
pub struct Settings {
    pub listen: SocketAddr,
    /// SHA-256 of the token, when one is required.
    pub token: Option<[u8; 32]>,
    /// Names besides the listen address that requests may give as `Host`.
    pub names: Vec<String>,
    pub max_upload: u64,
    pub max_analyses: usize,
    /// The `analyze` flags every analysis gets (profile, keys, clock).
    pub evidence_flags: Vec<String>,
}

impl Settings {
    /// Every usage error is found here: a bad address, a non-local one without a token, an
    /// unreadable token, profile or key file.
    pub fn from_args(args: &ServeArgs) -> anyhow::Result<Settings> {
        let listen: SocketAddr = args.listen.parse().with_context(|| {
            format!(
                "--listen: '{}' is not an address and port such as 127.0.0.1:8401",
                args.listen
            )
        })?;
        let token = match &args.token {
            Some(path) => Some(read_token(path)?),
            None if !listen.ip().is_loopback() => bail!(
                "--listen {listen} is reachable from other machines: give --token FILE (a \
                 shared secret the page asks for), or listen on 127.0.0.1"
            ),
            None => None,
        };
        if args.max_analyses == 0 {
            bail!("--max-analyses must be at least 1");
        }
        crate::config::evidence_context(&args.evidence)?;
        Ok(Settings {
            listen,
            token,
            names: args.allow_host.clone(),
            max_upload: crate::config::parse_size(&args.max_upload).context("--max-upload")?,
            max_analyses: args.max_analyses,
            evidence_flags: evidence_flags(&args.evidence),
        })
    }

    /// The `Host` values a request may carry: the address it listens on (and `localhost` for
    /// a loopback or any-address listener), and the configured names with or without port.
    fn allowed_hosts(&self, bound: SocketAddr) -> BTreeSet<String> {
        let port = bound.port();
        let mut hosts = BTreeSet::from([bound.to_string()]);
        let ip = bound.ip();
        if ip.is_loopback() || ip.is_unspecified() {
            hosts.insert(format!("localhost:{port}"));
            hosts.insert(format!("127.0.0.1:{port}"));
            hosts.insert(format!("[::1]:{port}"));
        }
        for name in &self.names {
            let name = name.to_ascii_lowercase();
            hosts.insert(format!("{name}:{port}"));
            hosts.insert(name);
        }
        hosts
    }
}

fn read_token(path: &Path) -> anyhow::Result<[u8; 32]> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("--token: cannot read {}", path.display()))?;
    let token = text.trim();
    if token.len() < 16 {
        bail!(
            "--token: {} holds {} character(s); use at least 16 (for example: openssl rand -hex 32 > {})",
            path.display(),
            token.len(),
            path.display()
        );
    }
    Ok(Sha256::digest(token.as_bytes()).into())
}

/// The evidence flags as `analyze` takes them.
fn evidence_flags(evidence: &crate::cli::EvidenceArgs) -> Vec<String> {
    let mut flags = Vec::new();
    let paths = [
        ("--profile", &evidence.profile),
        ("--jwks", &evidence.jwks),
        ("--key", &evidence.key),
    ];
    for (flag, path) in paths {
        if let Some(path) = path {
            flags.extend([flag.to_owned(), path.display().to_string()]);
        }
    }
    if let Some(at) = &evidence.at {
        flags.extend(["--at".to_owned(), at.clone()]);
    }
    if let Some(leeway) = evidence.leeway {
        flags.extend(["--leeway".to_owned(), leeway.to_string()]);
    }
    flags
}

/// What every request handler shares.
pub struct App {
    pub settings: Settings,
    pub hosts: BTreeSet<String>,
    pub permits: Arc<tokio::sync::Semaphore>,
    pub reports: Mutex<analysis::Reports>,
}

/// Starts the server and serves until the process ends.
pub fn run(args: &ServeArgs) -> anyhow::Result<u8> {
    let settings = Settings::from_args(args)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    runtime.block_on(serve(settings))?;
    Ok(0)
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let bound = listener.local_addr()?;
    let app = Arc::new(App {
        hosts: settings.allowed_hosts(bound),
        permits: Arc::new(tokio::sync::Semaphore::new(settings.max_analyses)),
        reports: Mutex::new(analysis::Reports::default()),
        settings,
    });
    eprintln!(
        "why401 serve: listening on http://{}/ ({}; Ctrl-C to stop)",
        shown_address(bound),
        if app.settings.token.is_some() {
            "token required"
        } else {
            "this machine only"
        }
    );
    axum::serve(listener, router(app)).await?;
    Ok(())
}

/// The address to type in a browser: `localhost` for a loopback or any-address listener.
fn shown_address(bound: SocketAddr) -> String {
    match bound.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => format!("127.0.0.1:{}", bound.port()),
        _ => bound.to_string(),
    }
}

fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(page::index))
        .route("/login", post(guard::login))
        .route("/analyze", post(analysis::upload))
        .route("/report/{id}", get(analysis::report))
        .route("/report/{id}/{kind}", get(analysis::download))
        .route("/report/{id}/sanitized/{n}", get(analysis::sanitized))
        .fallback(page::not_found)
        // Uploads are counted against --max-upload as they stream, not buffered.
        .layer(DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            guard::check,
        ))
        .with_state(app)
}
