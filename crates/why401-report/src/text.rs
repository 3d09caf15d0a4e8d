//! `-f text`: the summary a person reads at a glance. What was read, how many 401s and why
//! (a bar chart), one block per cause with like findings grouped and what to do, then
//! handshakes, credential timelines and inputs with problems. Captured text is escaped.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::explain::Row;
use super::{CauseGroups, Group, GroupKey, Presentation, View};
use why401_model::finding::Cause;
use why401_model::input::InputStats;
use why401_model::time::format_seconds;
use why401_redact::escape_control;

/// Terminal styling; every method is a no-op without colour.
#[derive(Clone, Copy)]
struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
    fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
    fn cause(&self, cause: Cause, text: &str) -> String {
        let code = match cause {
            Cause::ExpiredToken => "33",
            Cause::InvalidToken => "31",
            Cause::MissingAuthorization => "35",
            Cause::InsufficientScope => "36",
            Cause::RevokedCredentials => "91",
            Cause::ClockSkew => "34",
            Cause::Unknown => "37",
        };
        self.paint(code, text)
    }
}

pub fn write(out: &mut dyn Write, view: &View, how: &Presentation) -> io::Result<()> {
    let style = Style { color: how.color };
    if let Some(n) = how.explain {
        return explain(out, view, n, style);
    }
    write_header(out, view, style)?;
    // The chart counts every 401 shown, handshakes resolved later included, so its lines add
    // up to the header's count as every other format's do.
    let every_cause = view.findings.by_cause_all();
    if !every_cause.is_empty() {
        write_chart(out, &every_cause, style)?;
    }
    let problems = view.findings.by_cause(false);
    if !problems.is_empty() {
        for (cause, count, groups) in &problems {
            write_cause_block(out, (*cause, *count, groups), &view.steps(*cause), style)?;
        }
    }
    write_resolved(out, &view.findings.by_cause(true), style)?;
    write_timelines(out, view, style)?;
    if how.verbose {
        write_every_finding(out, view, how.max_detail, style)?;
    }
    write_troubled_inputs(out, view, style)?;
    write_unread_inputs(out, view, style)
}

/// Notes that say an input gave no exchange at all (it is listed by name, not counted only).
const NOTHING_READ: [&str; 2] = ["not_a_capture", why401_model::input::NO_EXCHANGE];

/// At most this many inputs that gave nothing are named; the rest are counted.
const MAX_UNREAD_LISTED: usize = 20;

fn write_header(out: &mut dyn Write, view: &View, style: Style) -> io::Result<()> {
    let summary = view.summary;
    let mut formats: BTreeMap<&str, u64> = BTreeMap::new();
    for input in view.inputs {
        *formats.entry(crate::format_label(input)).or_default() += 1;
    }
    let formats: Vec<String> = formats.iter().map(|(f, n)| format!("{n} {f}")).collect();
    writeln!(
        out,
        "{} {} input(s) ({}), {} exchange(s){}",
        style.bold("why401:"),
        summary.inputs,
        formats.join(", "),
        summary.exchanges,
        span_text(view.inputs)
    )?;
    let skipped: u64 = view.inputs.iter().map(|i| i.skipped).sum();
    let errors: u64 = view.inputs.iter().map(|i| i.errors_total).sum();
    if skipped > 0 || errors > 0 {
        let see = if errors > 0 {
            " (listed at the end)"
        } else {
            ""
        };
        writeln!(
            out,
            "        {skipped} record(s) skipped (not requests), {errors} error(s){see}"
        )?;
    }
    let shown = view.findings.shown;
    let filtered = if shown < summary.unauthorized {
        format!(" ({shown} shown after filters)")
    } else {
        String::new()
    };
    writeln!(
        out,
        "{}{}",
        style.bold(&unauthorized_text(summary)),
        filtered
    )
}

/// `N unauthorized (401)`, and how many of them were inferred when some were.
pub fn unauthorized_text(summary: &super::Summary) -> String {
    let mut text = format!("{} unauthorized (401)", summary.unauthorized);
    if summary.resolved_later > 0 {
        text.push_str(&format!(", {} resolved later", summary.resolved_later));
    }
    if summary.inferred > 0 {
        text.push_str(&format!(", {} inferred", summary.inferred));
    }
    text
}

fn span_text(inputs: &[InputStats]) -> String {
    let first = inputs.iter().filter_map(|i| i.span.map(|s| s.0)).min();
    let last = inputs.iter().filter_map(|i| i.span.map(|s| s.1)).max();
    match (first, last) {
        (Some(first), Some(last)) => {
            format!(", {} to {}", format_seconds(&first), format_seconds(&last))
        }
        _ => String::new(),
    }
}

fn write_chart(out: &mut dyn Write, causes: &[CauseGroups], style: Style) -> io::Result<()> {
    let total: u64 = causes.iter().map(|c| c.1).sum();
    writeln!(out)?;
    for (cause, count, _) in causes {
        let share = *count as f64 / total.max(1) as f64;
        let width = (share * 30.0).round().max(1.0) as usize;
        writeln!(
            out,
            "  {:<22} {:>6} {:>4.0}%  {}",
            cause.id(),
            count,
            share * 100.0,
            style.cause(*cause, &"█".repeat(width))
        )?;
    }
    Ok(())
}

fn write_cause_block(
    out: &mut dyn Write,
    (cause, count, groups): (Cause, u64, &[(&GroupKey, &Group)]),
    steps: &[String],
    style: Style,
) -> io::Result<()> {
    writeln!(out)?;
    let title = format!("── {} ({}) ", cause.title(), count);
    writeln!(out, "{}", style.cause(cause, &format!("{title:─<72}")))?;
    for (key, g) in groups.iter().take(20) {
        let when = match (&g.first, &g.last) {
            (Some(f), Some(l)) if f != l => format!("  {f} … {l}"),
            (Some(f), _) => format!("  {f}"),
            _ => String::new(),
        };
        let fp = if key.fingerprint.is_empty() {
            String::new()
        } else {
            format!("  {}", key.fingerprint)
        };
        writeln!(
            out,
            "  {:>5}×  {}{}  {}{}",
            g.count,
            escape_control(&place(&key.host, &key.endpoint)),
            fp,
            style.dim(&key.detail),
            style.dim(&when)
        )?;
        write_members(out, g, style)?;
        if let Some(sample) = g.sample.as_ref()
            && let Some(first) = sample.evidence.first()
        {
            writeln!(
                out,
                "          {}",
                escape_control(&quoted_evidence(g, sample, first))
            )?;
        }
    }
    if groups.len() > 20 {
        writeln!(out, "  … and {} more group(s)", groups.len() - 20)?;
    }
    if !steps.is_empty() {
        writeln!(out, "  {}", style.bold("What to do:"))?;
        for (i, step) in steps.iter().enumerate() {
            writeln!(out, "   {}. {}", i + 1, escape_control(step))?;
        }
    }
    Ok(())
}

/// A group's evidence line: one finding's, so a group of several names the finding it
/// quotes (`#16: …`).
fn quoted_evidence(
    group: &Group,
    sample: &why401_model::finding::Finding,
    evidence: &str,
) -> String {
    if group.count > 1 {
        format!("#{}: {evidence}", sample.number)
    } else {
        evidence.to_owned()
    }
}

/// Host and endpoint of a group; a paste or log that names no host says so rather than
/// leaving a blank.
pub(crate) fn place(host: &str, endpoint: &str) -> String {
    let endpoint = endpoint.trim();
    let endpoint = if endpoint.is_empty() { "/" } else { endpoint };
    match (host.is_empty(), endpoint) {
        (true, "/") => "host unknown".to_owned(),
        (true, _) => format!("host unknown {endpoint}"),
        (false, _) => format!("{host} {endpoint}"),
    }
}

fn write_resolved(out: &mut dyn Write, causes: &[CauseGroups], style: Style) -> io::Result<()> {
    let total: u64 = causes.iter().map(|c| c.1).sum();
    if total == 0 {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        style.bold(&format!(
            "Resolved later ({total}): normal challenges answered by a later request, not failures"
        ))
    )?;
    let mut groups: Vec<&(&GroupKey, &Group)> = causes.iter().flat_map(|c| c.2.iter()).collect();
    groups.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(b.0)));
    for (key, g) in groups.iter().take(10) {
        writeln!(
            out,
            "  {:>5}×  {}  {}",
            g.count,
            escape_control(&place(&key.host, &key.endpoint)),
            style.dim(&key.detail)
        )?;
        write_members(out, g, style)?;
    }
    Ok(())
}

/// `findings #3, #7–#9 in samples/a.har`: which findings a group line stands for.
fn write_members(out: &mut dyn Write, g: &Group, style: Style) -> io::Result<()> {
    writeln!(
        out,
        "          {}",
        style.dim(&format!(
            "{} {} in {}",
            if g.count == 1 { "finding" } else { "findings" },
            g.members.numbers(),
            escape_control(&g.members.sources())
        ))
    )
}

fn write_timelines(out: &mut dyn Write, view: &View, style: Style) -> io::Result<()> {
    if view.timelines.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "{}", style.bold("Credential timelines:"))?;
    for t in view.timelines.iter().take(20) {
        let mut parts = vec![format!(
            "seen from {}",
            t.first_seen.as_deref().unwrap_or("?")
        )];
        if let Some(ok) = &t.last_success {
            parts.push(format!("worked until {ok} ({} success(es))", t.successes));
        }
        if let Some(fail) = &t.first_failure {
            parts.push(format!("failed from {fail} ({} failure(s))", t.failures));
        }
        if let Some(exp) = &t.expiry {
            parts.push(format!("expires {exp}"));
        }
        let source = t.source.as_deref().map(escape_control).unwrap_or_default();
        writeln!(out, "  {}  {}  {}", t.fingerprint, source, parts.join(", "))?;
    }
    Ok(())
}

fn write_every_finding(
    out: &mut dyn Write,
    view: &View,
    max_detail: usize,
    style: Style,
) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{}", style.bold("Every finding:"))?;
    for f in &view.findings.listed {
        writeln!(
            out,
            "  #{} {} {}  {} {}  {} → {}/{} ({})",
            f.number,
            escape_control(&f.source),
            escape_control(&f.location),
            escape_control(&f.method),
            escape_control(&f.url),
            f.status,
            f.cause,
            f.detail,
            f.confidence.as_str()
        )?;
        if let Some(token) = crate::claims::token_summary(f) {
            writeln!(out, "       token: {}", escape_control(&token))?;
        }
        for line in &f.evidence {
            writeln!(out, "       - {}", escape_control(line))?;
        }
    }
    if view.findings.limit_hit() {
        writeln!(
            out,
            "  … {} more finding(s) not listed: --max-detail {max_detail} was reached (counts above include them)",
            view.findings.shown as usize - view.findings.listed.len()
        )?;
    }
    Ok(())
}

fn write_troubled_inputs(out: &mut dyn Write, view: &View, style: Style) -> io::Result<()> {
    let mut troubled: Vec<&InputStats> = view
        .inputs
        .iter()
        .filter(|i| {
            i.errors_total > 0
                || i.notes
                    .iter()
                    .any(|n| !NOTHING_READ.contains(&n.code.as_str()))
        })
        .collect();
    if troubled.is_empty() {
        return Ok(());
    }
    // A sanitized export changes how every 401 in it reads: it goes first.
    troubled.sort_by_key(|i| !i.notes.iter().any(|n| n.code == "sanitized_export"));
    writeln!(out)?;
    writeln!(out, "{}", style.bold("Inputs with notes or errors:"))?;
    for stats in troubled {
        writeln!(
            out,
            "  {} ({})",
            escape_control(&stats.source),
            crate::format_label(stats)
        )?;
        for note in &stats.notes {
            writeln!(
                out,
                "    note {}: {}",
                note.code,
                escape_control(&note.message)
            )?;
        }
        for error in &stats.errors {
            writeln!(
                out,
                "    {}: {}",
                crate::error_heading(error),
                escape_control(&error.message)
            )?;
        }
        let unlisted = stats.errors_total - stats.errors.len() as u64;
        if unlisted > 0 {
            writeln!(out, "    … and {unlisted} more error(s)")?;
        }
    }
    Ok(())
}

/// The inputs of a folder or archive from which nothing was read, by name with the reason,
/// so "0 unauthorized" is never read as "nothing wrong" when nothing was looked at.
fn write_unread_inputs(out: &mut dyn Write, view: &View, style: Style) -> io::Result<()> {
    let unread: Vec<(&InputStats, &str)> = view
        .inputs
        .iter()
        .filter_map(|i| {
            let note = i
                .notes
                .iter()
                .find(|n| NOTHING_READ.contains(&n.code.as_str()))?;
            Some((i, note.message.as_str()))
        })
        .collect();
    if unread.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        style.bold(&format!(
            "Inputs from which no exchange was read ({}):",
            unread.len()
        ))
    )?;
    for (stats, reason) in unread.iter().take(MAX_UNREAD_LISTED) {
        writeln!(
            out,
            "  {}: {}",
            escape_control(&stats.source),
            escape_control(reason)
        )?;
    }
    if unread.len() > MAX_UNREAD_LISTED {
        writeln!(out, "  … and {} more", unread.len() - MAX_UNREAD_LISTED)?;
    }
    Ok(())
}

/// `--explain N`: finding `#N` (report order, as `-v` numbers them) with everything known.
fn explain(out: &mut dyn Write, view: &View, n: usize, style: Style) -> io::Result<()> {
    let Some(f) = view.findings.explained.as_ref() else {
        return crate::explain::write_missing(out, view, n);
    };
    writeln!(out, "{}", style.bold(&format!("Finding #{n}")))?;
    for row in crate::explain::rows(f) {
        match row {
            Row::Field(name, value) => {
                writeln!(out, "  {:<14}{}", name, escape_control(&value))?;
            }
            Row::List(name, items) => list(out, name, &items)?,
        }
    }
    Ok(())
}

fn list(out: &mut dyn Write, name: &str, items: &[String]) -> io::Result<()> {
    if items.is_empty() {
        return writeln!(out, "  {name:<14}(none)");
    }
    for (i, item) in items.iter().enumerate() {
        let label = if i == 0 { name } else { "" };
        writeln!(out, "  {:<14}- {}", label, escape_control(item))?;
    }
    Ok(())
}
