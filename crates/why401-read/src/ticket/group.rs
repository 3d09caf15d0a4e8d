//! Which status mentions are one response. Lines that restate a response are one: a tool's
//! summary after its own log line, an exception and its wrapper, the same block quoted again,
//! the same event logged twice. Separate responses need separate timestamps, request ids,
//! request lines, access-log records or status lines.

use super::facts::{RequestRef, Stamp};
use super::phrasing::{Kind, Mention};

/// What is known of one cleaned line.
#[derive(Debug, Default)]
pub struct LineInfo {
    pub block: usize,
    pub mentions: Vec<Mention>,
    pub stamp: Option<Stamp>,
    pub request_id: Option<String>,
    pub request: Option<RequestRef>,
}

/// One response the text reports, as the indices of the lines that state it.
#[derive(Debug, Clone)]
pub struct Reported {
    pub status: u16,
    /// The strongest kind among its mentions (a stated status outranks prose).
    pub kind: Kind,
    /// `(line index, mention index on that line)`, in line order.
    pub mentions: Vec<(usize, usize)>,
    pub stamp: Option<Stamp>,
    pub request_id: Option<String>,
    pub request: Option<RequestRef>,
    /// The status was not stated: a statement or challenge only a 401 carries.
    pub inferred: bool,
}

impl Reported {
    pub fn first_line(&self) -> usize {
        self.mentions.first().map_or(0, |m| m.0)
    }

    fn lines(&self) -> impl Iterator<Item = usize> + '_ {
        self.mentions.iter().map(|m| m.0)
    }
}

/// A mention is compared with at most this many of the latest responses of its window: a
/// restatement follows what it restates within a few lines, and the bound keeps a log with a
/// status on every line linear (else each line is compared with every response before it).
const MAX_LOOK_BACK: usize = 256;

/// Groups every mention of `lines` into responses, in order of their first line.
pub fn group(lines: &[LineInfo], texts: &[&str]) -> Vec<Reported> {
    let mut responses: Vec<Reported> = Vec::new();
    for (index, info) in lines.iter().enumerate() {
        for (slot, mention) in info.mentions.iter().enumerate() {
            let joined = responses
                .iter_mut()
                .rev()
                .take(MAX_LOOK_BACK)
                .find(|r| same_response(r, mention, index, lines, texts));
            match joined {
                Some(response) => absorb(response, mention, index, slot, info),
                None => responses.push(start(mention, index, slot, info)),
            }
        }
    }
    responses
}

fn start(mention: &Mention, index: usize, slot: usize, info: &LineInfo) -> Reported {
    Reported {
        status: mention.status,
        kind: mention.kind,
        mentions: vec![(index, slot)],
        stamp: info.stamp.clone(),
        request_id: info.request_id.clone(),
        request: info.request.clone(),
        inferred: is_inference(mention.kind),
    }
}

fn absorb(response: &mut Reported, mention: &Mention, index: usize, slot: usize, info: &LineInfo) {
    response.mentions.push((index, slot));
    if rank(mention.kind) > rank(response.kind) {
        response.kind = mention.kind;
        response.inferred = is_inference(mention.kind);
    }
    if response.stamp.is_none() {
        response.stamp = info.stamp.clone();
    }
    if response.request_id.is_none() {
        response.request_id = info.request_id.clone();
    }
    if response.request.is_none() {
        response.request = info.request.clone();
    }
}

fn is_inference(kind: Kind) -> bool {
    matches!(kind, Kind::Grpc | Kind::Inferred)
}

fn rank(kind: Kind) -> u8 {
    match kind {
        Kind::Not => 0,
        Kind::Prose => 1,
        Kind::Grpc | Kind::Inferred => 2,
        Kind::Field => 3,
        Kind::Stated => 3,
        Kind::Record | Kind::StatusLine => 4,
    }
}

fn same_response(
    response: &Reported,
    mention: &Mention,
    index: usize,
    lines: &[LineInfo],
    texts: &[&str],
) -> bool {
    let info = &lines[index];
    if mention.status != response.status {
        return false;
    }
    // Mentions are absorbed in line order: only the last can be on this line.
    if response.mentions.last().is_some_and(|m| m.0 == index) {
        return true;
    }
    if mention.kind == Kind::Prose || response.kind == Kind::Prose {
        return true;
    }
    if told_apart(response, info) {
        return false;
    }
    let is_record = |k: Kind| matches!(k, Kind::Record | Kind::StatusLine);
    if is_record(mention.kind) && is_record(response.kind) {
        // A record quoted again: the same lines (the record and what follows it) in another
        // block.
        return response
            .lines()
            .any(|l| lines[l].block != info.block && same_lines(texts, l, index));
    }
    !repeated_log_record(response, mention, index, lines)
        && !other_tool_elsewhere(response, mention, index, lines)
}

/// Two tools' own templates in separate blocks (a PHP exception, then a Python traceback):
/// separate pastes of separate failures. Generic status fields join anything.
fn other_tool_elsewhere(
    response: &Reported,
    mention: &Mention,
    index: usize,
    lines: &[LineInfo],
) -> bool {
    if mention.kind != Kind::Stated {
        return false;
    }
    let block = lines[index].block;
    let family = mention.family();
    let stated: Vec<&Mention> = response
        .mentions
        .iter()
        .filter_map(|&(l, slot)| lines[l].mentions.get(slot))
        .filter(|m| m.kind == Kind::Stated)
        .collect();
    let same_block = response
        .mentions
        .iter()
        .any(|&(l, _)| lines[l].block == block);
    !same_block && !stated.is_empty() && stated.iter().all(|m| m.family() != family)
}

/// The lines from `a` and from `b` read the same, as far as their blocks go (at most 8).
fn same_lines(texts: &[&str], a: usize, b: usize) -> bool {
    let run = |start: usize| {
        texts[start..]
            .iter()
            .take(8)
            .take_while(|l| !l.trim().is_empty())
            .map(|l| l.trim())
            .collect::<Vec<_>>()
    };
    run(a) == run(b)
}

/// A timestamp, request id or request line that differs.
fn told_apart(response: &Reported, info: &LineInfo) -> bool {
    let stamps = matches!((&response.stamp, &info.stamp), (Some(a), Some(b)) if a.differs(b));
    let ids = matches!((&response.request_id, &info.request_id), (Some(a), Some(b)) if a != b);
    let requests = matches!((&response.request, &info.request), (Some(a), Some(b)) if a.differs(b));
    stamps || ids || requests
}

/// The same template on another timestamped line of one log: a log writes one line per
/// event, so a second line is a second event (unless it directly repeats the first).
fn repeated_log_record(
    response: &Reported,
    mention: &Mention,
    index: usize,
    lines: &[LineInfo],
) -> bool {
    let info = &lines[index];
    if info.stamp.is_none() {
        return false;
    }
    response.mentions.iter().any(|&(l, slot)| {
        let other = &lines[l];
        other.block == info.block
            && other.stamp.is_some()
            && other
                .mentions
                .get(slot)
                .is_some_and(|m| m.tool == mention.tool)
            && index > l + 1
    })
}
