//! KPI dashboards: team, person, queue and channel views over the rollups,
//! each tile against its target with the rule that set it, weekly trends and
//! control charts, every figure linked to the interactions behind it, and the
//! weekly figures as CSV (`?format=csv`).

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use crewdeck_core::auth::policy::Access;
use crewdeck_core::auth::{Action, Subject};
use crewdeck_core::kpi::{AppliedTarget, DashboardSpec, Kpi, Rag, Tile, build_tiles, long_date};
use crewdeck_store::dashboard::ContactScope;
use crewdeck_store::people::Scope;
use crewdeck_store::{dashboard, people, quality, standards, teams};
use serde::Deserialize;

use super::kpi_scope::{About, Period, PeriodQuery, scope_for};
use super::{Layout, charts, csv_export, render};
use crate::error::PageError;
use crate::session::Session;
use crate::state::AppState;

/// The dashboard query: a period and an optional `format=csv`.
#[derive(Debug, Default, Deserialize)]
pub struct DashboardQuery {
    // Not `#[serde(flatten)]`: query strings are all text, and flattening
    // loses the conversion of `weeks` to a number.
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    weeks: Option<u32>,
    #[serde(default)]
    format: Option<String>,
}

impl DashboardQuery {
    fn period(&self) -> PeriodQuery {
        PeriodQuery { from: self.from.clone(), to: self.to.clone(), weeks: self.weeks }
    }
}

/// One week of a tile, as shown in the weekly table.
struct WeekView {
    week: String,
    value: String,
    n: String,
    signal: bool,
    drill: String,
}

/// One tile as shown.
struct TileView {
    anchor: String,
    title: String,
    value: String,
    rag: &'static str,
    rag_label: &'static str,
    rule: Option<String>,
    provenance: Option<String>,
    sample: String,
    interval: Option<String>,
    too_few: Option<String>,
    drill: String,
    chart_kind: &'static str,
    trend_svg: String,
    control_svg: String,
    signals: Vec<String>,
    weeks: Vec<WeekView>,
}

struct PeriodLink {
    label: &'static str,
    href: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    eyebrow: String,
    heading: String,
    lead: String,
    base: String,
    from: String,
    to: String,
    periods: Vec<PeriodLink>,
    tiles: Vec<TileView>,
    qa: Option<QaPanel>,
    csv_href: String,
    targets_href: Option<String>,
    notes: Vec<&'static str>,
}

/// Thousands separated: 12,345.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn rag_words(rag: Rag, has_target: bool) -> (&'static str, &'static str) {
    match (rag, has_target) {
        (_, false) => ("none", "No target"),
        (Rag::Green, _) => ("green", "On target"),
        (Rag::Amber, _) => ("amber", "Close to target"),
        (Rag::Red, _) => ("red", "Off target"),
        (Rag::NoData, _) => ("none", "No data"),
    }
}

/// The query string selecting the same contacts on `/interactions`.
fn drill_href(scope_params: &[(&str, String)], tile: &Tile, from: &str, to: &str) -> String {
    let mut params: Vec<(&str, String)> = scope_params.to_vec();
    if let Some(channel) = tile.channel
        && !params.iter().any(|(k, _)| *k == "channel")
    {
        params.push(("channel", channel.as_str().to_string()));
    }
    if let Some(queue) = &tile.queue
        && !params.iter().any(|(k, _)| *k == "queue")
    {
        params.push(("queue", queue.clone()));
    }
    params.push(("from", from.to_string()));
    params.push(("to", to.to_string()));
    params.push(("kpi", tile.kpi.as_str().to_string()));
    format!("/interactions?{}", serde_urlencoded::to_string(&params).unwrap_or_default())
}

fn tile_view(tile: &Tile, index: usize, scope_params: &[(&str, String)], period: Period) -> TileView {
    let kpi = tile.kpi;
    let (rag, rag_label) = rag_words(tile.rag(), tile.status.is_some());
    let sunday = |monday: jiff::civil::Date| monday.checked_add(jiff::ToSpan::days(6)).unwrap_or(monday);
    let weeks = tile
        .weeks
        .iter()
        .map(|w| {
            let from = w.monday.max(period.from).to_string();
            let to = sunday(w.monday).min(period.to).to_string();
            WeekView {
                week: w.week.clone(),
                value: w.value.value.map_or("–".to_string(), |v| kpi.show(v)),
                n: thousands(w.value.n),
                signal: w.signal,
                drill: drill_href(scope_params, tile, &from, &to),
            }
        })
        .collect();
    let signals = if tile.control.centre.is_none() {
        vec!["Too little data for control limits yet.".to_string()]
    } else {
        tile.control.signals.iter().map(|s| format!("{} ({})", s.text, s.rule)).collect()
    };
    TileView {
        anchor: format!("kpi-{index}"),
        title: tile.title.clone(),
        value: tile.value.value.map_or("No data".to_string(), |v| kpi.show(v)),
        rag,
        rag_label,
        rule: tile.status.as_ref().map(|s| s.rule.clone()),
        provenance: tile.provenance.clone(),
        sample: format!("n = {} {}", thousands(tile.value.n), kpi.sample_label()),
        interval: tile
            .interval
            .map(|(low, high)| format!("95% confidence interval {}–{}", kpi.show(low), kpi.show(high))),
        too_few: tile.too_few.then(|| format!("Too few responses to act on ({} so far)", tile.value.n)),
        drill: drill_href(scope_params, tile, &period.from.to_string(), &period.to.to_string()),
        chart_kind: tile.control.kind,
        trend_svg: charts::trend(tile),
        control_svg: charts::control(tile),
        signals,
        weeks,
    }
}

/// KPIs a dashboard of this kind shows. A person's dashboard leaves out the
/// queue measures (service level, speed of answer, abandonment): they are
/// decided by staffing and demand, not by one person's work.
fn kpis_for(about: &About) -> &'static [Kpi] {
    match about {
        About::Person(_) => &[Kpi::Aht, Kpi::Fcr, Kpi::Csat, Kpi::Nps, Kpi::Ces],
        _ => &Kpi::ALL,
    }
}

struct Heading {
    eyebrow: String,
    heading: String,
    base: String,
    scope_params: Vec<(&'static str, String)>,
    targets_team: Option<i64>,
}

async fn heading_for(state: &AppState, about: &About) -> Result<Heading, PageError> {
    Ok(match about {
        About::Team(id) => Heading {
            eyebrow: "Team dashboard".into(),
            heading: teams::get(&state.db, *id, state.today()).await?.name,
            base: format!("/dashboards/team/{id}"),
            scope_params: vec![("team", id.to_string())],
            targets_team: Some(*id),
        },
        About::Person(id) => Heading {
            eyebrow: "Personal dashboard".into(),
            heading: people::get(&state.db, *id).await?.name,
            base: format!("/people/{id}/dashboard"),
            scope_params: vec![("agent", id.to_string())],
            targets_team: people::team_ids_on(&state.db, *id, state.today()).await?.first().copied(),
        },
        About::Reach { queue: Some(queue), .. } => Heading {
            eyebrow: "Queue dashboard".into(),
            heading: queue.clone(),
            base: format!("/dashboards/queues/{}", path_segment(queue)),
            scope_params: vec![("queue", queue.clone())],
            targets_team: None,
        },
        About::Reach { channel: Some(channel), .. } => Heading {
            eyebrow: "Channel dashboard".into(),
            heading: channel_label(channel.as_str()),
            base: format!("/dashboards/channels/{}", channel.as_str()),
            scope_params: vec![("channel", channel.as_str().to_string())],
            targets_team: None,
        },
        About::Reach { .. } => Heading {
            eyebrow: "Dashboard".into(),
            heading: "Everything you can see".into(),
            base: "/dashboards".into(),
            scope_params: Vec::new(),
            targets_team: None,
        },
    })
}

/// A value made safe for one segment of a path.
pub(crate) fn path_segment(text: &str) -> String {
    let encoded = serde_urlencoded::to_string([("q", text)]).unwrap_or_default();
    encoded.trim_start_matches("q=").replace('+', "%20")
}

/// A channel's stable name as people write it.
pub fn channel_label(channel: &str) -> String {
    let text = channel.replace('_', " ");
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

/// The tiles of a dashboard about `about` over `period`, for a caller whose
/// reach is `scope`; targets come from `targets_team`'s standards.
pub(crate) async fn tiles_for(
    state: &AppState,
    about: &About,
    scope: &ContactScope,
    targets_team: Option<i64>,
    period: Period,
) -> Result<Vec<Tile>, PageError> {
    let days = dashboard::day_counts(&state.db, scope, period.from, period.to).await?;
    let applied: Vec<AppliedTarget> = standards::applied_for_team(&state.db, targets_team)
        .await?
        .into_iter()
        .filter(|a| {
            // A standard for another queue or channel does not apply to this view.
            let input = &a.standard.input;
            scope.queue.as_ref().is_none_or(|q| input.queue.as_ref().is_none_or(|s| s == q))
                && scope.channel.is_none_or(|c| input.channel.is_none_or(|s| s == c))
        })
        .collect();
    let spec = DashboardSpec {
        targets: &applied,
        kpis: kpis_for(about),
        min_responses: standards::min_responses(&state.db).await?,
        from: period.from,
        to: period.to,
    };
    Ok(build_tiles(&days, &spec)
        .into_iter()
        // A standard scoped to a channel or queue with no contacts here is
        // not about this view.
        .filter(|t| t.value.n > 0 || (t.channel.is_none() && t.queue.is_none()))
        .collect())
}

async fn show(state: &AppState, session: &Session, about: About, q: &DashboardQuery) -> Result<Response, PageError> {
    let period = Period::parse(&q.period(), state.today())?;
    let scope = scope_for(state, session, Action::ViewDashboards, &about, period).await?;
    let head = heading_for(state, &about).await?;
    let tiles = tiles_for(state, &about, &scope, head.targets_team, period).await?;
    if q.format.as_deref() == Some("csv") {
        return Ok(weekly_csv(&head, &tiles, period));
    }
    let views: Vec<TileView> =
        tiles.iter().enumerate().map(|(i, t)| tile_view(t, i, &head.scope_params, period)).collect();
    let periods = [(4, "4 weeks"), (13, "13 weeks"), (26, "26 weeks"), (52, "52 weeks")]
        .into_iter()
        .map(|(weeks, label)| PeriodLink {
            label,
            href: format!("{}?weeks={weeks}", head.base),
            current: q.from.is_none() && q.to.is_none() && q.weeks.unwrap_or(26) == weeks,
        })
        .collect();
    let qa = qa_panel(state, session, &about, period).await?;
    let can_set_targets = head.targets_team.is_some_and(|team| {
        matches!(about, About::Team(_)) && session.may(Action::ManageTeamTargets, &Subject::Team { id: team })
    });
    let mut notes = vec![
        "Figures come from the daily rollups, counted by the definitions in the KPI guide. Each figure links to the contacts behind it.",
        "Control limits come from the weeks shown; a signal marks a change worth looking into, and no signal means the ups and downs are routine.",
    ];
    if matches!(about, About::Team(_)) {
        notes.push(
            "A team's figures count the contacts its members answered while in the team, and the unanswered contacts of the queues the team answers most of.",
        );
    }
    render(&DashboardPage {
        layout: Layout::new(session, format!("{} dashboard", head.heading), "/dashboards"),
        lead: format!(
            "{} to {} ({} days). Targets and standards: the rule beside each figure says where its target comes from.",
            long_date(period.from),
            long_date(period.to),
            (period.to - period.from).get_days() + 1
        ),
        csv_href: format!("{}?{}&format=csv", head.base, period.query()),
        targets_href: can_set_targets.then(|| format!("/teams/{}/targets", head.targets_team.unwrap_or_default())),
        eyebrow: head.eyebrow,
        heading: head.heading,
        base: head.base,
        from: period.from.to_string(),
        to: period.to.to_string(),
        periods,
        tiles: views,
        qa,
        notes,
    })
}

/// The QA tile on a team or personal dashboard: the mean evaluation score
/// with its 95% interval, the sample, and the criteria failing most often.
struct QaPanel {
    value: String,
    interval: Option<String>,
    sample: String,
    not_reliable: bool,
    failures: Vec<String>,
    href: String,
}

/// QA numbers for the people a team or personal dashboard is about, when the
/// caller may see evaluations. The dashboard's own check has already limited
/// the caller to this team or person, and evaluations reach the same people.
async fn qa_panel(
    state: &AppState,
    session: &Session,
    about: &About,
    period: Period,
) -> Result<Option<QaPanel>, PageError> {
    if session.access(Action::ViewEvaluations) == Access::None {
        return Ok(None);
    }
    let range = format!("from={}&to={}", period.from, period.to);
    let (people_ids, href) = match about {
        About::Team(id) => (
            people::list(&state.db, &Scope::All, Some(*id), state.today()).await?.into_iter().map(|p| p.id).collect(),
            format!("/quality/numbers?team={id}&{range}"),
        ),
        About::Person(id) => (vec![*id], format!("/quality/numbers?{range}")),
        About::Reach { .. } => return Ok(None),
    };
    let seconds = |day: jiff::civil::Date| day.to_zoned(state.time_zone()).map_or(0, |z| z.timestamp().as_second());
    let end = period.to.checked_add(jiff::ToSpan::days(1)).unwrap_or(period.to);
    let numbers = quality::numbers::numbers(&state.db, Some(&people_ids), seconds(period.from), seconds(end)).await?;
    let Some(summary) = numbers.overall else {
        return Ok(Some(QaPanel {
            value: "No evaluations".into(),
            interval: None,
            sample: "n = 0 evaluations in this period".into(),
            not_reliable: false,
            failures: Vec::new(),
            href,
        }));
    };
    let failures = numbers
        .failures
        .iter()
        .filter(|f| f.failed > 0)
        .take(3)
        .map(|f| format!("{}: failed {} of {}", f.criterion_id, f.failed, f.applicable))
        .collect();
    Ok(Some(QaPanel {
        value: format!("{:.1}", summary.mean),
        interval: summary
            .lower
            .zip(summary.upper)
            .map(|(low, high)| format!("95% confidence interval {low:.1}–{high:.1}")),
        sample: format!("n = {} evaluations", thousands(summary.n as u64)),
        not_reliable: !summary.reliable,
        failures,
        href,
    }))
}

fn weekly_csv(head: &Heading, tiles: &[Tile], period: Period) -> Response {
    let mut body = csv_export::line(&["week", "kpi", "figure", "value", "n", "lower_limit", "upper_limit", "signal"]);
    for tile in tiles {
        for w in &tile.weeks {
            let number = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:.6}"));
            body.push_str(&csv_export::line(&[
                w.week.clone(),
                tile.kpi.as_str().to_string(),
                tile.title.clone(),
                number(w.value.value),
                w.value.n.to_string(),
                number(w.lower),
                number(w.upper),
                if w.signal { "yes".into() } else { "no".into() },
            ]));
        }
    }
    let slug: String =
        head.base.trim_start_matches('/').chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    csv_export::download(&format!("{slug}-{}-{}.csv", period.from, period.to), body)
}

async fn own_dashboard(session: &Session) -> Result<Response, PageError> {
    match session.user.person_id {
        Some(id) => Ok(Redirect::to(&format!("/people/{id}/dashboard")).into_response()),
        None => Err(PageError::NotFound(
            "Your personal dashboard (your account is not linked to a person; ask an administrator to link it)".into(),
        )),
    }
}

struct Link {
    label: String,
    href: String,
}

#[derive(Template)]
#[template(path = "dashboards.html")]
struct DashboardsIndex {
    layout: Layout,
    teams: Vec<Link>,
    queues: Vec<Link>,
    channels: Vec<Link>,
    can_manage_standards: bool,
}

/// `GET /dashboards`: the teams, queues and channels the caller can see.
/// Agents go straight to their own dashboard.
pub async fn index(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Response, PageError> {
    if session.access(Action::ViewDashboards) == Access::Own {
        return own_dashboard(&session).await;
    }
    let period = Period::parse(&PeriodQuery::default(), state.today())?;
    let all = teams::list(&state.db, state.today()).await?;
    let teams = all
        .into_iter()
        .filter(|t| session.may(Action::ViewDashboards, &Subject::Team { id: t.id }))
        .map(|t| Link { label: t.name, href: format!("/dashboards/team/{}", t.id) })
        .collect();
    let (queues, channels) = dashboard::queues_and_channels(&state.db, period.from, period.to).await?;
    render(&DashboardsIndex {
        layout: Layout::new(&session, "Dashboards", "/dashboards"),
        teams,
        queues: queues
            .into_iter()
            .map(|q| Link { href: format!("/dashboards/queues/{}", path_segment(&q)), label: q })
            .collect(),
        channels: channels
            .into_iter()
            .map(|c| Link { label: channel_label(&c), href: format!("/dashboards/channels/{c}") })
            .collect(),
        can_manage_standards: session.access(Action::ManageStandards) != Access::None,
    })
}

/// `GET /dashboards/team/{id}`. Agents see their own dashboard instead.
pub async fn team(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    if session.access(Action::ViewDashboards) == Access::Own {
        return own_dashboard(&session).await;
    }
    show(&state, &session, About::Team(id), &q).await
}

/// `GET /people/{id}/dashboard`.
pub async fn person(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    show(&state, &session, About::Person(id), &q).await
}

/// `GET /dashboards/queues/{queue}`: the caller's reach within one queue.
pub async fn queue(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(queue): Path<String>,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    show(&state, &session, About::Reach { queue: Some(queue), channel: None }, &q).await
}

/// `GET /dashboards/channels/{channel}`: the caller's reach within one channel.
pub async fn channel(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(channel): Path<String>,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    let channel = super::kpi_scope::parse_channel(Some(&channel))?;
    show(&state, &session, About::Reach { queue: None, channel }, &q).await
}
