//! Where a source's findings wait until the report reaches that source: in memory up to a
//! bound, then spilled to an unnamed temporary file, so a capture with millions of 401s
//! never holds them all in memory.

use std::io::{self, BufRead, BufReader, BufWriter, Seek, Write};

use crate::finding::Finding;

/// Findings kept in memory per source before spilling: the default of
/// `--max-findings-in-memory`.
pub const IN_MEMORY: usize = 2_000;

/// The bound set by `--max-findings-in-memory`; 0 keeps [`IN_MEMORY`]. Process-wide, as the
/// readers' limits are.
static IN_MEMORY_SET: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Sets how many findings of a source wait in memory before spilling.
pub fn set_in_memory(findings: usize) {
    IN_MEMORY_SET.store(findings, std::sync::atomic::Ordering::Relaxed);
}

fn in_memory() -> usize {
    match IN_MEMORY_SET.load(std::sync::atomic::Ordering::Relaxed) {
        0 => IN_MEMORY,
        set => set,
    }
}

/// A source's findings in order.
#[derive(Debug, Default)]
pub struct FindingStore {
    memory: Vec<Finding>,
    spill: Option<BufWriter<std::fs::File>>,
    spilled: usize,
    /// Keep every finding in memory (`--explain` needs their explanations, which are not
    /// written to the spill file).
    keep_all: bool,
    /// A spill failed: the findings after it were dropped (counted, reported).
    pub lost: usize,
}

impl FindingStore {
    pub fn new(keep_all: bool) -> FindingStore {
        FindingStore {
            keep_all,
            ..FindingStore::default()
        }
    }

    pub fn len(&self) -> usize {
        self.memory.len() + self.spilled + self.lost
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the in-memory bound was passed and the findings went to a temporary file.
    pub fn spilled(&self) -> bool {
        self.spill.is_some()
    }

    pub fn push(&mut self, finding: Finding) {
        if self.keep_all || (self.spill.is_none() && self.memory.len() < in_memory()) {
            self.memory.push(finding);
            return;
        }
        if let Err(_err) = self.spill_one(&finding) {
            self.lost += 1;
        }
    }

    fn spill_one(&mut self, finding: &Finding) -> io::Result<()> {
        if self.spill.is_none() {
            let mut file = BufWriter::new(tempfile::tempfile()?);
            for earlier in self.memory.drain(..) {
                write_line(&mut file, &earlier)?;
                self.spilled += 1;
            }
            self.spill = Some(file);
        }
        if let Some(file) = self.spill.as_mut() {
            write_line(file, finding)?;
            self.spilled += 1;
        }
        Ok(())
    }

    /// The findings in the order they were pushed.
    pub fn drain(self) -> Box<dyn Iterator<Item = Finding>> {
        let Some(spill) = self.spill else {
            return Box::new(self.memory.into_iter());
        };
        let file = spill
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|mut f| {
                f.rewind()?;
                Ok(f)
            });
        match file {
            Ok(file) => Box::new(
                BufReader::new(file)
                    .lines()
                    .map_while(Result::ok)
                    .filter_map(|line| serde_json::from_str(&line).ok()),
            ),
            Err(_) => Box::new(std::iter::empty()),
        }
    }
}

fn write_line(out: &mut impl Write, finding: &Finding) -> io::Result<()> {
    serde_json::to_writer(&mut *out, finding)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::base_finding;
    use crate::model::{Exchange, Location, Request};

    fn finding(index: u64) -> Finding {
        let mut exchange = Exchange::new(Location::Line(index + 1), Request::recorded("GET", "/x"));
        exchange.origin.index = index;
        base_finding(&exchange)
    }

    #[test]
    fn spilled_findings_come_back_in_order() {
        let mut store = FindingStore::new(false);
        for i in 0..(IN_MEMORY as u64 + 50) {
            store.push(finding(i));
        }
        assert_eq!(store.len(), IN_MEMORY + 50);
        let indices: Vec<u64> = store.drain().map(|f| f.index).collect();
        assert_eq!(indices, (0..(IN_MEMORY as u64 + 50)).collect::<Vec<_>>());
    }

    #[test]
    fn keep_all_never_spills() {
        let mut store = FindingStore::new(true);
        for i in 0..(IN_MEMORY as u64 + 1) {
            store.push(finding(i));
        }
        assert!(store.spill.is_none());
        assert_eq!(store.drain().count(), IN_MEMORY + 1);
    }
}
