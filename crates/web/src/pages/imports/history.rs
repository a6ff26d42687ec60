//! The import history and the rejected rows of one import as CSV.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use crewdeck_store::imports::{self, ImportEntry};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;

use super::super::{Layout, render};
use crate::error::PageError;
use crate::session::Session;
use crate::state::AppState;

/// Imports per page of the history.
const PER_PAGE: u32 = 25;

/// One import, ready to show.
#[derive(Debug, Clone)]
pub(crate) struct EntryView {
    pub id: i64,
    pub when: String,
    pub who: String,
    pub file_name: String,
    pub what: String,
    pub imported: i64,
    pub updated: i64,
    pub rejected: i64,
    pub skipped: i64,
    pub took: String,
    pub running: bool,
    pub download: bool,
}

impl EntryView {
    pub(crate) fn new(entry: &ImportEntry, tz: &TimeZone) -> Self {
        let when = Timestamp::from_second(entry.started_at)
            .map(|t| t.to_zoned(tz.clone()).strftime("%-d %b %Y %H:%M").to_string())
            .unwrap_or_default();
        let what = match entry.source.as_deref() {
            Some("zendesk") => format!("Zendesk {}", if entry.kind == "surveys" { "ratings" } else { "tickets" }),
            Some("connect") => "Amazon Connect contacts".to_string(),
            Some(format) => format!("{} ({})", capitalised(&entry.kind), format.to_uppercase()),
            None => capitalised(&entry.kind),
        };
        Self {
            id: entry.id,
            when,
            who: entry.actor.clone(),
            file_name: entry.file_name.clone(),
            what,
            imported: entry.imported,
            updated: entry.updated,
            rejected: entry.rejected,
            skipped: entry.skipped,
            took: entry.duration_ms.map(duration).unwrap_or_else(|| "\u{2013}".to_string()),
            running: entry.status == "running",
            download: entry.rejections_kept && entry.rejected > 0,
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A duration in milliseconds as people read it.
pub(crate) fn duration(ms: i64) -> String {
    if ms < 1_000 {
        format!("{:.1} s", ms.max(0) as f64 / 1000.0)
    } else if ms < 60_000 {
        format!("{} s", ms / 1000)
    } else {
        format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

/// A size in bytes as people read it.
pub(crate) fn bytes(n: u64) -> String {
    if n < 1_024 {
        format!("{n} bytes")
    } else if n < 1_048_576 {
        format!("{:.1} KB", n as f64 / 1024.0)
    } else {
        format!("{:.1} MB", n as f64 / 1_048_576.0)
    }
}

#[derive(Template)]
#[template(path = "import_history.html")]
struct HistoryPage {
    layout: Layout,
    entries: Vec<EntryView>,
    page: u32,
    has_more: bool,
}

/// `?page=N`, from 0.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    page: Option<u32>,
}

/// `GET /imports/history`: every import, newest first, a page at a time.
pub async fn history(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    let page = q.page.unwrap_or(0).min(100_000);
    let found = imports::runs_page(&state.db, page, PER_PAGE).await?;
    let tz = state.time_zone();
    render(&HistoryPage {
        layout: Layout::new(&session, "Import history", "/imports"),
        entries: found.entries.iter().map(|e| EntryView::new(e, &tz)).collect(),
        page,
        has_more: found.has_more,
    })
}

/// Quotes a CSV field when it needs it.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
}

/// `GET /imports/runs/{id}/rejected.csv`: the rows an import rejected, with
/// their line and reason.
pub async fn rejected_csv(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, PageError> {
    if imports::import_run(&state.db, id).await?.is_none() {
        return Err(PageError::NotFound("This import".to_string()));
    }
    let rows = imports::rejections(&state.db, id).await?;
    let mut body = String::from("line,reason\n");
    for row in rows {
        body.push_str(&format!("{},{}\n", row.line, csv_field(&row.reason)));
    }
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"import-{id}-rejected.csv\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_sizes_and_csv_read_well() {
        assert_eq!(duration(420), "0.4 s");
        assert_eq!(duration(12_500), "12 s");
        assert_eq!(duration(185_000), "3 min 5 s");
        assert_eq!(bytes(900), "900 bytes");
        assert_eq!(bytes(2048), "2.0 KB");
        assert_eq!(csv_field("arrived_at: \"x\", bad"), "\"arrived_at: \"\"x\"\", bad\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
