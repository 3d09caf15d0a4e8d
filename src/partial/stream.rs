//! `merge` without holding every record: each partial stream is read in source-name order and
//! the streams are merged as they are read (a k-way merge). A file already in order (what
//! `analyze --partial` and `merge --partial` write) is read twice, once for its names only and
//! once record by record, and is never held whole; stdin, and a file out of order, are held
//! and sorted. The order is the one a stable sort of every record, in the order the streams
//! were named, gives, so the report is byte for byte the same.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufRead, BufReader, Lines};
use std::sync::Arc;

use anyhow::Context as _;
use serde::Deserialize;

use super::Record;

/// The records of one partial stream, in source-name order.
pub enum Sorted {
    /// A file already in order, read one record at a time.
    File {
        name: String,
        lines: Lines<BufReader<File>>,
        line: usize,
    },
    /// Stdin, or a file out of order: held and sorted.
    Held(std::vec::IntoIter<Record>),
}

impl Sorted {
    pub fn open(name: &str) -> anyhow::Result<Sorted> {
        if name != "-" && in_order(name) {
            let file = File::open(name)
                .with_context(|| format!("{name}: cannot open the partial report"))?;
            return Ok(Sorted::File {
                name: name.to_owned(),
                lines: BufReader::new(file).lines(),
                line: 0,
            });
        }
        let mut records = Vec::new();
        super::read_partial(name, &mut records)?;
        // Stable: records of one source name keep the order they came in.
        records.sort_by(|a, b| a.input.source.as_bytes().cmp(b.input.source.as_bytes()));
        Ok(Sorted::Held(records.into_iter()))
    }

    fn next(&mut self) -> anyhow::Result<Option<Record>> {
        match self {
            Sorted::Held(records) => Ok(records.next()),
            Sorted::File { name, lines, line } => {
                for text in lines.by_ref() {
                    *line += 1;
                    let text = text.with_context(|| format!("{name}: line {line}: cannot read"))?;
                    if !text.trim().is_empty() {
                        return super::parse_record(name, *line, &text).map(Some);
                    }
                }
                Ok(None)
            }
        }
    }
}

/// A file whose records are in source-name order, from a pass that reads only the names. A
/// line that does not parse sends the file to the held path, which reports it.
fn in_order(name: &str) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        input: ProbeInput,
    }
    #[derive(Deserialize)]
    struct ProbeInput {
        source: String,
    }
    let Ok(file) = File::open(name) else {
        return false;
    };
    let mut last: Option<String> = None;
    for line in BufReader::new(file).lines() {
        let Ok(line) = line else {
            return false;
        };
        if line.trim().is_empty() {
            continue;
        }
        let Ok(probe) = serde_json::from_str::<Probe>(&line) else {
            return false;
        };
        if last.is_some_and(|last| last.as_bytes() > probe.input.source.as_bytes()) {
            return false;
        }
        last = Some(probe.input.source);
    }
    true
}

/// Hands on the records of every stream in source-name order; on equal names, the stream
/// named first comes first.
pub fn merged(
    mut streams: Vec<Sorted>,
    each: &mut dyn FnMut(Record) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut heads: Vec<Option<Record>> = Vec::with_capacity(streams.len());
    let mut order = BinaryHeap::new();
    for (index, stream) in streams.iter_mut().enumerate() {
        let head = stream.next()?;
        if let Some(record) = &head {
            order.push(Reverse((record.input.source.clone(), index)));
        }
        heads.push(head);
    }
    while let Some(Reverse((_, index))) = order.pop() {
        let next = streams[index].next()?;
        if let Some(record) = &next {
            order.push(Reverse((Arc::clone(&record.input.source), index)));
        }
        if let Some(record) = std::mem::replace(&mut heads[index], next) {
            each(record)?;
        }
    }
    Ok(())
}
