//! The top of the page: the counts, the causes as an SVG bar chart, the filters, and the
//! groups of like findings by cause (as the text report groups them) with their members and
//! what to do.

use std::collections::BTreeSet;
use std::io::{self, Write};

use super::escape::text;
use crate::text::place;
use crate::{Aggregate, CauseAdvice, CauseGroups, Group, GroupKey, Summary, cause_steps};
use why401_model::finding::Cause;
use why401_model::input::InputStats;

/// Groups listed per cause; past them, counted.
const MAX_GROUPS: usize = 100;

pub fn write_summary(
    out: &mut dyn Write,
    inputs: &[InputStats],
    summary: &Summary,
    aggregate: &Aggregate,
) -> io::Result<()> {
    let errors: u64 = inputs.iter().map(|i| i.errors_total).sum();
    writeln!(out, "<section id=\"summary\">\n<dl class=\"counts\">")?;
    for (id, name, value) in [
        ("inputs", "inputs", summary.inputs),
        ("exchanges", "exchanges", summary.exchanges),
        ("unauthorized", "unauthorized (401)", summary.unauthorized),
        ("resolved-later", "resolved later", summary.resolved_later),
        ("stated", "stated", summary.unauthorized - summary.inferred),
        ("inferred", "inferred", summary.inferred),
        ("errors", "record errors", errors),
    ] {
        writeln!(
            out,
            "<div><dt>{name}</dt><dd id=\"n-{id}\">{value}</dd></div>"
        )?;
    }
    writeln!(out, "</dl>")?;
    if aggregate.shown < summary.unauthorized {
        writeln!(
            out,
            "<p>{} shown after the command line's filters.</p>",
            aggregate.shown
        )?;
    }
    write_chart(out, &aggregate.by_cause_all())?;
    write_cause_table(out, summary)?;
    writeln!(out, "</section>")
}

/// One bar per cause present, widths proportional to the share of the 401s shown.
fn write_chart(out: &mut dyn Write, causes: &[CauseGroups]) -> io::Result<()> {
    if causes.is_empty() {
        return Ok(());
    }
    let total: u64 = causes.iter().map(|c| c.1).sum::<u64>().max(1);
    let height = causes.len() * 24 + 4;
    writeln!(
        out,
        "<svg id=\"chart\" role=\"img\" aria-label=\"401s by cause\" width=\"640\" height=\"{height}\" \
         viewBox=\"0 0 640 {height}\">"
    )?;
    for (row, (cause, count, _)) in causes.iter().enumerate() {
        let y = row * 24 + 2;
        let share = *count as f64 / total as f64;
        let width = (share * 380.0).round().max(2.0);
        writeln!(
            out,
            "<text x=\"0\" y=\"{}\">{}</text><rect class=\"c-{}\" x=\"170\" y=\"{y}\" width=\"{width}\" \
             height=\"18\"><title>{}: {count}</title></rect><text x=\"{}\" y=\"{}\">{count} ({:.0}%)</text>",
            y + 14,
            cause.id(),
            cause.id(),
            cause.title(),
            176.0 + width,
            y + 14,
            share * 100.0
        )?;
    }
    writeln!(out, "</svg>")
}

/// Every cause with its count, as the JSON summary has them (zeros included).
fn write_cause_table(out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
    writeln!(
        out,
        "<details><summary>Counts by cause</summary><table id=\"by-cause\">\
         <tr><th>cause</th><th class=\"n\">401s</th></tr>"
    )?;
    for cause in Cause::ALL {
        writeln!(
            out,
            "<tr><td><code>{id}</code></td><td class=\"n\" data-count=\"{id}\">{}</td></tr>",
            summary.cause_count(cause),
            id = cause.id()
        )?;
    }
    writeln!(out, "</table></details>")
}

/// Selects for cause, host and source; hidden until the script shows them (they need it).
pub fn write_filters(
    out: &mut dyn Write,
    inputs: &[InputStats],
    aggregate: &Aggregate,
    listed: usize,
) -> io::Result<()> {
    let causes: BTreeSet<&str> = aggregate.groups.keys().map(|k| k.cause.id()).collect();
    let hosts: BTreeSet<&str> = aggregate.groups.keys().map(|k| k.host.as_str()).collect();
    let sources: Vec<&str> = inputs
        .iter()
        .filter(|i| i.unauthorized > 0)
        .map(|i| i.source.as_ref())
        .collect();
    writeln!(out, "<form id=\"filters\" hidden>")?;
    for (name, values) in [
        ("cause", causes.into_iter().collect::<Vec<_>>()),
        ("host", hosts.into_iter().collect()),
        ("source", sources),
    ] {
        write!(
            out,
            "<label>{name} <select data-filter=\"{name}\"><option value=\"\">all</option>"
        )?;
        for value in values {
            let value = text(value);
            write!(out, "<option value=\"{value}\">{value}</option>")?;
        }
        writeln!(out, "</select></label>")?;
    }
    writeln!(
        out,
        "<span class=\"dim\"><span id=\"shown-count\">{}</span> finding(s) listed below match</span></form>",
        listed
    )
}

/// `last_listed`: findings up to this number are on the page, so their groups link to them.
pub fn write_groups(
    out: &mut dyn Write,
    aggregate: &Aggregate,
    advice: &CauseAdvice,
    last_listed: u64,
) -> io::Result<()> {
    writeln!(out, "<section id=\"groups\">")?;
    for (cause, count, groups) in aggregate.by_cause(false) {
        writeln!(
            out,
            "<section class=\"cause\"><h2>{} ({count})</h2>",
            cause.title()
        )?;
        write_group_table(out, &groups, last_listed)?;
        write_advice(out, &cause_steps(advice, cause))?;
        writeln!(out, "</section>")?;
    }
    writeln!(out, "</section>")?;
    let resolved = aggregate.by_cause(true);
    let total: u64 = resolved.iter().map(|c| c.1).sum();
    writeln!(out, "<section id=\"resolved\">")?;
    if total > 0 {
        writeln!(
            out,
            "<section class=\"cause\"><h2>Resolved later ({total})</h2>\
             <p>Normal challenges answered by a later request, not failures.</p>"
        )?;
        let mut groups: Vec<(&GroupKey, &Group)> =
            resolved.iter().flat_map(|c| c.2.iter().copied()).collect();
        groups.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(b.0)));
        write_group_table(out, &groups, last_listed)?;
        writeln!(out, "</section>")?;
    }
    writeln!(out, "</section>")
}

fn write_group_table(
    out: &mut dyn Write,
    groups: &[(&GroupKey, &Group)],
    last_listed: u64,
) -> io::Result<()> {
    writeln!(
        out,
        "<table><tr><th class=\"n\">count</th><th>where</th><th>credential</th><th>detail</th>\
         <th>when</th><th>findings</th></tr>"
    )?;
    for (key, g) in groups.iter().take(MAX_GROUPS) {
        write_group_row(out, key, g, last_listed)?;
    }
    writeln!(out, "</table>")?;
    if groups.len() > MAX_GROUPS {
        writeln!(
            out,
            "<p class=\"dim\">… and {} more group(s)</p>",
            groups.len() - MAX_GROUPS
        )?;
    }
    Ok(())
}

fn write_group_row(
    out: &mut dyn Write,
    key: &GroupKey,
    g: &Group,
    last_listed: u64,
) -> io::Result<()> {
    let when = match (&g.first, &g.last) {
        (Some(f), Some(l)) if f != l => format!("{} … {}", text(f), text(l)),
        (Some(f), _) => text(f),
        _ => String::new(),
    };
    let source = g.sample.as_ref().map(|s| s.source.as_ref()).unwrap_or("");
    let first = g
        .sample
        .as_ref()
        .filter(|s| s.number <= last_listed)
        .map(|s| format!(" <a href=\"#f{n}\">open #{n}</a>", n = s.number))
        .unwrap_or_default();
    let evidence = g
        .sample
        .as_ref()
        .and_then(|s| s.evidence.first())
        .map(|e| format!("<div class=\"ev\">{}</div>", text(e)))
        .unwrap_or_default();
    writeln!(
        out,
        "<tr data-cause=\"{cause}\" data-host=\"{host}\" data-source=\"{source}\">\
         <td class=\"n\">{count}</td><td class=\"mono\">{place}{evidence}</td><td class=\"mono\">{fp}</td>\
         <td><code>{detail}</code></td><td class=\"dim\">{when}</td>\
         <td>{numbers}{first}<div class=\"dim\">in {sources}</div></td></tr>",
        cause = key.cause.id(),
        host = text(&key.host),
        source = text(source),
        count = g.count,
        place = text(&place(&key.host, &key.endpoint)),
        fp = text(&key.fingerprint),
        detail = text(&key.detail),
        numbers = text(&g.members.numbers()),
        sources = text(&g.members.sources()),
    )
}

/// What to do for the whole cause, as the judge wrote it for the findings shown.
fn write_advice(out: &mut dyn Write, steps: &[String]) -> io::Result<()> {
    if steps.is_empty() {
        return Ok(());
    }
    writeln!(out, "<h3>What to do</h3><ol>")?;
    for step in steps {
        writeln!(out, "<li>{}</li>", text(step))?;
    }
    writeln!(out, "</ol>")
}
