//! The demo organisation: a motor dealership group's aftersales contact centre
//! and a retail customer service team, generated deterministically from a seed.
//!
//! Dates are placed relative to `today`, so the demo always looks current. The
//! same seed and day give the same organisation.

use crewdeck_core::people::{
    AbsenceKind, CommunicationStyle, Email, PersonFields, PreferredChannel, Role, SkillFields, SkillLevel, TeamFields,
};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::audit::Actor;
use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::{accounts, org, people, sites, skills, teams};

mod interactions;
// area: kpi
mod service_standards;
// area: imports
mod themes;
// area: quality
mod quality;
// area: allocation
mod allocation;
// area: staffing
mod contingency;
mod staffing;

/// A login printed when the demo starts.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// The role this login shows.
    pub role: Role,
    /// Email to log in with.
    pub email: String,
    /// Password to log in with.
    pub password: String,
    /// The person's name.
    pub name: String,
}

const SKILLS: &[(&str, &str)] = &[
    ("Service bookings", "Booking vehicles in for servicing, MOTs and repairs, matching workshop capacity"),
    ("Warranty claims", "Judging warranty cover, preparing and tracking manufacturer claims"),
    ("Parts identification", "Finding the right part from a VIN and the parts catalogue"),
    ("Vehicle technical knowledge", "Explaining faults, work and advisories in plain language"),
    ("Recall handling", "Checking recall status and arranging recall work"),
    ("Order tracking", "Locating orders and deliveries and setting honest expectations"),
    ("Returns and refunds", "Applying the returns policy and consumer rights correctly"),
    ("Billing", "Explaining invoices, correcting charges and taking payments"),
    ("Complaint handling", "Resolving complaints to the standard, with the right letters and timescales"),
    ("Product knowledge", "Knowing the retail range well enough to advise"),
    ("Empathy and rapport", "Building trust quickly and acknowledging how the customer feels"),
    ("Written communication", "Clear, correct, friendly emails and chat messages"),
    ("Call control", "Steering calls to an outcome while keeping the customer on side"),
    ("De-escalation", "Calming angry or distressed customers safely"),
    ("Data protection and ID&V", "Verifying identity and handling personal data lawfully"),
];

const LEVEL_WORDS: [&str; 5] = [
    "Aware: knows what good looks like and when to ask for help",
    "Developing: handles routine cases with support",
    "Competent: handles routine cases alone, consistently",
    "Proficient: handles complex cases and helps colleagues",
    "Expert: the go-to person; coaches others and improves the process",
];

struct TeamPlan {
    name: &'static str,
    purpose: &'static str,
    leader: (&'static str, &'static str),
    job_roles: &'static [&'static str],
    core_skills: &'static [usize],
    channels: &'static [(&'static str, i64)],
    size: usize,
}

const TEAMS: &[TeamPlan] = &[
    TeamPlan {
        name: "Aftersales Bookings",
        purpose: "Books servicing, MOTs and repairs for the group's six dealerships",
        leader: ("Dawn Whitaker", "dawn.whitaker"),
        job_roles: &["Bookings advisor", "Bookings advisor", "Senior bookings advisor"],
        core_skills: &[0, 3, 4, 10, 12, 14],
        channels: &[("voice", 1), ("email", 8), ("chat", 2)],
        size: 13,
    },
    TeamPlan {
        name: "Service Advisors and Warranty",
        purpose: "Advises on work in progress, warranty and parts",
        leader: ("Marcus Bell", "marcus.bell"),
        job_roles: &["Service advisor", "Warranty administrator", "Parts advisor"],
        core_skills: &[1, 2, 3, 4, 10, 14],
        channels: &[("voice", 1), ("email", 10)],
        size: 11,
    },
    TeamPlan {
        name: "Retail Customer Service",
        purpose: "Orders, returns, billing and complaints for the online shop",
        leader: ("Aisha Rahman", "aisha.rahman"),
        job_roles: &["Customer service advisor", "Customer service advisor", "Complaints specialist"],
        core_skills: &[5, 6, 7, 8, 9, 11, 13],
        channels: &[("chat", 3), ("email", 8), ("voice", 1)],
        size: 13,
    },
];

const FIRST: &[&str] = &[
    "Amelia", "Oliver", "Isla", "Jack", "Ava", "Harry", "Mia", "George", "Sophie", "Noah", "Grace", "Leo", "Freya",
    "Arthur", "Chloe", "Oscar", "Ruby", "Charlie", "Evie", "Thomas", "Poppy", "James", "Zara", "Mohammed", "Niamh",
    "Callum", "Priya", "Kwame", "Megan", "Rhys", "Hannah", "Owen", "Fatima", "Declan", "Lucy", "Tariq", "Ellie",
    "Sean", "Keira", "Ravi",
];
const LAST: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Hughes", "Khan",
    "Edwards", "Lewis", "Murphy", "O'Neill", "Campbell", "Okafor", "Nowak", "Singh", "Ahmed", "Kaur", "Morris",
    "Price",
];
const PATTERNS: &[&str] = &[
    "Mon\u{2013}Fri 08:00\u{2013}16:30",
    "Mon\u{2013}Fri 09:00\u{2013}17:30",
    "Tue\u{2013}Sat 08:30\u{2013}17:00",
    "Mon, Wed, Fri 09:00\u{2013}15:00",
    "Four days, 08:00\u{2013}18:00",
];

fn email_for(handle: &str) -> String {
    format!("{handle}@example.co.uk")
}

fn person_fields(
    name: &str,
    handle: &str,
    job_role: &str,
    start: Date,
    hours: f64,
    pattern: &str,
    rng: &mut ChaCha8Rng,
) -> PersonFields {
    PersonFields {
        name: name.to_string(),
        email: email_for(handle),
        job_role: job_role.to_string(),
        start_date: start.to_string(),
        contracted_hours: hours.to_string(),
        working_pattern: pattern.to_string(),
        comm_channel: PreferredChannel::ALL.choose(rng).map_or("email", |c| c.as_str()).to_string(),
        comm_style: CommunicationStyle::ALL.choose(rng).map_or("brief", |c| c.as_str()).to_string(),
    }
}

fn invalid(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("demo data is invalid: {e}"))
}

/// The password each demo login uses: predictable by design, and printed.
pub fn demo_password(role: Role, seed: u64) -> String {
    format!("demo-{}-{seed:04}", role.as_str().replace('_', "-"))
}

/// Fills an empty database with the demo organisation and returns one login per
/// role. Refuses to touch a database that already holds an organisation.
pub async fn seed(db: &Db, seed: u64, today: Date, now: Timestamp) -> StoreResult<Vec<DemoLogin>> {
    if !db.is_empty().await? {
        return Err(StoreError::Conflict(
            "This database already holds an organisation; the demo only fills an empty one.".into(),
        ));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let system = Actor::system("demo");
    org::create(db, &system, "Northgate Motor Group & Homewares Direct", "Europe/London", now).await?;

    let site_ids = [
        sites::create(db, &system, "Leeds aftersales contact centre", Some("Wellington Place, Leeds LS1"), now).await?,
        sites::create(db, &system, "Manchester online retail hub", Some("Spinningfields, Manchester M3"), now).await?,
    ];
    let mut skill_ids = Vec::new();
    for (name, description) in SKILLS {
        let fields = SkillFields {
            name: (*name).to_string(),
            description: (*description).to_string(),
            level_1: LEVEL_WORDS[0].into(),
            level_2: LEVEL_WORDS[1].into(),
            level_3: LEVEL_WORDS[2].into(),
            level_4: LEVEL_WORDS[3].into(),
            level_5: LEVEL_WORDS[4].into(),
        };
        skill_ids.push(skills::create(db, &system, &fields.parse().map_err(invalid)?, now).await?);
    }

    let mut names: Vec<(String, String)> = Vec::new();
    for first in FIRST {
        let last = LAST[rng.random_range(0..LAST.len())];
        names.push((
            format!("{first} {last}"),
            format!("{}.{}", first.to_lowercase(), last.to_lowercase().replace('\'', "")),
        ));
    }

    let mut logins = Vec::new();
    let mut team_ids = Vec::new();
    let mut name_iter = names.into_iter();
    let mut all_agents: Vec<(i64, usize)> = Vec::new();
    let mut demo_teams: Vec<interactions::DemoTeam> = Vec::new();
    for (t, plan) in TEAMS.iter().enumerate() {
        let leader_start = today - (4 + t as i64).years();
        let fields =
            person_fields(plan.leader.0, plan.leader.1, "Team leader", leader_start, 37.5, PATTERNS[0], &mut rng);
        let leader = people::create(db, &system, &fields.parse().map_err(invalid)?, None, now).await?;
        let team_fields = TeamFields {
            name: plan.name.into(),
            purpose: plan.purpose.into(),
            leader_id: leader.id.to_string(),
            site_id: site_ids[if t == 2 { 1 } else { 0 }].to_string(),
        };
        let team_id = teams::create(db, &system, &team_fields.parse().map_err(invalid)?, now).await?;
        team_ids.push(team_id);
        demo_teams.push(interactions::DemoTeam { agents: Vec::new(), joined: Vec::new(), left: Vec::new() });
        for &s in plan.core_skills.iter().take(3) {
            let level = SkillLevel::parse("level", rng.random_range(4..=5)).map_err(invalid)?;
            skills::set_level(
                db,
                &system,
                leader.id,
                skill_ids[s],
                level,
                None,
                Some("Team leader appointment assessment"),
                today - 200.days(),
                now,
            )
            .await?;
        }
        if t == 0 {
            logins.push(
                account_for(db, &system, &leader.email, plan.leader.0, Role::TeamLeader, seed, today, now).await?,
            );
        } else {
            account_for(db, &system, &leader.email, plan.leader.0, Role::TeamLeader, seed, today, now).await?;
        }
        for i in 0..plan.size {
            let Some((name, handle)) = name_iter.next() else {
                break;
            };
            let job_role = if i == 0 { plan.job_roles[2] } else { plan.job_roles[i % 2] };
            let start = today - rng.random_range(30..2200).days();
            let hours = *[37.5, 37.5, 37.5, 30.0, 22.5].choose(&mut rng).unwrap_or(&37.5);
            let pattern = PATTERNS[rng.random_range(0..PATTERNS.len())];
            let fields = person_fields(&name, &handle, job_role, start, hours, pattern, &mut rng);
            let person = people::create(db, &system, &fields.parse().map_err(invalid)?, Some(team_id), now).await?;
            all_agents.push((person.id, t));
            demo_teams[t].agents.push(person.email.clone());
            seed_skills(db, &system, &mut rng, person.id, leader.id, plan, &skill_ids, start, today, now).await?;
            for (channel, capacity) in plan.channels {
                skills::set_capacity(db, &system, person.id, channel, *capacity, now).await?;
            }
            if t == 0 && i == 1 {
                logins.push(account_for(db, &system, &person.email, &name, Role::Agent, seed, today, now).await?);
            }
        }
    }

    // Two people moved teams recently, so membership history shows.
    for (k, &(person_id, from_team)) in all_agents.iter().filter(|(_, t)| *t == 2).take(2).enumerate() {
        let to_team = team_ids[(from_team + 1 + k) % team_ids.len()];
        let moved_on = today - (20 + 15 * k as i64).days();
        people::move_to_team(db, &system, person_id, to_team, moved_on, now).await?;
        let email = people::get(db, person_id).await?.email;
        let to = (from_team + 1 + k) % team_ids.len();
        demo_teams[from_team].left.push((email.clone(), moved_on));
        demo_teams[to].joined.push((email, moved_on));
    }

    for &(person_id, _) in all_agents.iter().step_by(4) {
        let offset = rng.random_range(-20..25);
        let length = rng.random_range(0..5);
        let kind = *[AbsenceKind::AnnualLeave, AbsenceKind::AnnualLeave, AbsenceKind::Sickness, AbsenceKind::Training]
            .choose(&mut rng)
            .unwrap_or(&AbsenceKind::Other);
        let from = today + offset.days();
        let note = (kind == AbsenceKind::Sickness).then_some("Return-to-work conversation booked");
        people::add_absence(
            db,
            &system,
            person_id,
            &people::NewAbsence { kind, from, to: from + length.days(), note: note.map(str::to_string) },
            now,
        )
        .await?;
    }
    // Someone is always off today, so the demo shows it.
    if let Some(&(person_id, _)) = all_agents.get(3) {
        people::add_absence(
            db,
            &system,
            person_id,
            &people::NewAbsence {
                kind: AbsenceKind::AnnualLeave,
                from: today - 1.days(),
                to: today + 3.days(),
                note: None,
            },
            now,
        )
        .await?;
    }

    let ops = person_fields(
        "Helen Marsh",
        "helen.marsh",
        "Operations manager",
        today - 9.years(),
        37.5,
        PATTERNS[0],
        &mut rng,
    );
    people::create(db, &system, &ops.parse().map_err(invalid)?, None, now).await?;
    logins.push(
        account_for(db, &system, &email_for("helen.marsh"), "Helen Marsh", Role::OpsManager, seed, today, now).await?,
    );
    let hr =
        person_fields("Gareth Lloyd", "gareth.lloyd", "People partner", today - 3.years(), 30.0, PATTERNS[3], &mut rng);
    people::create(db, &system, &hr.parse().map_err(invalid)?, None, now).await?;
    logins
        .push(account_for(db, &system, &email_for("gareth.lloyd"), "Gareth Lloyd", Role::Hr, seed, today, now).await?);
    let admin = person_fields(
        "Sam Okoye",
        "sam.okoye",
        "Systems administrator",
        today - 2.years(),
        37.5,
        PATTERNS[1],
        &mut rng,
    );
    people::create(db, &system, &admin.parse().map_err(invalid)?, None, now).await?;
    logins.push(account_for(db, &system, &email_for("sam.okoye"), "Sam Okoye", Role::Admin, seed, today, now).await?);
    interactions::seed(db, &system, seed, &demo_teams, today, now).await?;
    // area: kpi
    service_standards::seed(db, &system, &team_ids, today, now).await?;
    // area: imports
    themes::seed(db, &system, now).await?;
    // area: quality
    quality::seed(db, &system, seed, today, now).await?;
    // area: allocation
    allocation::seed(db, &system, seed, &team_ids, today, now).await?;
    // area: staffing
    staffing::seed(db, &system, &team_ids, today - interactions::DAYS.days(), today, now).await?;
    contingency::seed(db, &system, &team_ids, today, now).await?;
    logins.sort_by_key(|l| l.role);
    Ok(logins)
}

#[expect(
    clippy::too_many_arguments,
    reason = "each argument is a distinct fact the audit trail records; a struct would only rename them"
)]
async fn seed_skills(
    db: &Db,
    system: &Actor,
    rng: &mut ChaCha8Rng,
    person_id: i64,
    leader_id: i64,
    plan: &TeamPlan,
    skill_ids: &[i64],
    start: Date,
    today: Date,
    now: Timestamp,
) -> StoreResult<()> {
    let tenure_years = (today - start).get_days() as f64 / 365.0;
    let base = 1.0 + tenure_years.min(4.0) * 0.7;
    let mut held = std::collections::HashMap::new();
    for &s in plan.core_skills {
        if rng.random_bool(0.85) {
            let level = (base + rng.random_range(-1.2..1.2)).round().clamp(1.0, 5.0) as i64;
            let assessed = today - rng.random_range(10..300).days();
            let evidence = [
                "Observed calls at 1:1",
                "QA evaluations over the quarter",
                "Completed training module and assessment",
                "Peer feedback and case review",
            ]
            .choose(rng)
            .copied();
            held.insert(s, level);
            let level = SkillLevel::parse("level", level).map_err(invalid)?;
            skills::set_level(
                db,
                system,
                person_id,
                skill_ids[s],
                level,
                Some(leader_id),
                evidence,
                assessed.max(start),
                now,
            )
            .await?;
        }
    }
    // Each person develops one or two skills: often a core skill they hold at a
    // low level, sometimes a new skill from another team's work.
    let goals = rng.random_range(1..=2);
    for _ in 0..goals {
        let skill = if rng.random_bool(0.6) {
            plan.core_skills[rng.random_range(0..plan.core_skills.len())]
        } else {
            rng.random_range(0..skill_ids.len())
        };
        // A goal always aims above what the person already holds.
        let current = held.get(&skill).copied().unwrap_or(0);
        if current >= 5 {
            continue;
        }
        let target =
            SkillLevel::parse("level", rng.random_range(current + 1..=(current + 2).min(5))).map_err(invalid)?;
        skills::set_goal(db, system, person_id, skill_ids[skill], target, today - rng.random_range(5..120).days(), now)
            .await?;
    }
    Ok(())
}

#[expect(
    clippy::too_many_arguments,
    reason = "each argument is a distinct fact the audit trail records; a struct would only rename them"
)]
async fn account_for(
    db: &Db,
    system: &Actor,
    email: &str,
    name: &str,
    role: Role,
    seed: u64,
    today: Date,
    now: Timestamp,
) -> StoreResult<DemoLogin> {
    let email_value = Email::parse("email", email).map_err(invalid)?;
    // Demo logins keep a printed password instead of a one-time one.
    let password = demo_password(role, seed);
    accounts::create_with_password(db, system, &email_value, name, role, None, Some(password.clone()), today, now)
        .await?;
    Ok(DemoLogin { role, email: email.to_string(), password, name: name.to_string() })
}

/// The demo logins for `seed` that exist in this database (for a restarted demo).
pub async fn existing_logins(db: &Db, seed: u64) -> StoreResult<Vec<DemoLogin>> {
    let handles = [
        (Role::Agent, None),
        (Role::TeamLeader, Some(TEAMS[0].leader.1)),
        (Role::OpsManager, Some("helen.marsh")),
        (Role::Hr, Some("gareth.lloyd")),
        (Role::Admin, Some("sam.okoye")),
    ];
    let mut logins = Vec::new();
    for (role, handle) in handles {
        let user = match handle {
            Some(h) => accounts::by_email(db, &email_for(h)).await?,
            None => {
                // The demo agent is the only agent account the demo creates.
                let all = accounts::list(db).await?;
                all.into_iter().find(|u| u.role == Role::Agent)
            }
        };
        if let Some(user) = user.filter(|u| u.role == role) {
            // Only logins that still use the seed's password are worth printing.
            if !accounts::password_matches(db, user.id, &demo_password(role, seed)).await? {
                continue;
            }
            logins.push(DemoLogin { role, email: user.email, password: demo_password(role, seed), name: user.name });
        }
    }
    Ok(logins)
}
