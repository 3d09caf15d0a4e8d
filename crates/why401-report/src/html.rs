//! `-f html`: one self-contained page to attach to a ticket. Everything is inline (style, a
//! little script, SVG charts) and a Content-Security-Policy forbids any other script and any
//! network access, so it opens offline from an e-mail. It reads without JavaScript; the
//! script only adds the filters.
//!
//! Written as a stream: the findings are written as they come (each a closed `<details>`
//! holding its explanation, at most `--max-detail` of them), and the summary, groups,
//! timelines and inputs at the end; the page's flex layout shows those first.

mod escape;
mod finding;
mod groups;
mod inputs;

use std::io::{self, Write};
use std::sync::OnceLock;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::{Aggregate, Presentation, Summary, Writer, printable};
use why401_model::finding::{Finding, Timeline};
use why401_model::input::InputStats;

pub use escape::{json_for_script, safe_link, text as escape};

const STYLE: &str = include_str!("html/style.css");
const SCRIPT: &str = include_str!("html/script.js");

/// The page's policy: its own style and script (by hash), images only inline, nothing
/// fetched, no form sent, no base URL changed.
pub fn content_security_policy() -> &'static str {
    static POLICY: OnceLock<String> = OnceLock::new();
    POLICY.get_or_init(|| {
        format!(
            "default-src 'none'; script-src '{}'; style-src '{}'; img-src data:; \
             base-uri 'none'; form-action 'none'",
            hash_source(SCRIPT),
            hash_source(STYLE)
        )
    })
}

/// A CSP hash source (`sha256-…`) for an inline element's exact text.
pub fn hash_source(inline: &str) -> String {
    let digest = Sha256::digest(inline.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The HTML writer: findings streamed, the rest at the end.
pub struct Html<'w> {
    out: &'w mut dyn Write,
    aggregate: Aggregate,
    max_detail: usize,
    written: usize,
}

impl<'w> Html<'w> {
    pub fn new(out: &'w mut dyn Write, how: &Presentation) -> io::Result<Html<'w>> {
        let how = Presentation {
            explain: None,
            ..*how
        };
        write_head(out)?;
        Ok(Html {
            out,
            aggregate: Aggregate::new(&how),
            max_detail: how.max_detail,
            written: 0,
        })
    }
}

fn write_head(out: &mut dyn Write) -> io::Result<()> {
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>why401 report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>why401 report</h1>\n<section id=\"findings\">\n<h2>Findings</h2>\n",
        content_security_policy()
    )
}

impl Writer for Html<'_> {
    fn finding(&mut self, finding: &Finding) -> io::Result<()> {
        let shown = printable(finding);
        self.aggregate.add(&shown, false);
        if self.written < self.max_detail {
            self.written += 1;
            finding::write(self.out, &shown)?;
        }
        Ok(())
    }

    fn finish(
        &mut self,
        inputs: &[InputStats],
        summary: &Summary,
        timelines: &[Timeline],
    ) -> io::Result<()> {
        self.close_findings()?;
        let out = &mut *self.out;
        groups::write_summary(out, inputs, summary, &self.aggregate)?;
        groups::write_filters(out, inputs, &self.aggregate, self.written)?;
        groups::write_groups(out, &self.aggregate)?;
        inputs::write_timelines(out, timelines)?;
        inputs::write_inputs(out, inputs)?;
        let data = serde_json::to_value(summary).unwrap_or_default();
        write!(
            out,
            "<footer>Written by why401 {}; nothing in this page is fetched from anywhere.</footer>\n\
             <script type=\"application/json\" id=\"why401-summary\">{}</script>\n\
             <script>{SCRIPT}</script>\n</body>\n</html>\n",
            env!("CARGO_PKG_VERSION"),
            json_for_script(&data)
        )
    }
}

impl Html<'_> {
    fn close_findings(&mut self) -> io::Result<()> {
        let shown = self.aggregate.shown;
        if shown == 0 {
            writeln!(self.out, "<p>No finding.</p>")?;
        }
        if shown as usize > self.written {
            writeln!(
                self.out,
                "<p class=\"dim\">{} more finding(s) not listed: --max-detail {} was reached \
                 (counts and groups include them).</p>",
                shown as usize - self.written,
                self.max_detail
            )?;
        }
        writeln!(self.out, "</section>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_names_the_inline_script_and_style_by_hash() {
        let policy = content_security_policy();
        assert!(policy.contains(&format!("script-src '{}'", hash_source(SCRIPT))));
        assert!(policy.contains(&format!("style-src '{}'", hash_source(STYLE))));
        assert!(policy.starts_with("default-src 'none'"));
        assert!(!policy.contains("unsafe"));
    }
}
