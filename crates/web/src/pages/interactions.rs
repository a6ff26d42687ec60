//! Interactions: the list behind every dashboard figure (paged, or the whole
//! list as CSV with `.csv` or `?format=csv`), and one interaction with its
//! surveys and the person who answered it.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use crewdeck_core::auth::policy::Access;
use crewdeck_core::auth::{Action, Subject};
use crewdeck_core::kpi::Kpi;
use crewdeck_store::dashboard;
use crewdeck_store::interaction_views::{self, InteractionDetail, InteractionFilter, InteractionItem};
use crewdeck_store::{people, teams};
use serde::Deserialize;
use tokio::sync::mpsc;

use super::dashboards::channel_label;
use super::kpi_scope::{About, Period, PeriodQuery, parse_channel, scope_for};
use super::{Layout, csv_export, render};
use crate::error::PageError;
use crate::session::Session;
use crate::state::AppState;

/// Rows per page.
const PAGE_SIZE: u32 = 50;

/// The drill-down query.
#[derive(Debug, Default, Deserialize)]
pub struct InteractionsQuery {
    #[serde(default)]
    team: Option<String>,
    #[serde(default)]
    agent: Option<String>,
    #[serde(default)]
    queue: Option<String>,
    #[serde(default)]
    channel: Option<String>,
    #[serde(default)]
    kpi: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    weeks: Option<u32>,
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    format: Option<String>,
}

fn id_param(field: &str, text: Option<&str>) -> Result<Option<i64>, PageError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => t.parse().map(Some).map_err(|_| {
            PageError::BadRequest(format!(
                "{field}: expected a number from a dashboard link (you entered \u{201c}{t}\u{201d})"
            ))
        }),
        None => Ok(None),
    }
}

/// The parsed query: what to list and how it was asked for.
struct Parsed {
    filter: InteractionFilter,
    period: Period,
    params: Vec<(&'static str, String)>,
    description: Vec<String>,
}

async fn parse(state: &AppState, session: &Session, q: &InteractionsQuery) -> Result<Parsed, PageError> {
    let period = Period::parse(&PeriodQuery { from: q.from.clone(), to: q.to.clone(), weeks: q.weeks }, state.today())?;
    let team = id_param("team", q.team.as_deref())?;
    let agent = id_param("agent", q.agent.as_deref())?;
    let queue = q.queue.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
    let channel = parse_channel(q.channel.as_deref())?;
    let kpi = match q.kpi.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => Some(Kpi::parse("kpi", text).map_err(|e| PageError::BadRequest(e.to_string()))?),
        None => None,
    };
    let about = match (agent, team) {
        (Some(person), _) => About::Person(person),
        (None, Some(team)) => About::Team(team),
        (None, None) => About::Reach { queue: queue.clone(), channel },
    };
    let mut scope = scope_for(state, session, Action::ViewInteractions, &about, period).await?;
    scope.queue = queue.clone();
    scope.channel = channel;
    let mut params = Vec::new();
    let mut description = Vec::new();
    if let Some(person) = agent {
        params.push(("agent", person.to_string()));
        description.push(format!("answered by {}", people::get(&state.db, person).await?.name));
    } else if let Some(team) = team {
        params.push(("team", team.to_string()));
        description.push(format!("of team {}", teams::get(&state.db, team, state.today()).await?.name));
    }
    if let Some(q) = &queue {
        params.push(("queue", q.clone()));
        description.push(format!("in queue {q}"));
    }
    if let Some(c) = channel {
        params.push(("channel", c.as_str().to_string()));
        description.push(format!("by {}", channel_label(c.as_str()).to_lowercase()));
    }
    if let Some(k) = kpi {
        params.push(("kpi", k.as_str().to_string()));
        description.push(format!("counted in {}", k.label()));
    }
    params.push(("from", period.from.to_string()));
    params.push(("to", period.to.to_string()));
    Ok(Parsed {
        filter: InteractionFilter { scope, from: period.from, to: period.to, kpi },
        period,
        params,
        description,
    })
}

fn seconds(value: Option<f64>) -> String {
    match value {
        None => String::new(),
        Some(s) if s < 120.0 => format!("{s:.0} s"),
        Some(s) if s < 7200.0 => format!("{:.1} min", s / 60.0),
        Some(s) => format!("{:.1} h", s / 3600.0),
    }
}

fn score(value: Option<i64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

struct Row {
    href: String,
    arrived: String,
    channel: String,
    queue: String,
    agent: String,
    topic: String,
    wait: String,
    handle: String,
    outcome: String,
    fcr: bool,
    csat: String,
    nps: String,
    comment: String,
}

fn row(item: InteractionItem) -> Row {
    Row {
        href: format!("/interactions/{}", super::dashboards::path_segment(&item.id)),
        channel: channel_label(&item.channel),
        wait: seconds(item.wait_seconds),
        handle: seconds(item.handle_seconds),
        csat: score(item.csat),
        nps: score(item.nps),
        comment: item.comment.unwrap_or_default(),
        agent: item.agent_id.unwrap_or_else(|| "nobody (unanswered)".into()),
        arrived: item.arrived,
        queue: item.queue,
        topic: item.topic,
        outcome: item.outcome,
        fcr: item.fcr,
    }
}

#[derive(Template)]
#[template(path = "interactions.html")]
struct InteractionsPage {
    layout: Layout,
    description: String,
    rows: Vec<Row>,
    page: u32,
    previous: Option<String>,
    next: Option<String>,
    csv_href: String,
}

fn query_string(params: &[(&str, String)]) -> String {
    serde_urlencoded::to_string(params).unwrap_or_default()
}

/// `GET /interactions`, or the CSV with `?format=csv`.
pub async fn list(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<InteractionsQuery>,
) -> Result<Response, PageError> {
    if q.format.as_deref() == Some("csv") {
        return export(&state, &session, &q).await;
    }
    let parsed = parse(&state, &session, &q).await?;
    let page = q.page.unwrap_or(1).max(1);
    let (items, more) = interaction_views::list(&state.db, &parsed.filter, page, PAGE_SIZE).await?;
    let base = query_string(&parsed.params);
    let link = |p: u32| format!("/interactions?{base}&page={p}");
    let description = if parsed.description.is_empty() {
        format!("Contacts from {} to {}", parsed.period.from, parsed.period.to)
    } else {
        format!("Contacts {} from {} to {}", parsed.description.join(", "), parsed.period.from, parsed.period.to)
    };
    render(&InteractionsPage {
        layout: Layout::new(&session, "Interactions", "/dashboards"),
        description,
        rows: items.into_iter().map(row).collect(),
        page,
        previous: (page > 1).then(|| link(page - 1)),
        next: more.then(|| link(page + 1)),
        csv_href: format!("/interactions.csv?{base}"),
    })
}

/// `GET /interactions.csv`: every interaction of the query, streamed.
pub async fn csv(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<InteractionsQuery>,
) -> Result<Response, PageError> {
    export(&state, &session, &q).await
}

const CSV_HEADER: [&str; 16] = [
    "id",
    "arrived",
    "channel",
    "queue",
    "agent_id",
    "topic",
    "outcome",
    "wait_seconds",
    "handle_seconds",
    "fcr",
    "csat",
    "nps",
    "ces",
    "comment",
    "link",
    "period",
];

async fn export(state: &AppState, session: &Session, q: &InteractionsQuery) -> Result<Response, PageError> {
    let parsed = parse(state, session, q).await?;
    let (tx, rx) = mpsc::channel::<String>(64);
    let db = state.db.clone();
    let period = format!("{}..{}", parsed.period.from, parsed.period.to);
    let filter = parsed.filter;
    tokio::spawn(async move {
        if tx.send(csv_export::line(&CSV_HEADER)).await.is_err() {
            return;
        }
        let number = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:.3}"));
        let result = interaction_views::for_each(&db, &filter, |item| {
            let line = csv_export::line(&[
                item.id.clone(),
                item.arrived.clone(),
                item.channel.clone(),
                item.queue.clone(),
                item.agent_id.clone().unwrap_or_default(),
                item.topic.clone(),
                item.outcome.clone(),
                number(item.wait_seconds),
                number(item.handle_seconds),
                if item.fcr { "1".into() } else { "0".into() },
                score(item.csat),
                score(item.nps),
                score(item.ces),
                item.comment.clone().unwrap_or_default(),
                format!("/interactions/{}", super::dashboards::path_segment(&item.id)),
                period.clone(),
            ]);
            let tx = tx.clone();
            // Waits while the client reads slowly; stops when it has gone.
            async move { tx.send(line).await.is_ok() }
        })
        .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "an interactions export stopped early");
        }
    });
    Ok(csv_export::streamed(&format!("interactions-{}-{}.csv", parsed.period.from, parsed.period.to), rx))
}

#[derive(Template)]
#[template(path = "interaction.html")]
struct InteractionPage {
    layout: Layout,
    detail: InteractionDetail,
    channel: String,
    wait: String,
    handle: String,
}

/// `GET /interactions/{id}`.
pub async fn show(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let detail = interaction_views::get(&state.db, &id).await?;
    let allowed = match (&detail.person, session.access(Action::ViewInteractions)) {
        (_, Access::None) => false,
        (_, Access::All) => true,
        (Some((person, _)), _) => {
            let team_ids = people::team_ids_on(&state.db, *person, detail.day).await?;
            session.may(Action::ViewInteractions, &Subject::Person { id: *person, team_ids })
        }
        // Nobody answered it: a team leader sees it when their team owns the queue.
        (None, Access::Team) => {
            let scope = dashboard::team_scope(&state.db, &session.actor.led_team_ids, detail.day, detail.day).await?;
            scope.unanswered_queues.contains(&detail.item.queue)
        }
        (None, Access::Own) => false,
    };
    if !allowed {
        return Err(PageError::Forbidden);
    }
    render(&InteractionPage {
        layout: Layout::new(&session, format!("Interaction {}", detail.item.id), "/dashboards"),
        channel: channel_label(&detail.item.channel),
        wait: seconds(detail.item.wait_seconds),
        handle: seconds(detail.item.handle_seconds),
        detail,
    })
}
