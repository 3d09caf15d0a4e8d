//! `-f json`: the why401/report/v1 document.

use std::io::{self, Write};

use serde::Serialize;

use super::{SCHEMA, Summary};
use crate::finding::Finding;
use crate::parse::InputStats;
use crate::pipeline::SourceOutput;

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    inputs: Vec<&'a InputStats>,
    summary: &'a Summary,
    findings: Vec<&'a Finding>,
}

pub fn write(out: &mut dyn Write, outputs: &[SourceOutput], summary: &Summary) -> io::Result<()> {
    let document = Document {
        schema: SCHEMA,
        inputs: outputs.iter().map(|o| &o.stats).collect(),
        summary,
        findings: outputs.iter().flat_map(|o| o.findings.iter()).collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    out.write_all(b"\n")
}
