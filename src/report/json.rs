//! `-f json` (the why401/report/v1 document) and `-f jsonl` (one object per line: inputs,
//! findings, then the summary last).

use std::io::{self, Write};

use serde::{Serialize, Serializer};

use super::{SCHEMA, View, printable};
use crate::finding::Finding;

#[derive(Serialize)]
struct Document<'v, 'a> {
    schema: &'static str,
    inputs: &'v [&'a crate::parse::InputStats],
    summary: &'a super::Summary,
    findings: Findings<'v, 'a>,
}

/// The findings as [`printable`] shows them, serialized one at a time.
struct Findings<'v, 'a>(&'v [&'a Finding]);

impl Serialize for Findings<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|f| printable(f)))
    }
}

pub fn write(out: &mut dyn Write, view: &View) -> io::Result<()> {
    let document = Document {
        schema: SCHEMA,
        inputs: &view.inputs,
        summary: view.summary,
        findings: Findings(&view.findings),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
struct Line<'a, T: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    schema: &'static str,
    #[serde(flatten)]
    item: &'a T,
}

pub fn write_lines(out: &mut dyn Write, view: &View) -> io::Result<()> {
    for input in &view.inputs {
        write_line(out, "input", *input)?;
    }
    for finding in &view.findings {
        write_line(out, "finding", &*printable(finding))?;
    }
    write_line(out, "summary", view.summary)
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
