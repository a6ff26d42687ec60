//! Dashboards, drill-down, CSV exports, standards and team targets over the
//! demo organisation, per role.

#![expect(clippy::unwrap_used, reason = "fixture set-up in a test: a panic is the right failure")]

mod common;

use axum::http::{StatusCode, header};
use common::TestApp;
use crewdeck_core::auth::Action;
use crewdeck_core::auth::policy::{Access, role_access};
use crewdeck_core::people::Role;
use crewdeck_store::teams;

/// The team the caller leads, and another team.
async fn led_and_other(app: &TestApp, leader: &common::Caller) -> (i64, i64) {
    let led = teams::led_by(&app.db, leader.user.person_id.unwrap()).await.unwrap()[0];
    let other = teams::list(&app.db, common::TODAY).await.unwrap().into_iter().find(|t| t.id != led).unwrap().id;
    (led, other)
}

/// Every `href="…"` value in a page that starts with `prefix`, unescaped.
fn links(body: &str, prefix: &str) -> Vec<String> {
    body.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with(prefix))
        .map(|href| {
            ["&amp;", "&#38;", "&#x26;"]
                .iter()
                .fold(href.to_string(), |h, entity| h.replace(entity, "&"))
                .replace("&#x3d;", "=")
                .replace("&#61;", "=")
        })
        .collect()
}

#[test]
fn the_policy_gives_each_role_its_reach() {
    use Access::{All, None, Own, Team};
    let expected = [
        (Action::ViewDashboards, [Own, Team, All, None, None]),
        (Action::ViewInteractions, [Own, Team, All, None, None]),
        (Action::ManageStandards, [None, None, All, None, None]),
        (Action::ManageTeamTargets, [None, Team, All, None, None]),
    ];
    let roles = [Role::Agent, Role::TeamLeader, Role::OpsManager, Role::Hr, Role::Admin];
    for (action, accesses) in expected {
        for (role, access) in roles.iter().zip(accesses) {
            assert_eq!(role_access(*role, action), access, "{action:?} for {role}");
        }
    }
}

#[tokio::test]
async fn the_team_dashboard_shows_tiles_trends_control_charts_and_drills_down() {
    let app = TestApp::demo().await;
    let leader = app.caller(Role::TeamLeader).await;
    let (bookings, retail) = led_and_other(&app, &leader).await;
    let page = app.get(&format!("/dashboards/team/{bookings}"), Some(&leader)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for expected in [
        "kpi-tile",
        "Service level (voice)",
        "Organisation standard: Service level (email) ≥ 90%",
        "(from the organisation standard CSAT ≥ 85%, tightened by",
        "95% confidence interval",
        "Weekly trend",
        "Control chart (p-chart)",
        "Control chart (XmR chart)",
        "<svg",
    ] {
        assert!(page.body.contains(expected), "missing {expected}");
    }
    assert!(!page.body.contains(" style="), "no inline style attributes (the CSP forbids them)");

    // A tile's figure leads to the interactions behind it.
    let drill = links(&page.body, "/interactions?");
    let csat = drill.iter().find(|l| l.contains("kpi=csat")).unwrap();
    assert!(csat.contains(&format!("team={bookings}")), "{csat}");
    let list = app.get(csat, Some(&leader)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let rows = links(&list.body, "/interactions/");
    assert!(!rows.is_empty(), "the drill-down lists contacts");
    assert!(
        list.body.contains("counted in CSAT"),
        "{}",
        list.body.lines().find(|l| l.contains("class=\"lead\"")).unwrap_or("")
    );

    // The detail page shows the contact and its survey.
    let detail = app.get(&rows[0], Some(&leader)).await;
    assert_eq!(detail.status, StatusCode::OK, "{}", detail.body);
    assert!(detail.body.contains("Customer feedback") && detail.body.contains("CSAT <strong>"));

    // Exports: `.csv` and `?format=csv`, with a header row and rows.
    let csv_link = links(&list.body, "/interactions.csv?");
    let csv = app.get(&csv_link[0], Some(&leader)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.content_type(), "text/csv; charset=utf-8");
    let disposition = csv.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.starts_with("attachment; filename=\"interactions-") && disposition.ends_with(".csv\""));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert!(lines[0].starts_with("id,arrived,channel,queue,agent_id,topic,outcome"), "{}", lines[0]);
    assert_eq!(lines.len() - 1, csv.body.matches("/interactions/").count());
    assert!(lines.len() > rows.len().min(2), "every row, not one page");
    let same = app.get(&csat.replace("/interactions?", "/interactions?format=csv&"), Some(&leader)).await;
    assert_eq!(same.body, csv.body);
    let weekly = app.get(&format!("/dashboards/team/{bookings}?weeks=13&format=csv"), Some(&leader)).await;
    assert_eq!(weekly.content_type(), "text/csv; charset=utf-8");
    assert!(weekly.body.starts_with("week,kpi,figure,value,n,lower_limit,upper_limit,signal\r\n"));
    assert!(weekly.body.lines().count() > 13);

    // Another team's dashboard and contacts are out of reach.
    assert_eq!(app.get(&format!("/dashboards/team/{retail}"), Some(&leader)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("/interactions?team={retail}"), Some(&leader)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn agents_see_only_their_own_dashboard_and_contacts() {
    let app = TestApp::demo().await;
    let agent = app.caller(Role::Agent).await;
    let own = agent.user.person_id.unwrap();
    let index = app.get("/dashboards", Some(&agent)).await;
    assert_eq!(index.status, StatusCode::SEE_OTHER);
    assert_eq!(index.headers[header::LOCATION], format!("/people/{own}/dashboard"));
    let mine = app.get(&format!("/people/{own}/dashboard"), Some(&agent)).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    assert!(mine.body.contains("Personal dashboard") && mine.body.contains("Average handle time"));
    assert!(!mine.body.contains("Abandonment"), "queue measures are not a person's");
    let leader = app.caller(Role::TeamLeader).await;
    let other = leader.user.person_id.unwrap();
    assert_eq!(app.get(&format!("/people/{other}/dashboard"), Some(&agent)).await.status, StatusCode::FORBIDDEN);
    let list = app.get("/interactions?weeks=26", Some(&agent)).await;
    assert_eq!(list.status, StatusCode::OK);
    let ids = links(&list.body, "/interactions/");
    assert!(!ids.is_empty());
    assert!(list.body.contains(&agent.user.email), "their own contacts");
    let (bookings, _) = led_and_other(&app, &leader).await;
    assert_eq!(app.get(&format!("/interactions?team={bookings}"), Some(&agent)).await.status, StatusCode::FORBIDDEN);
    // Someone else's contact, found through the leader's list.
    let team_list = app.get(&format!("/interactions?team={bookings}&weeks=26"), Some(&leader)).await;
    let foreign = links(&team_list.body, "/interactions/").into_iter().find(|href| !ids.contains(href)).unwrap();
    assert_eq!(app.get(&foreign, Some(&agent)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn standards_and_team_targets_are_managed_on_their_pages() {
    let app = TestApp::demo().await;
    let ops = app.caller(Role::OpsManager).await;
    let page = app.get("/standards", Some(&ops)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("CSAT ≥ 85%"));
    let bad = app
        .post_form("/standards", &ops, &[("name", ""), ("kpi", "asa"), ("threshold", "soon"), ("amber_band", "")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("give the standard a short name") && bad.body.contains("enter a number"));
    let good = app
        .post_form(
            "/standards",
            &ops,
            &[("name", "Quick answers"), ("kpi", "asa"), ("threshold", "30"), ("amber_band", "5")],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    assert!(app.get("/standards", Some(&ops)).await.body.contains("Average speed of answer ≤ 30 s"));

    let leader = app.caller(Role::TeamLeader).await;
    let (bookings, retail) = led_and_other(&app, &leader).await;
    let targets = app.get(&format!("/teams/{bookings}/targets"), Some(&leader)).await;
    assert_eq!(targets.status, StatusCode::OK);
    let csat_id = crewdeck_store::standards::list(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.input.kpi == crewdeck_core::kpi::Kpi::Csat)
        .unwrap()
        .id
        .to_string();
    let path = format!("/teams/{bookings}/targets");
    let looser =
        app.post_form(&path, &leader, &[("standard_id", &csat_id), ("threshold", "80"), ("amber_band", "2")]).await;
    assert_eq!(looser.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(looser.body.contains("may tighten the organisation standard but not loosen it"));
    let tighter =
        app.post_form(&path, &leader, &[("standard_id", &csat_id), ("threshold", "89"), ("amber_band", "2")]).await;
    assert_eq!(tighter.status, StatusCode::SEE_OTHER);
    let dashboard = app.get(&format!("/dashboards/team/{bookings}"), Some(&leader)).await;
    let expected = format!(
        "Team target: CSAT ≥ 89% (from the organisation standard CSAT ≥ 85%, tightened by {} on 2 March 2026)",
        leader.user.name
    );
    assert!(dashboard.body.contains(&expected), "{expected}");
    let other = app
        .post_form(&format!("/teams/{retail}/targets"), &leader, &[("standard_id", &csat_id), ("threshold", "90")])
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/standards", Some(&leader)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_team_dashboard_shows_the_teams_qa_score_beside_the_kpis() {
    let app = TestApp::demo().await;
    let leader = app.caller(Role::TeamLeader).await;
    let (bookings, _) = led_and_other(&app, &leader).await;
    let page = app.get(&format!("/dashboards/team/{bookings}"), Some(&leader)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let at = page.body.find("Quality (QA score)").expect("the QA tile is on the team dashboard");
    let tile = &page.body[at..(at + 900).min(page.body.len())];
    assert!(
        tile.contains(&format!("/quality/numbers?team={bookings}&#38;from=")),
        "it links to the QA numbers: {tile}"
    );
    assert!(tile.contains(" evaluations</p>"), "its sample size is shown: {tile}");
}
