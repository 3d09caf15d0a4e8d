//! The progress bar on stderr: bytes read of the total, rate and ETA; a spinner when the
//! total is unknown (stdin, archives). Hidden unless the run asked for it.

use std::io::{self, Read};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A cheap handle; a hidden bar does nothing.
#[derive(Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn hidden() -> Progress {
        Progress { bar: None }
    }

    /// A bar over `total` bytes, or a spinner when the total is unknown. It appears only
    /// after a moment, so quick runs print nothing.
    pub fn new(total: Option<u64>) -> Progress {
        let bar = match total {
            Some(total) => {
                let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
                bar.set_style(
                    ProgressStyle::with_template(
                        "why401: {bar:30} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar()), // ok: constant template
                );
                bar
            }
            None => {
                let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
                bar.set_style(
                    ProgressStyle::with_template("why401: {spinner} {bytes} {bytes_per_sec}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()), // ok: constant template
                );
                bar
            }
        };
        // Quick runs finish before the bar would appear and print nothing.
        let delayed = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(800));
            if !delayed.is_finished() {
                delayed.set_draw_target(ProgressDrawTarget::stderr());
                delayed.enable_steady_tick(Duration::from_millis(250));
            }
        });
        Progress { bar: Some(bar) }
    }

    pub fn add(&self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// Wraps a reader so its bytes count towards the bar.
    pub fn wrap<'a, R: Read + 'a>(&self, inner: R) -> Box<dyn Read + 'a> {
        if self.bar.is_none() {
            return Box::new(inner);
        }
        Box::new(Counting {
            inner,
            progress: self.clone(),
        })
    }
}

struct Counting<R> {
    inner: R,
    progress: Progress,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.add(n as u64);
        Ok(n)
    }
}
