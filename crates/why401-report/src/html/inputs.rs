//! The end of the page: credential timelines drawn as SVG lanes on one time axis (worked,
//! first failure, expiry), and every input with its format, counts, notes and errors.

use std::io::{self, Write};

use chrono::{DateTime, Utc};

use super::escape::text;
use crate::{error_heading, format_label};
use why401_model::finding::Timeline;
use why401_model::input::InputStats;
use why401_model::time::parse_iso;

/// Timelines drawn; past them, counted.
const MAX_TIMELINES: usize = 50;

/// Inputs listed; past them, counted (a folder can hold thousands of files).
const MAX_INPUTS: usize = 1_000;

/// Width of a lane in SVG units.
const LANE: f64 = 360.0;

pub fn write_timelines(out: &mut dyn Write, timelines: &[Timeline]) -> io::Result<()> {
    writeln!(out, "<section id=\"timelines\">")?;
    if !timelines.is_empty() {
        let shown = &timelines[..timelines.len().min(MAX_TIMELINES)];
        let axis = Axis::of(shown);
        writeln!(
            out,
            "<h2>Credential timelines</h2><p class=\"dim\">Green: seen and working; red: \
             first failure on; dashed: expiry.</p><table><tr><th>credential</th><th>source</th>\
             <th>lane</th><th>when</th></tr>"
        )?;
        for t in shown {
            write_lane(out, t, axis.as_ref())?;
        }
        writeln!(out, "</table>")?;
        if timelines.len() > MAX_TIMELINES {
            writeln!(
                out,
                "<p class=\"dim\">… and {} more timeline(s)</p>",
                timelines.len() - MAX_TIMELINES
            )?;
        }
    }
    writeln!(out, "</section>")
}

/// The span every lane shares.
struct Axis {
    start: DateTime<Utc>,
    seconds: f64,
}

impl Axis {
    fn of(timelines: &[Timeline]) -> Option<Axis> {
        let times: Vec<DateTime<Utc>> = timelines.iter().flat_map(times_of).collect();
        let start = *times.iter().min()?;
        let end = *times.iter().max()?;
        Some(Axis {
            start,
            seconds: ((end - start).num_milliseconds() as f64 / 1000.0).max(1.0),
        })
    }

    fn x(&self, at: DateTime<Utc>) -> f64 {
        let offset = (at - self.start).num_milliseconds() as f64 / 1000.0;
        (offset / self.seconds * LANE).clamp(0.0, LANE) + 4.0
    }
}

fn times_of(t: &Timeline) -> Vec<DateTime<Utc>> {
    [&t.first_seen, &t.last_success, &t.first_failure, &t.expiry]
        .into_iter()
        .filter_map(|v| at(v.as_deref()))
        .collect()
}

fn at(value: Option<&str>) -> Option<DateTime<Utc>> {
    value.and_then(parse_iso).map(|s| s.at)
}

fn write_lane(out: &mut dyn Write, t: &Timeline, axis: Option<&Axis>) -> io::Result<()> {
    let mut parts = vec![format!(
        "seen from {}",
        text(t.first_seen.as_deref().unwrap_or("?"))
    )];
    if let Some(ok) = &t.last_success {
        parts.push(format!(
            "worked until {} ({} success(es))",
            text(ok),
            t.successes
        ));
    }
    if let Some(fail) = &t.first_failure {
        parts.push(format!(
            "failed from {} ({} failure(s))",
            text(fail),
            t.failures
        ));
    }
    if let Some(exp) = &t.expiry {
        parts.push(format!("expires {}", text(exp)));
    }
    writeln!(
        out,
        "<tr><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td>{}</td><td class=\"dim\">{}</td></tr>",
        text(&t.fingerprint),
        text(t.source.as_deref().unwrap_or("")),
        axis.map(|a| lane_svg(t, a)).unwrap_or_default(),
        parts.join(", ")
    )
}

fn lane_svg(t: &Timeline, axis: &Axis) -> String {
    let mut shapes = format!(
        "<line class=\"lane-axis\" x1=\"4\" y1=\"10\" x2=\"{}\" y2=\"10\"/>",
        LANE + 4.0
    );
    let seen = at(t.first_seen.as_deref());
    if let Some(from) = seen {
        let until = at(t.last_success.as_deref()).unwrap_or(from);
        let (x1, x2) = (axis.x(from), axis.x(until));
        shapes.push_str(&format!(
            "<rect class=\"lane-ok\" x=\"{x1:.1}\" y=\"5\" width=\"{:.1}\" height=\"10\"><title>{} success(es)</title></rect>",
            (x2 - x1).max(3.0),
            t.successes
        ));
    }
    if let Some(fail) = at(t.first_failure.as_deref()) {
        shapes.push_str(&format!(
            "<rect class=\"lane-fail\" x=\"{:.1}\" y=\"3\" width=\"4\" height=\"14\"><title>{} failure(s) from here</title></rect>",
            axis.x(fail) - 2.0,
            t.failures
        ));
    }
    if let Some(exp) = at(t.expiry.as_deref()) {
        let x = axis.x(exp);
        shapes.push_str(&format!(
            "<line class=\"lane-exp\" x1=\"{x:.1}\" y1=\"0\" x2=\"{x:.1}\" y2=\"20\"><title>expiry</title></line>"
        ));
    }
    format!(
        "<svg width=\"{w}\" height=\"20\" viewBox=\"0 0 {w} 20\" aria-hidden=\"true\">{shapes}</svg>",
        w = LANE + 8.0
    )
}

pub fn write_inputs(out: &mut dyn Write, inputs: &[InputStats]) -> io::Result<()> {
    writeln!(
        out,
        "<section id=\"inputs\"><h2>Inputs ({})</h2><table><tr><th>input</th><th>format</th>\
         <th class=\"n\">exchanges</th><th class=\"n\">401s</th><th>notes and errors</th></tr>",
        inputs.len()
    )?;
    for stats in inputs.iter().take(MAX_INPUTS) {
        writeln!(
            out,
            "<tr><td class=\"mono\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            text(&stats.source),
            format_label(stats),
            stats.exchanges,
            stats.unauthorized,
            notes(stats)
        )?;
    }
    writeln!(out, "</table>")?;
    if inputs.len() > MAX_INPUTS {
        writeln!(
            out,
            "<p class=\"dim\">… and {} more input(s)</p>",
            inputs.len() - MAX_INPUTS
        )?;
    }
    writeln!(out, "</section>")
}

fn notes(stats: &InputStats) -> String {
    let mut lines: Vec<String> = stats
        .notes
        .iter()
        .map(|n| format!("note <code>{}</code>: {}", text(&n.code), text(&n.message)))
        .collect();
    lines.extend(
        stats
            .errors
            .iter()
            .map(|e| format!("{}: {}", text(&error_heading(e)), text(&e.message))),
    );
    let unlisted = stats.errors_total.saturating_sub(stats.errors.len() as u64);
    if unlisted > 0 {
        lines.push(format!("… and {unlisted} more error(s)"));
    }
    if stats.skipped > 0 {
        lines.push(format!(
            "{} record(s) skipped (not requests)",
            stats.skipped
        ));
    }
    lines
        .iter()
        .map(|l| format!("<div>{l}</div>"))
        .collect::<String>()
}
