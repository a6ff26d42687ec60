//! The readable form of `crewdeck staffing`: the answer, the agents either side
//! of it and the target that decided it, so planners can see the trade-off.

use std::io::{self, Write};

use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use crewdeck_core::staffing::{Constraint, Metrics, Model, evaluate, failed_constraints};

use super::Row;

/// How many agent counts to show either side of the answer.
const NEIGHBOURS: u32 = 2;

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

fn seconds(value: Option<f64>) -> String {
    value.map_or_else(|| "unbounded".to_string(), |s| format!("{s:.1} s"))
}

fn labels(constraints: &[Constraint]) -> String {
    constraints.iter().map(|c| c.label()).collect::<Vec<_>>().join(", ")
}

fn assumptions(model: &Model) -> &'static str {
    match model {
        Model::ErlangC => {
            "Erlang C: Poisson arrivals, exponential handle times, nobody abandons \
             (waiting is overstated where callers hang up)."
        }
        Model::ErlangA { .. } => {
            "Erlang A: Poisson arrivals, exponential handle times and patience. The model can \
             meet a service level by losing callers, so read the abandon rate too."
        }
    }
}

/// Prints one interval: summary, neighbouring agent counts and the binding target.
pub(super) fn single(out: &mut dyn Write, row: &Row) -> io::Result<()> {
    let plan = &row.plan;
    let m = &plan.metrics;
    writeln!(out, "Model:            {}", row.request.model.name())?;
    writeln!(out, "Traffic:          {:.2} Erlangs", plan.traffic_erlangs)?;
    writeln!(out, "Agents needed:    {}", plan.agents)?;
    writeln!(out, "To schedule:      {} (after shrinkage)", plan.scheduled_agents)?;
    if row.volume.is_zero() {
        writeln!(out, "No contacts in this interval, so no agents are needed.")?;
        return Ok(());
    }
    writeln!(out, "Service level:    {}", percent(m.service_level))?;
    writeln!(out, "ASA:              {}", seconds(m.asa_seconds))?;
    if let Some(rate) = m.abandon_rate {
        writeln!(out, "Abandon rate:     {}", percent(rate))?;
    }
    if plan.binding.is_empty() {
        writeln!(out, "Decided by:       nothing (no agents needed)")?;
    } else {
        writeln!(out, "Decided by:       {} ({} agents would miss it)", labels(&plan.binding), plan.agents - 1)?;
    }
    writeln!(out)?;

    let with_abandon = m.abandon_rate.is_some();
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    let mut header = vec!["Agents", "Scheduled", "Service level", "ASA", "Occupancy", "P(wait)"];
    if with_abandon {
        header.push("Abandon");
    }
    header.push("Misses");
    table.set_header(header);
    let first = plan.agents.saturating_sub(NEIGHBOURS).max(1);
    for agents in first..=plan.agents.saturating_add(NEIGHBOURS) {
        // The plan's own model was computable at the answer; a neighbour that is
        // not (a vast Erlang A queue) is simply left out.
        let Ok(metrics) = evaluate(&row.request, agents) else {
            continue;
        };
        table.add_row(neighbour_row(row, &metrics, agents == plan.agents));
    }
    writeln!(out, "{table}")?;
    writeln!(out, "{}", assumptions(&row.request.model))
}

fn neighbour_row(row: &Row, metrics: &Metrics, chosen: bool) -> Vec<String> {
    let misses = failed_constraints(&row.request, metrics);
    let mut cells = vec![
        if chosen { format!("{} ◀", metrics.agents) } else { metrics.agents.to_string() },
        row.request.shrinkage.scheduled(metrics.agents).to_string(),
        percent(metrics.service_level),
        seconds(metrics.asa_seconds),
        metrics.occupancy.map_or_else(|| "–".to_string(), percent),
        percent(metrics.probability_of_wait),
    ];
    if let Some(rate) = metrics.abandon_rate {
        cells.push(percent(rate));
    }
    cells.push(if misses.is_empty() { "meets every target".to_string() } else { labels(&misses) });
    cells
}

/// Prints one row per interval of a batch file.
pub(super) fn batch(out: &mut dyn Write, rows: &[Row], model: &Model) -> io::Result<()> {
    let with_abandon = matches!(model, Model::ErlangA { .. });
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    let mut header = vec![
        "Interval start",
        "Volume",
        "AHT (s)",
        "Traffic",
        "Agents",
        "Scheduled",
        "Service level",
        "ASA",
        "Occupancy",
    ];
    if with_abandon {
        header.push("Abandon");
    }
    header.push("Decided by");
    table.set_header(header);
    for row in rows {
        let m = &row.plan.metrics;
        let mut cells = vec![
            row.interval_start.clone().unwrap_or_default(),
            row.volume.to_string(),
            row.aht_seconds.to_string(),
            format!("{:.2}", row.plan.traffic_erlangs),
            row.plan.agents.to_string(),
            row.plan.scheduled_agents.to_string(),
            percent(m.service_level),
            seconds(m.asa_seconds),
            m.occupancy.map_or_else(|| "–".to_string(), percent),
        ];
        if let Some(rate) = m.abandon_rate {
            cells.push(percent(rate));
        }
        cells.push(if row.plan.binding.is_empty() { "no contacts".to_string() } else { labels(&row.plan.binding) });
        table.add_row(cells);
    }
    writeln!(out, "{table}")?;
    writeln!(out, "{}", assumptions(model))
}
