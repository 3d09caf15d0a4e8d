//! `-f html`: one self-contained page to attach to a ticket. Everything is inline (style, a
//! little script, SVG charts) and a Content-Security-Policy forbids any other script and any
//! network access, so it opens offline from an e-mail. It reads without JavaScript; the
//! script only adds the filters.
//!
//! Written as a stream: the findings are written as they come (each a closed `<details>`
//! holding its explanation, at most `--max-detail` of them, past the first page as data the
//! script shows a page at a time), and the summary, groups, timelines and inputs at the end;
//! the page's flex layout shows those first.

mod escape;
mod finding;
mod groups;
mod inputs;
mod pages;

use std::io::{self, Write};
use std::sync::OnceLock;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::{Aggregate, CauseAdvice, Presentation, Summary, Writer, printable};
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
    /// The number of the last finding listed (numbers increase in report order).
    last_listed: u64,
    pages: pages::Pages,
    advice: CauseAdvice,
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
            last_listed: 0,
            pages: pages::Pages::default(),
            advice: CauseAdvice::new(),
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
            self.last_listed = finding.number;
            if self.written <= pages::PAGE {
                finding::write(self.out, &shown)?;
            } else {
                let mut html = Vec::new();
                finding::write(&mut html, &shown)?;
                let html = String::from_utf8_lossy(&html).into_owned();
                self.pages.add(self.out, html)?;
            }
        }
        Ok(())
    }

    fn advice(&mut self, advice: &CauseAdvice) {
        self.advice = advice.clone();
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
        groups::write_filters(out, inputs, &self.aggregate, self.written.min(pages::PAGE))?;
        groups::write_groups(out, &self.aggregate, &self.advice, self.last_listed)?;
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
        self.pages.close(self.out)?;
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
    use why401_model::finding::{Cause, Confidence};

    fn finding(number: u64) -> Finding {
        Finding {
            number,
            source: "big.jsonl".into(),
            index: number,
            location: format!("line {number}"),
            time: None,
            method: "GET".into(),
            url: format!("https://api.example.com/v2/items/{}", number % 7),
            status: 401,
            cause: Cause::ExpiredToken,
            detail: "server_says_expired".into(),
            confidence: Confidence::High,
            evidence: vec!["the server says so".into()],
            credential: None,
            challenge: None,
            request_id: None,
            resolved_later: false,
            remediation: vec!["get a new token".into()],
            status_inferred: false,
            explain: None,
            facts: None,
        }
    }

    fn page_of(findings: u64, max_detail: usize) -> String {
        let mut page = Vec::new();
        let how = Presentation {
            max_detail,
            ..Presentation::default()
        };
        let mut summary = Summary::new();
        {
            let mut html = Html::new(&mut page, &how).expect("head");
            for n in 1..=findings {
                let f = finding(n);
                summary.add_finding(&f);
                html.finding(&f).expect("finding");
            }
            html.finish(&[], &summary, &[]).expect("finish");
        }
        String::from_utf8(page).expect("UTF-8")
    }

    #[test]
    fn findings_past_the_first_page_are_data_for_the_script() {
        let page = page_of(1_200, 10_000);
        assert_eq!(
            page.matches("<details class=\"finding\"").count(),
            pages::PAGE
        );
        let blocks: Vec<&str> = page
            .split("<script type=\"application/json\" class=\"page\">")
            .skip(1)
            .map(|rest| rest.split("</script>").next().unwrap_or(""))
            .collect();
        assert_eq!(blocks.len(), 2);
        let items: Vec<Vec<String>> = blocks
            .iter()
            .map(|b| serde_json::from_str(b).expect("a JSON array of strings"))
            .collect();
        assert_eq!((items[0].len(), items[1].len()), (pages::PAGE, 200));
        assert!(items[1][199].starts_with("<details class=\"finding\" id=\"f1200\""));
        assert!(blocks.iter().all(|b| !b.contains('<')));
    }

    #[test]
    fn past_max_detail_findings_are_counted_and_grouped_not_listed() {
        let page = page_of(20_000, 50);
        assert_eq!(page.matches("<details class=\"finding\"").count(), 50);
        assert!(!page.contains("class=\"page\""), "50 findings fit a page");
        assert!(page.contains("19950 more finding(s) not listed"));
        assert!(page.contains("<h2>Expired token (20000)</h2>"));
        assert!(page.len() < 200_000, "{} bytes", page.len());
    }

    #[test]
    fn the_policy_names_the_inline_script_and_style_by_hash() {
        let policy = content_security_policy();
        assert!(policy.contains(&format!("script-src '{}'", hash_source(SCRIPT))));
        assert!(policy.contains(&format!("style-src '{}'", hash_source(STYLE))));
        assert!(policy.starts_with("default-src 'none'"));
        assert!(!policy.contains("unsafe"));
    }
}
