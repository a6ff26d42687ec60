//! Customer comments by theme: counts and a weekly trend per theme, the
//! comments themselves linked to their interaction, agent and scores,
//! phrases that recur among unthemed comments, and the theme rules.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use crewdeck_core::auth::Action;
use crewdeck_core::auth::policy::Access;
use crewdeck_core::fields::FieldErrors;
use crewdeck_core::imports::themes::{Suggestion, ThemeRule, suggest, themes_of};
use crewdeck_store::StoreError;
use crewdeck_store::imports::comments::{self, Comment, CommentQuery, Theme};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Deserialize;

use super::{FormErrors, Layout, render_status};
use crate::error::PageError;
use crate::session::Session;
use crate::state::AppState;

/// Comments read for one page: the newest in the period.
const READ_LIMIT: i64 = 20_000;
/// Comments listed under the chart.
const SHOWN: usize = 100;
/// Themes drawn in the trend chart.
const CHARTED: usize = 8;

/// `?theme=ID|unthemed&from=YYYY-MM-DD&to=YYYY-MM-DD`.
#[derive(Debug, Default, Deserialize)]
pub struct CommentsQuery {
    theme: Option<String>,
    from: Option<String>,
    to: Option<String>,
    notice: Option<String>,
}

/// One theme's line in the counts table.
struct ThemeCount {
    id: i64,
    name: String,
    keywords: String,
    count: usize,
    share: String,
    selected: bool,
}

/// One comment as listed.
struct CommentView {
    comment: Comment,
    themes: Vec<String>,
}

#[derive(Template)]
#[template(path = "comments.html")]
struct CommentsPage {
    layout: Layout,
    from: String,
    to: String,
    total: usize,
    counts: Vec<ThemeCount>,
    unthemed: usize,
    unthemed_selected: bool,
    chart: String,
    shown: Vec<CommentView>,
    showing: String,
    suggestions: Vec<Suggestion>,
    can_manage: bool,
    errors: FormErrors,
    new_name: String,
    new_keywords: String,
    truncated: bool,
}

fn parse_day(field: &str, text: Option<&str>, default: Date) -> Result<Date, PageError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(default),
        Some(t) => t.parse().map_err(|_| PageError::BadRequest(format!("{field}: enter a date like 2026-03-01."))),
    }
}

/// Monday of the ISO week of `day`.
fn monday(day: Date) -> Date {
    let back = i64::from(day.weekday().to_monday_zero_offset());
    day.checked_sub(back.days()).unwrap_or(day)
}

fn trend_chart(weeks: &[Date], names: &[String], per_week: &[BTreeMap<Date, usize>]) -> String {
    if weeks.is_empty() || names.is_empty() {
        return String::new();
    }
    let series = names
        .iter()
        .zip(per_week)
        .map(|(name, counts)| {
            let data = weeks.iter().map(|w| counts.get(w).copied().unwrap_or(0) as f32).collect();
            charts_rs::Series::new(name.clone(), data)
        })
        .collect();
    let labels = weeks.iter().map(|w| w.strftime("%-d %b").to_string()).collect();
    let mut chart = charts_rs::LineChart::new(series, labels);
    chart.width = 900.0;
    chart.height = 320.0;
    chart.title_text = String::new();
    chart.legend_font_size = 12.0;
    chart.series_smooth = false;
    chart.svg().unwrap_or_default()
}

async fn page(
    state: &AppState,
    session: &Session,
    q: &CommentsQuery,
    status: StatusCode,
    errors: FormErrors,
    new_theme: (String, String),
) -> Result<Response, PageError> {
    let today = state.today();
    let to = parse_day("to", q.to.as_deref(), today)?;
    let from = parse_day("from", q.from.as_deref(), to.checked_sub(83.days()).unwrap_or(to))?;
    if from > to {
        return Err(PageError::BadRequest("from: choose a first day on or before the last day.".to_string()));
    }
    let teams = match session.access(Action::ViewComments) {
        Access::All => None,
        _ => Some(session.actor.led_team_ids.clone()),
    };
    let query = CommentQuery { from, to, teams, limit: READ_LIMIT };
    let found = comments::comments(&state.db, &query).await?;
    let themes: Vec<Theme> = comments::themes(&state.db).await?;
    let rules: Vec<ThemeRule> = themes.iter().map(|t| t.rule.clone()).collect();
    let matched: Vec<Vec<usize>> = found.iter().map(|c| themes_of(&c.text, &rules)).collect();

    let mut weeks = Vec::new();
    let mut week = monday(from);
    while week <= to {
        weeks.push(week);
        week = week.checked_add(7.days()).unwrap_or(to.checked_add(1.day()).unwrap_or(to));
    }
    let mut per_week: Vec<BTreeMap<Date, usize>> = vec![BTreeMap::new(); themes.len()];
    let mut counts = vec![0usize; themes.len()];
    for (comment, hits) in found.iter().zip(&matched) {
        let day: Option<Date> = comment.day.parse().ok();
        for &i in hits {
            counts[i] += 1;
            if let Some(day) = day {
                *per_week[i].entry(monday(day)).or_default() += 1;
            }
        }
    }
    let total = found.len();
    let unthemed = matched.iter().filter(|m| m.is_empty()).count();
    let selected = q.theme.as_deref().unwrap_or("");
    let selected_index = themes.iter().position(|t| t.id.to_string() == selected);
    let mut order: Vec<usize> = (0..themes.len()).collect();
    order.sort_by(|a, b| counts[*b].cmp(&counts[*a]).then(a.cmp(b)));
    let charted: Vec<usize> = order.iter().copied().filter(|i| counts[*i] > 0).take(CHARTED).collect();
    let chart = trend_chart(
        &weeks,
        &charted.iter().map(|i| themes[*i].rule.name.clone()).collect::<Vec<_>>(),
        &charted.iter().map(|i| per_week[*i].clone()).collect::<Vec<_>>(),
    );
    let share =
        |n: usize| if total == 0 { "\u{2013}".to_string() } else { format!("{:.0}%", 100.0 * n as f64 / total as f64) };
    let count_rows = order
        .iter()
        .map(|&i| ThemeCount {
            id: themes[i].id,
            name: themes[i].rule.name.clone(),
            keywords: themes[i].rule.keywords_text(),
            count: counts[i],
            share: share(counts[i]),
            selected: selected_index == Some(i),
        })
        .collect();
    let unthemed_selected = selected == "unthemed";
    let keep = |hits: &Vec<usize>| match (selected_index, unthemed_selected) {
        (Some(i), _) => hits.contains(&i),
        (None, true) => hits.is_empty(),
        (None, false) => true,
    };
    let showing = match (selected_index, unthemed_selected) {
        (Some(i), _) => format!("Comments in \u{201c}{}\u{201d}", themes[i].rule.name),
        (None, true) => "Comments in no theme".to_string(),
        (None, false) => "All comments".to_string(),
    };
    let shown = found
        .iter()
        .zip(&matched)
        .filter(|(_, hits)| keep(hits))
        .take(SHOWN)
        .map(|(c, hits)| CommentView {
            comment: c.clone(),
            themes: hits.iter().map(|i| themes[*i].rule.name.clone()).collect(),
        })
        .collect();
    let unthemed_texts = found.iter().zip(&matched).filter(|(_, m)| m.is_empty()).map(|(c, _)| c.text.as_str());
    let suggestions = suggest(unthemed_texts, 3, 10);
    render_status(
        status,
        &CommentsPage {
            layout: Layout::new(session, "Customer comments", "/comments").with_notice(q.notice.as_deref()),
            from: from.to_string(),
            to: to.to_string(),
            total,
            counts: count_rows,
            unthemed,
            unthemed_selected,
            chart,
            shown,
            showing,
            suggestions,
            can_manage: session.access(Action::ManageCommentThemes) != Access::None,
            errors,
            new_name: new_theme.0,
            new_keywords: new_theme.1,
            truncated: found.len() as i64 >= READ_LIMIT,
        },
    )
}

/// `GET /comments`.
pub async fn show(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<CommentsQuery>,
) -> Result<Response, PageError> {
    page(&state, &session, &q, StatusCode::OK, FormErrors::default(), (String::new(), String::new())).await
}

/// The theme form.
#[derive(Debug, Deserialize)]
pub struct ThemeForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    keywords: String,
}

async fn saved(
    state: &AppState,
    session: &Session,
    form: ThemeForm,
    result: Result<(), StoreError>,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(Redirect::to("/comments?notice=theme_saved#themes").into_response()),
        Err(StoreError::Invalid(errors)) => {
            let q = CommentsQuery::default();
            page(state, session, &q, StatusCode::UNPROCESSABLE_ENTITY, FormErrors(errors), (form.name, form.keywords))
                .await
        }
        Err(e) => Err(e.into()),
    }
}

fn parse_rule(form: &ThemeForm) -> Result<ThemeRule, StoreError> {
    ThemeRule::parse(&form.name, &form.keywords).map_err(|e| StoreError::Invalid(FieldErrors(e)))
}

/// `POST /comments/themes`: a new theme.
pub async fn create_theme(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(form): Form<ThemeForm>,
) -> Result<Response, PageError> {
    let result = match parse_rule(&form) {
        Ok(rule) => comments::create_theme(&state.db, &session.audit_actor(), &rule, state.now()).await.map(|_| ()),
        Err(e) => Err(e),
    };
    saved(&state, &session, form, result).await
}

/// `POST /comments/themes/{id}`: new name and keywords for a theme.
pub async fn update_theme(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<ThemeForm>,
) -> Result<Response, PageError> {
    let result = match parse_rule(&form) {
        Ok(rule) => comments::update_theme(&state.db, &session.audit_actor(), id, &rule, state.now()).await,
        Err(e) => Err(e),
    };
    saved(&state, &session, form, result).await
}

/// `POST /comments/themes/{id}/delete`.
pub async fn delete_theme(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    comments::delete_theme(&state.db, &session.audit_actor(), id, state.now()).await?;
    Ok(Redirect::to("/comments?notice=theme_deleted#themes").into_response())
}
