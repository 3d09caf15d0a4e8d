//! `-f markdown`: a report to paste into a ticket: the summary table, one section per cause
//! with grouped lines and steps, the timelines and the notes.

use std::io::{self, Write};

use super::explain::Row;
use super::{Presentation, View};
use why401_model::finding::Cause;
use why401_redact::escape_control;

pub fn write(out: &mut dyn Write, view: &View, how: &Presentation) -> io::Result<()> {
    if let Some(n) = how.explain {
        return explain(out, view, n);
    }
    let max_detail = how.max_detail;
    let summary = view.summary;
    writeln!(out, "# why401 report\n")?;
    writeln!(
        out,
        "{} input(s), {} exchange(s), **{} unauthorized (401)**, {} resolved later.\n",
        summary.inputs, summary.exchanges, summary.unauthorized, summary.resolved_later
    )?;
    if summary.inferred > 0 {
        writeln!(
            out,
            "{} of the 401s were inferred: no status was given, but the input carried what only a 401 carries.\n",
            summary.inferred
        )?;
    }
    writeln!(out, "| cause | count |\n|---|---:|")?;
    for cause in Cause::ALL {
        writeln!(out, "| `{}` | {} |", cause.id(), summary.cause_count(cause))?;
    }
    let mut listed = 0usize;
    let mut cut = false;
    for (cause, count, groups) in view.findings.by_cause_all() {
        writeln!(out, "\n## {} ({})\n", cause.title(), count)?;
        writeln!(
            out,
            "| count | host | endpoint | credential | detail | first | last | findings | sources |"
        )?;
        writeln!(out, "|---:|---|---|---|---|---|---|---|---|")?;
        for (key, g) in &groups {
            if listed >= max_detail {
                cut = true;
                break;
            }
            listed += 1;
            writeln!(
                out,
                "| {} | {} | `{}` | {} | {} | {} | {} | {} | {} |",
                g.count,
                cell(&key.host),
                code(&key.endpoint),
                cell(&key.fingerprint),
                detail_cell(key),
                g.first.as_deref().unwrap_or(""),
                g.last.as_deref().unwrap_or(""),
                g.members.numbers(),
                cell(&g.members.sources())
            )?;
        }
        write_evidence(out, &groups)?;
        let steps = view.steps(cause);
        if !steps.is_empty() {
            writeln!(out, "\n**What to do**\n")?;
            for (i, step) in steps.iter().enumerate() {
                writeln!(out, "{}. {}", i + 1, cell(step))?;
            }
        }
    }
    if cut {
        writeln!(
            out,
            "\n_Only {max_detail} lines are listed (--max-detail); the counts include everything._"
        )?;
    }
    if !view.timelines.is_empty() {
        writeln!(out, "\n## Credential timelines\n")?;
        writeln!(
            out,
            "| credential | source | first seen | last success | first failure | expiry |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|")?;
        for t in view.timelines {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                t.fingerprint,
                cell(t.source.as_deref().unwrap_or("")),
                t.first_seen.as_deref().unwrap_or(""),
                t.last_success.as_deref().unwrap_or(""),
                t.first_failure.as_deref().unwrap_or(""),
                t.expiry.as_deref().unwrap_or("")
            )?;
        }
    }
    let troubled: Vec<_> = view
        .inputs
        .iter()
        .filter(|i| i.errors_total > 0 || !i.notes.is_empty())
        .collect();
    if !troubled.is_empty() {
        writeln!(out, "\n## Inputs with notes or errors\n")?;
        for input in troubled {
            writeln!(
                out,
                "- `{}` ({})",
                cell(&input.source),
                crate::format_label(input)
            )?;
            for note in &input.notes {
                writeln!(out, "  - note `{}`: {}", note.code, cell(&note.message))?;
            }
            for error in &input.errors {
                writeln!(
                    out,
                    "  - {}: {}",
                    crate::error_heading(error),
                    cell(&error.message)
                )?;
            }
        }
    }
    Ok(())
}

/// Each group's first evidence line (the groups listed, at most 20): a group of several
/// names the finding it quotes.
fn write_evidence(
    out: &mut dyn Write,
    groups: &[(&super::GroupKey, &super::Group)],
) -> io::Result<()> {
    let lines: Vec<String> = groups
        .iter()
        .take(20)
        .filter_map(|(_, g)| {
            let sample = g.sample.as_ref()?;
            let first = sample.evidence.first()?;
            let numbers = g.members.numbers();
            let head = if g.count > 1 {
                format!("{numbers}, quoting #{}", sample.number)
            } else {
                numbers
            };
            Some(format!("- {head}: {}", cell(first)))
        })
        .collect();
    if !lines.is_empty() {
        writeln!(out, "\nEvidence:\n")?;
        for line in lines {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

/// `--explain N -f markdown`: the finding as a list to paste into a ticket.
fn explain(out: &mut dyn Write, view: &View, n: usize) -> io::Result<()> {
    let Some(f) = view.findings.explained.as_ref() else {
        return super::explain::write_missing(out, view, n);
    };
    writeln!(out, "## Finding #{n}\n")?;
    for row in super::explain::rows(f) {
        match row {
            Row::Field(name, value) => writeln!(out, "- **{name}**: {}", inline(&value))?,
            Row::List(name, items) if items.is_empty() => writeln!(out, "- **{name}**: (none)")?,
            Row::List(name, items) => {
                writeln!(out, "- **{name}**:")?;
                for item in items {
                    writeln!(out, "  - {}", inline(&item))?;
                }
            }
        }
    }
    Ok(())
}

/// Text outside a table: control characters escaped, a line break (which would end the item)
/// made a space, and `<`/`>` as entities so captured markup is shown, never rendered.
fn inline(text: &str) -> String {
    escape_control(text)
        .replace(['\n', '\r'], " ")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The detail code, marked when the group is a handshake resolved later.
fn detail_cell(key: &super::GroupKey) -> String {
    let detail = format!("`{}`", code(&key.detail));
    if key.resolved_later {
        format!("{detail} (resolved later)")
    } else {
        detail
    }
}

/// Table-safe text: no pipes, no line breaks, no control characters.
fn cell(text: &str) -> String {
    escape_control(text).replace('|', "\\|")
}

/// Table-safe text inside a code span, which a backtick would end.
fn code(text: &str) -> String {
    cell(text).replace('`', "'")
}
