//! `crewdeck allocate`: the work-allocation engine over a JSON file (contract §2).
//!
//! The whole output is built in memory before anything is written, so a bad file
//! or record leaves stdout empty and the error (naming file and record) on stderr.

use std::path::PathBuf;

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL};
use crewdeck_core::allocation::{Allocation, Problem, allocate};

use crate::error::{CliError, CliResult};

/// Arguments of `crewdeck allocate`.
#[derive(Debug, clap::Args)]
pub struct AllocateArgs {
    /// The problem file: agents and items, in the shape of contract §2.
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// Print one JSON document (assignments, unassigned, summary) instead of tables.
    #[arg(long)]
    pub json: bool,
}

/// Reads the problem, allocates, and writes the result to `out`.
///
/// # Errors
/// [`CliError::Input`] for an unreadable file, invalid JSON or an invalid record,
/// naming the file and the record; [`CliError::Failure`] if writing fails.
pub fn run(args: &AllocateArgs, out: &mut dyn std::io::Write) -> CliResult {
    let file = args.input.display();
    let text = std::fs::read_to_string(&args.input)
        .map_err(|e| CliError::input(format!("{file}: cannot read the file ({e})")))?;
    let problem = Problem::from_json(&text).map_err(|e| CliError::input(format!("{file}: {e}")))?;
    let allocation = allocate(&problem);
    let rendered = if args.json {
        let mut json = serde_json::to_string_pretty(&allocation)
            .map_err(|e| CliError::Failure(anyhow::anyhow!("cannot render the allocation as JSON: {e}")))?;
        json.push('\n');
        json
    } else {
        render_tables(&allocation)
    };
    out.write_all(rendered.as_bytes())
        .map_err(|e| CliError::Failure(anyhow::anyhow!("cannot write the output: {e}")))?;
    Ok(())
}

/// The readable form: assignments, unassigned items and the summary.
fn render_tables(allocation: &Allocation) -> String {
    let mut assigned = Table::new();
    assigned.load_preset(UTF8_FULL);
    // Rationales are long; wrap them so a row stays readable in a terminal
    // (and in a file, where no terminal width is known).
    assigned.set_content_arrangement(ContentArrangement::Dynamic);
    assigned.set_width(120);
    assigned.set_header(["item", "agent", "stretch", "rationale"]);
    for a in &allocation.assignments {
        let stretch = if a.stretch { "yes" } else { "" };
        assigned.add_row([a.item.as_str(), a.agent.as_str(), stretch, a.rationale.as_str()]);
    }

    let mut text = format!("Assignments ({})\n{assigned}\n", allocation.assignments.len());
    if !allocation.unassigned.is_empty() {
        let mut unassigned = Table::new();
        unassigned.load_preset(UTF8_FULL);
        unassigned.set_content_arrangement(ContentArrangement::Dynamic);
        unassigned.set_width(120);
        unassigned.set_header(["item", "reason"]);
        for u in &allocation.unassigned {
            unassigned.add_row([u.item.as_str(), u.reason.as_str()]);
        }
        text.push_str(&format!("\nUnassigned ({})\n{unassigned}\n", allocation.unassigned.len()));
    }

    let mut summary = Table::new();
    summary.load_preset(UTF8_FULL);
    summary.set_header(["", "urgent", "high", "normal", "low"]);
    for (label, counts) in [("assigned", allocation.summary.assigned), ("unassigned", allocation.summary.unassigned)] {
        summary.add_row([
            label.to_owned(),
            counts.urgent.to_string(),
            counts.high.to_string(),
            counts.normal.to_string(),
            counts.low.to_string(),
        ]);
    }
    text.push_str(&format!("\nSummary\n{summary}\n"));
    text
}
