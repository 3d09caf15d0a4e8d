//! One analysis: the upload streamed into a temporary folder (named by the server, never by
//! the user), the engine run on it once into every format, the folder removed, the reports
//! kept in memory for the page to show and download.

use std::collections::VecDeque;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::multipart::Field;
use axum::extract::{Multipart, Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use clap::Parser as _;
use sha2::{Digest, Sha256};

use super::{App, page};
use crate::cli::{Cli, Command};
use crate::report::{self, Summary, Writer};

/// Reports kept for downloads; the oldest goes when a new one comes.
const KEPT: usize = 8;

/// The reports of one analysis.
pub struct Finished {
    id: String,
    html: Vec<u8>,
    json: Vec<u8>,
    csv: Vec<u8>,
    markdown: Vec<u8>,
    /// A sanitized copy of each upload (`why401 sanitize`'s, made before the upload is
    /// deleted): the name to download it as, and its bytes or why there is none.
    sanitized: Vec<(String, Result<Vec<u8>, String>)>,
}

#[derive(Default)]
pub struct Reports(VecDeque<Finished>);

impl Reports {
    fn keep(&mut self, finished: Finished) {
        if self.0.len() >= KEPT {
            self.0.pop_front();
        }
        self.0.push_back(finished);
    }
}

/// Why an upload was not analyzed, said to the page.
struct Refused(StatusCode, String);

pub async fn upload(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let from_page = headers
        .get("x-requested-with")
        .is_some_and(|v| v == "why401");
    match analyze_upload(&app, &headers, multipart).await {
        Ok((id, summary, sanitized)) if from_page => json(
            StatusCode::OK,
            serde_json::json!({ "id": id, "summary": summary, "sanitized": sanitized }),
        ),
        Ok((id, ..)) => Redirect::to(&format!("/report/{id}")).into_response(),
        Err(Refused(status, text)) if from_page => {
            json(status, serde_json::json!({ "error": text }))
        }
        Err(Refused(status, text)) => page::message(status, &text),
    }
}

fn json(status: StatusCode, value: serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

async fn analyze_upload(
    app: &App,
    headers: &HeaderMap,
    mut multipart: Multipart,
) -> Result<(String, Summary, Vec<String>), Refused> {
    let max = app.settings.max_upload;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(too_large(max));
    }
    let Ok(permit) = app.permits.clone().try_acquire_owned() else {
        return Err(Refused(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "{} analyses are running already (--max-analyses); try again when one ends.",
                app.settings.max_analyses
            ),
        ));
    };
    let started = Instant::now();
    let folder = tempfile::Builder::new()
        .prefix("why401-serve-")
        .tempdir()
        .map_err(|e| internal(&e))?;
    let mut total = 0u64;
    let mut files = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(bad_upload)? {
        if let Some(path) = store(field, folder.path(), files.len(), &mut total, max).await? {
            files.push(path);
        }
    }
    if files.is_empty() {
        return Err(Refused(
            StatusCode::BAD_REQUEST,
            "Nothing to analyze: choose files or paste a ticket.".to_owned(),
        ));
    }
    let flags = app.settings.evidence_flags.clone();
    let count = files.len();
    let run = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let result = analyze_files(&flags, folder.path(), &files);
        drop(folder);
        result
    })
    .await
    .map_err(|e| internal(&e))?;
    let (finished, summary) = run.map_err(|e| internal(&e))?;
    // Counts only; a closed stderr must not stop the server.
    let _ = writeln!(
        std::io::stderr(),
        "why401 serve: {count} input(s), {total} byte(s): {} exchange(s), {} unauthorized, in {} ms",
        summary.exchanges,
        summary.unauthorized,
        started.elapsed().as_millis()
    );
    let id = finished.id.clone();
    let sanitized = finished.sanitized.iter().map(|(n, _)| n.clone()).collect();
    if let Ok(mut reports) = app.reports.lock() {
        reports.keep(finished);
    }
    Ok((id, summary, sanitized))
}

/// Streams one form field into the folder, counting against the limit. The file's name is
/// kept only as a word (letters, digits, `.`, `-`, `_`) so the report names the upload;
/// the path is the server's own.
async fn store(
    mut field: Field<'_>,
    folder: &Path,
    index: usize,
    total: &mut u64,
    max: u64,
) -> Result<Option<PathBuf>, Refused> {
    let name = match (field.name(), field.file_name()) {
        (Some("ticket"), _) => "pasted-ticket.txt".to_owned(),
        (Some("files"), Some(file)) if !file.is_empty() => plain_name(file),
        _ => return Ok(None),
    };
    let path = folder.join(format!("{}-{name}", index + 1));
    let mut file = std::fs::File::create(&path).map_err(|e| internal(&e))?;
    let mut written = 0u64;
    while let Some(chunk) = field.chunk().await.map_err(bad_upload)? {
        *total += chunk.len() as u64;
        if *total > max {
            return Err(too_large(max));
        }
        written += chunk.len() as u64;
        file.write_all(&chunk).map_err(|e| internal(&e))?;
    }
    let blank_ticket = name == "pasted-ticket.txt" && written == 0;
    Ok((!blank_ticket).then_some(path))
}

/// The last part of a name the browser sent, reduced to safe characters.
fn plain_name(sent: &str) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or("");
    let name: String = last
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    let name = name.trim_start_matches('.');
    if name.is_empty() {
        "upload".to_owned()
    } else {
        name.to_owned()
    }
}

/// The engine on the files, once, into every format; the folder's path is taken out of the
/// reports so they name the uploads as the user called them.
fn analyze_files(
    flags: &[String],
    folder: &Path,
    files: &[PathBuf],
) -> anyhow::Result<(Finished, Summary)> {
    let mut words: Vec<String> = ["why401", "analyze", "-q", "--no-progress", "-j", "2"]
        .map(str::to_owned)
        .to_vec();
    words.extend(["-f".to_owned(), "html".to_owned()]);
    words.extend(flags.iter().cloned());
    words.push("--".to_owned());
    words.extend(files.iter().map(|p| p.display().to_string()));
    let Command::Analyze(args) = Cli::try_parse_from(words)?.command else {
        anyhow::bail!("not an analysis");
    };
    let config = crate::config::Config::from_args(*args)?;
    let (mut html, mut json, mut csv, mut markdown) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let summary = {
        let mut tee = Tee(vec![
            Box::new(report::html::Html::new(&mut html, &config.presentation)?),
            Box::new(report::json::Json::new(&mut json)?),
            Box::new(report::csv::Csv::new(&mut csv)?),
            Box::new(report::ForPeople::new(
                &mut markdown,
                config.presentation,
                true,
            )),
        ]);
        crate::run_with(&config, &mut tee)?.1
    };
    let prefix = format!("{}/", folder.display());
    let clean = |bytes: Vec<u8>| {
        String::from_utf8_lossy(&bytes)
            .replace(&prefix, "")
            .into_bytes()
    };
    let finished = Finished {
        id: new_id(folder),
        html: clean(html),
        json: clean(json),
        csv: clean(csv),
        markdown: clean(markdown),
        sanitized: files.iter().map(|path| sanitized_copy(path)).collect(),
    };
    Ok((finished, summary))
}

/// One upload through `why401 sanitize` (every secret a marker, the same shape), named as the
/// user called it with `sanitized-` before, without the server's `N-` prefix.
fn sanitized_copy(path: &Path) -> (String, Result<Vec<u8>, String>) {
    let stored = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = stored.split_once('-').map_or(stored.as_str(), |(_, n)| n);
    let copy = crate::sanitize::file_in_memory(path, name).map_err(|err| err.to_string());
    (format!("sanitized-{name}"), copy)
}

/// An id nobody can guess: a hash of the time, the process and the random folder name.
fn new_id(folder: &Path) -> String {
    let seed = format!(
        "{:?} {} {}",
        std::time::SystemTime::now(),
        std::process::id(),
        folder.display()
    );
    Sha256::digest(seed.as_bytes())[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Several writers fed from one run.
struct Tee<'a>(Vec<Box<dyn Writer + 'a>>);

impl Writer for Tee<'_> {
    fn finding(&mut self, finding: &crate::finding::Finding) -> std::io::Result<()> {
        self.0.iter_mut().try_for_each(|w| w.finding(finding))
    }
    fn input(&mut self, stats: &crate::parse::InputStats) -> std::io::Result<()> {
        self.0.iter_mut().try_for_each(|w| w.input(stats))
    }
    fn finish(
        &mut self,
        inputs: &[crate::parse::InputStats],
        summary: &Summary,
        timelines: &[crate::finding::Timeline],
    ) -> std::io::Result<()> {
        self.0
            .iter_mut()
            .try_for_each(|w| w.finish(inputs, summary, timelines))
    }
}

fn too_large(max: u64) -> Refused {
    Refused(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "The upload is larger than {max} bytes (--max-upload); send fewer or smaller files."
        ),
    )
}

fn bad_upload(err: axum::extract::multipart::MultipartError) -> Refused {
    Refused(
        err.status(),
        format!("The upload could not be read: {}", err.body_text()),
    )
}

fn internal(err: &dyn std::fmt::Display) -> Refused {
    Refused(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("The analysis failed: {err}"),
    )
}

/// The HTML report, with its own policy (its script's hash).
pub async fn report(State(app): State<Arc<App>>, UrlPath(id): UrlPath<String>) -> Response {
    match take(&app, &id, |f| f.html.clone()) {
        Some(html) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (
                    header::CONTENT_SECURITY_POLICY,
                    report::html::content_security_policy(),
                ),
            ],
            html,
        )
            .into_response(),
        None => gone(),
    }
}

/// The sanitized copy of the `n`th upload (from 1).
pub async fn sanitized(
    State(app): State<Arc<App>>,
    UrlPath((id, n)): UrlPath<(String, usize)>,
) -> Response {
    let copy = take(&app, &id, |f| {
        n.checked_sub(1)
            .and_then(|i| f.sanitized.get(i))
            .map(|(name, copy)| (name.clone(), copy.clone()))
    });
    match copy.flatten() {
        Some((name, Ok(bytes))) => page::attachment("application/octet-stream", &name, bytes),
        Some((_, Err(why))) => page::message(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("This upload has no sanitized copy: {why}"),
        ),
        None => gone(),
    }
}

pub async fn download(
    State(app): State<Arc<App>>,
    UrlPath((id, kind)): UrlPath<(String, String)>,
) -> Response {
    let (content_type, name): (&'static str, &str) = match kind.as_str() {
        "json" => ("application/json", "why401-report.json"),
        "csv" => ("text/csv; charset=utf-8", "why401-report.csv"),
        "md" => ("text/markdown; charset=utf-8", "why401-report.md"),
        "html" => ("text/html; charset=utf-8", "why401-report.html"),
        _ => return page::not_found().await,
    };
    let body = take(&app, &id, |f| match kind.as_str() {
        "json" => f.json.clone(),
        "csv" => f.csv.clone(),
        "md" => f.markdown.clone(),
        _ => f.html.clone(),
    });
    match body {
        Some(body) => page::attachment(content_type, name, body),
        None => gone(),
    }
}

fn take<T>(app: &App, id: &str, part: impl Fn(&Finished) -> T) -> Option<T> {
    let reports = app.reports.lock().ok()?;
    reports.0.iter().find(|f| f.id == id).map(part)
}

fn gone() -> Response {
    page::message(
        StatusCode::NOT_FOUND,
        "This report is no longer kept (the server keeps the last few); analyze the files again.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_the_browser_never_reach_outside_the_folder() {
        assert_eq!(plain_name("../../etc/passwd"), "passwd");
        assert_eq!(plain_name("..\\..\\boot.ini"), "boot.ini");
        assert_eq!(plain_name(".."), "upload");
        assert_eq!(plain_name("a b<script>.har"), "a_b_script_.har");
        assert_eq!(plain_name(".hidden.har"), "hidden.har");
    }
}
