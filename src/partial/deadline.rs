//! `--input-timeout`: a deadline per input, so one input that hangs (a pipe whose writer never
//! writes, a stalled network mount, a trickling stdin) becomes an error for that input while
//! the run goes on. A blocked `read` cannot be interrupted, so the input is read on a thread
//! of its own that the run abandons at the deadline: nothing ever joins it, and the process
//! ends when the run does. An abandoned thread that is still making progress stops at its next
//! read, so it wastes no more work.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context as _, bail};

use crate::input::SourceSpec;
use crate::pipeline::{self, ReadOptions, SourceOutput};
use crate::progress::Progress;

/// Reads and judges one source as [`pipeline`] does, giving up after `limit`: the source is
/// then one failed output naming the timeout and its flag.
pub fn analyze_spec(
    spec: &SourceSpec,
    options: ReadOptions,
    progress: &Progress,
    limit: Duration,
) -> Vec<SourceOutput> {
    let owned = spec.clone();
    let owned_progress = progress.clone();
    // The thread may outlive this run's borrow of the context; each input has its own copy.
    let context = options.context.clone();
    let (forced_format, ticket, limits, keep_findings) = (
        options.forced_format,
        options.ticket,
        options.limits,
        options.keep_findings,
    );
    let stop = Arc::new(AtomicBool::new(false));
    let stop_reads = stop.clone();
    let work = move || {
        let options = ReadOptions {
            forced_format,
            ticket,
            context: &context,
            limits,
            keep_findings,
        };
        pipeline::analyze_spec(&owned, options, |raw| {
            Box::new(Stoppable {
                inner: owned_progress.wrap(raw),
                stop: stop_reads,
            })
        })
    };
    match within(limit, work) {
        Some(outputs) => outputs,
        None => {
            stop.store(true, Ordering::Relaxed);
            vec![pipeline::failed(&spec.name, timed_out(limit))]
        }
    }
}

/// The error of an input abandoned at its deadline.
pub fn timed_out(limit: Duration) -> String {
    let limit = humantime(limit);
    format!("no result within {limit} (--input-timeout {limit}): the input was abandoned")
}

/// Runs `work` on a thread of its own and waits for it at most `limit`. On time out the
/// thread is left running, never joined (see the module's comment).
fn within<T: Send + 'static>(
    limit: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let (done, result) = mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name("why401-input".to_owned())
        .spawn(move || {
            // The receiver is gone once the deadline passed; the result is then dropped.
            let _ = done.send(work());
        });
    if spawned.is_err() {
        return None;
    }
    result.recv_timeout(limit).ok()
}

/// A reader that fails once the run gave up on its input.
struct Stoppable<R> {
    inner: R,
    stop: Arc<AtomicBool>,
}

impl<R: Read> Read for Stoppable<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "abandoned at --input-timeout",
            ));
        }
        self.inner.read(buf)
    }
}

/// `--input-timeout`'s value: a positive number with a unit, `ms`, `s`, `m` or `h` (a number
/// alone is seconds).
pub fn parse_duration(text: &str) -> anyhow::Result<Duration> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let shape = || format!("'{text}' is not a duration such as 30s, 5m or 1h");
    let number: f64 = number.parse().with_context(shape)?;
    let seconds = match unit.trim() {
        "ms" => number / 1000.0,
        "" | "s" => number,
        "m" | "min" => number * 60.0,
        "h" => number * 3600.0,
        _ => bail!(shape()),
    };
    if seconds <= 0.0 {
        bail!("'{text}' must be more than zero");
    }
    Duration::try_from_secs_f64(seconds).with_context(|| format!("'{text}' is too long"))
}

/// A duration as the user would write it back: `30s`, `5m`, `1h`, `1500ms`.
fn humantime(limit: Duration) -> String {
    let millis = limit.as_millis();
    if millis.is_multiple_of(3_600_000) {
        format!("{}h", millis / 3_600_000)
    } else if millis.is_multiple_of(60_000) {
        format!("{}m", millis / 60_000)
    } else if millis.is_multiple_of(1000) {
        format!("{}s", millis / 1000)
    } else {
        format!("{millis}ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_a_unit_or_are_seconds() {
        assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("5m").unwrap(), Duration::from_secs(300));
        assert_eq!(parse_duration("1h").unwrap(), Duration::from_secs(3600));
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("2").unwrap(), Duration::from_secs(2));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        for bad in ["", "0s", "s", "5 days", "-1s", "1e999"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_message_writes_the_limit_back() {
        assert!(timed_out(Duration::from_secs(300)).contains("--input-timeout 5m"));
        assert!(timed_out(Duration::from_millis(1500)).contains("1500ms"));
    }

    #[test]
    fn work_past_the_limit_is_abandoned_and_work_within_it_returns() {
        assert_eq!(within(Duration::from_secs(5), || 7), Some(7));
        let hang = || std::thread::sleep(Duration::from_secs(3600));
        assert_eq!(within(Duration::from_millis(50), hang), None);
    }
}
