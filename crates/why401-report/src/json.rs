//! `-f json` (the why401/report/v1 document) and `-f jsonl` (one object per line). Both
//! stream: findings are written as they come, so any number of them fits. Key order in the
//! document is free, so `findings` comes before `inputs` and `summary`.

use std::io::{self, Write};

use serde::Serialize;

use super::{SCHEMA, Summary, Writer, printable};
use why401_model::finding::{Finding, Timeline};
use why401_model::input::InputStats;

/// The JSON document, one finding per line inside `findings`.
pub struct Json<'w> {
    out: &'w mut dyn Write,
    written: u64,
}

impl<'w> Json<'w> {
    pub fn new(out: &'w mut dyn Write) -> io::Result<Json<'w>> {
        write!(out, "{{\n  \"schema\": \"{SCHEMA}\",\n  \"findings\": [")?;
        Ok(Json { out, written: 0 })
    }
}

impl Writer for Json<'_> {
    fn finding(&mut self, finding: &Finding) -> io::Result<()> {
        let separator = if self.written == 0 {
            "\n    "
        } else {
            ",\n    "
        };
        self.out.write_all(separator.as_bytes())?;
        serde_json::to_writer(&mut *self.out, &*printable(finding))?;
        self.written += 1;
        Ok(())
    }

    fn finish(
        &mut self,
        inputs: &[InputStats],
        summary: &Summary,
        _timelines: &[Timeline],
    ) -> io::Result<()> {
        let close = if self.written == 0 { "]" } else { "\n  ]" };
        write!(self.out, "{close},\n  \"inputs\": [")?;
        for (i, input) in inputs.iter().enumerate() {
            self.out
                .write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
            serde_json::to_writer(&mut *self.out, input)?;
        }
        let close = if inputs.is_empty() { "]" } else { "\n  ]" };
        write!(self.out, "{close},\n  \"summary\": ")?;
        serde_json::to_writer(&mut *self.out, summary)?;
        self.out.write_all(b"\n}\n")
    }
}

/// `--explain N` with `-f json`/`-f jsonl`: finding `#N`'s object alone, as it stands in
/// `findings[]`, for a script that wants one finding.
pub struct OneFinding<'w> {
    out: &'w mut dyn Write,
    wanted: usize,
}

impl<'w> OneFinding<'w> {
    pub fn new(out: &'w mut dyn Write, wanted: usize) -> OneFinding<'w> {
        OneFinding { out, wanted }
    }
}

impl Writer for OneFinding<'_> {
    fn finding(&mut self, finding: &Finding) -> io::Result<()> {
        if finding.number as usize != self.wanted {
            return Ok(());
        }
        serde_json::to_writer_pretty(&mut *self.out, &*printable(finding))?;
        self.out.write_all(b"\n")
    }

    fn finish(&mut self, _: &[InputStats], _: &Summary, _: &[Timeline]) -> io::Result<()> {
        Ok(())
    }
}

/// JSON lines: each source's `input` line, then its findings; the `summary` line last.
pub struct JsonLines<'w> {
    out: &'w mut dyn Write,
}

impl<'w> JsonLines<'w> {
    pub fn new(out: &'w mut dyn Write) -> JsonLines<'w> {
        JsonLines { out }
    }
}

impl Writer for JsonLines<'_> {
    fn input(&mut self, stats: &InputStats) -> io::Result<()> {
        write_line(self.out, "input", stats)
    }

    fn finding(&mut self, finding: &Finding) -> io::Result<()> {
        write_line(self.out, "finding", &*printable(finding))
    }

    fn finish(
        &mut self,
        _inputs: &[InputStats],
        summary: &Summary,
        _timelines: &[Timeline],
    ) -> io::Result<()> {
        write_line(self.out, "summary", summary)
    }
}

#[derive(Serialize)]
struct Line<'a, T: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    schema: &'static str,
    #[serde(flatten)]
    item: &'a T,
}

fn write_line<T: Serialize>(out: &mut dyn Write, kind: &'static str, item: &T) -> io::Result<()> {
    let line = Line {
        kind,
        schema: SCHEMA,
        item,
    };
    serde_json::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")
}
