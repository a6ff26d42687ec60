//! Demo quality data: a contact-centre call form and a dealership
//! service-advisor observation form, a few months of evaluations in which
//! each person has their own strengths and weaknesses, one calibration
//! session, a few disputes, a sampling plan and a spot-check queue.

use std::collections::BTreeMap;

use crewdeck_core::people::Role;
use crewdeck_core::quality::{Rating, Scale, SectionDraft, parse_sections};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sqlx::Row;

use crate::audit::Actor;
use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::people::{self, Scope};
use crate::quality::disputes::{self, Decision};
use crate::quality::evaluations::{self, ContactKind, ContactRef, EvaluationInput, RatingInput};
use crate::quality::{calibration, sampling, scorecards};
use crate::{accounts, teams};

const CALL_FORM: &str = "\
## Opening
greet | Greeted the customer warmly and gave their name | yes_no | 1 | - | empathy | Empathy and rapport
idv | Verified identity before discussing the account | yes_no | 2 | critical | assurance | Data protection and ID&V
## Understanding
listen | Listened and confirmed the need in the customer's own words | 1-5 | 2 | - | empathy | Empathy and rapport
knowledge | Gave accurate, complete information | 1-5 | 3 | - | reliability | Product knowledge; Vehicle technical knowledge
## Resolution
resolve | Resolved the need, or set a clear next step with a time | 1-5 | 3 | - | reliability | Call control
expect | Set honest expectations about what happens next | 1-4 | 2 | na | responsiveness | Order tracking
## Close
recap | Summarised what was agreed before closing | yes_no | 1 | na | assurance | Call control
written | Notes and written follow-up are clear and correct | 1-4 | 1 | na | tangibles | Written communication
";

const OBSERVATION_FORM: &str = "\
## Welcome
welcome | Acknowledged the customer within a minute of arrival | yes_no | 1 | - | responsiveness | Empathy and rapport
presentation | Desk tidy; advisor presentable and wearing a name badge | 1-4 | 1 | - | tangibles | -
## Vehicle check-in
walkaround | Walked round the vehicle with the customer and recorded existing damage | yes_no | 2 | na | assurance | Vehicle technical knowledge
explain | Explained the work, cost and collection time in plain language | 1-5 | 3 | - | reliability | Vehicle technical knowledge
authorise | Got the customer's authorisation before any extra work | yes_no | 3 | critical | reliability | Warranty claims
## Handover
handover | Explained the work done and any advisories at collection | 1-5 | 2 | na | empathy | Vehicle technical knowledge
followup | Offered to book the next service | yes_no | 1 | na | responsiveness | Service bookings
";

const NOTES: &[&str] = &[
    "Clear, friendly and got to the point quickly.",
    "Good outcome; the hold in the middle was long.",
    "Customer was frustrated at the start and left reassured.",
    "Solid call. Watch the summary at the end.",
    "Accurate, but the next step was vague.",
];

fn invalid(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("demo quality data: {e}"))
}

/// How one person tends to perform: a general level and a weak spot.
struct Profile {
    level: f64,
    weak: String,
    strong: String,
}

fn profile(rng: &mut ChaCha8Rng, sections: &[SectionDraft]) -> Profile {
    let ids: Vec<&str> =
        sections.iter().flat_map(|s| &s.criteria).filter(|c| !c.critical).map(|c| c.id.as_str()).collect();
    let weak = ids[rng.random_range(0..ids.len())].to_string();
    let mut strong = ids[rng.random_range(0..ids.len())].to_string();
    if strong == weak {
        strong = ids[(ids.iter().position(|i| *i == weak).unwrap_or(0) + 1) % ids.len()].to_string();
    }
    Profile { level: rng.random_range(0.55..0.95), weak, strong }
}

/// Ratings for one contact by someone with `profile`; `bias` shifts an evaluator's judgement.
fn rate(rng: &mut ChaCha8Rng, sections: &[SectionDraft], p: &Profile, bias: f64) -> Vec<RatingInput> {
    let mut out = Vec::new();
    for c in sections.iter().flat_map(|s| &s.criteria) {
        let shift = if c.id == p.weak {
            -0.45
        } else if c.id == p.strong {
            0.2
        } else {
            0.0
        };
        let level = (p.level + shift + bias + rng.random_range(-0.15..0.15)).clamp(0.0, 1.0);
        let rating = if c.allows_na && rng.random_range(0.0..1.0) < 0.08 {
            Rating::NotApplicable
        } else if c.critical {
            Rating::Value(u8::from(rng.random_range(0.0..1.0) > if c.id == p.weak { 0.2 } else { 0.03 }))
        } else if c.scale == Scale::YesNo {
            Rating::Value(u8::from(rng.random_range(0.0..1.0) < level))
        } else {
            let span = f64::from(c.scale.max() - c.scale.min());
            Rating::Value(c.scale.min() + (level * span).round() as u8)
        };
        let comment = (c.id == p.weak && rating.value() == Some(c.scale.min()))
            .then(|| "Missed again: let's practise this in our next one-to-one.".to_string());
        out.push(RatingInput { criterion_id: c.id.clone(), rating, comment });
    }
    out
}

/// Seeds the quality demo over the people, teams and interactions already seeded.
pub async fn seed(db: &Db, system: &Actor, seed: u64, today: Date, now: Timestamp) -> StoreResult<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x9a11_7e57);
    let call_sections = parse_sections("criteria", CALL_FORM).map_err(invalid)?;
    let obs_sections = parse_sections("criteria", OBSERVATION_FORM).map_err(invalid)?;
    let call = scorecards::create(db, system, "call-form", "Contact centre call form", &call_sections, now).await?;
    scorecards::publish(db, system, call, now).await?;
    let obs = scorecards::create(
        db,
        system,
        "service-advisor-observation",
        "Dealership service advisor observation",
        &obs_sections,
        now,
    )
    .await?;
    scorecards::publish(db, system, obs, now).await?;

    let users = accounts::list(db).await?;
    let actor_of = |person: i64| -> Actor {
        users.iter().find(|u| u.person_id == Some(person)).map_or_else(|| system.clone(), accounts::User::actor)
    };
    let ops = users.iter().find(|u| u.role == Role::OpsManager).and_then(|u| u.person_id);
    let team_list = teams::list(db, today).await?;

    // Answered contacts of the last four months, by agent email.
    let since = today.checked_sub(120.days()).map_err(invalid)?;
    let since_ns = since.to_zoned(jiff::tz::TimeZone::UTC).map_err(invalid)?.timestamp().as_nanosecond();
    let rows = sqlx::query(
        "SELECT id, agent_id FROM interactions WHERE arrived_at >= $1 AND answered_at IS NOT NULL AND agent_id IS NOT NULL",
    )
    .bind(i64::try_from(since_ns).unwrap_or(i64::MAX))
    .fetch_all(db.pool())
    .await?;
    let mut by_agent: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in &rows {
        let agent: String = r.try_get("agent_id")?;
        by_agent.entry(agent.to_lowercase()).or_default().push(r.try_get("id")?);
    }

    let mut call_evals: Vec<(i64, i64)> = Vec::new();
    let mut calibration_pool = Vec::new();
    for (t, team) in team_list.iter().enumerate() {
        let Some(leader) = team.leader_id else { continue };
        let evaluator = actor_of(leader);
        let members = people::list(db, &Scope::All, Some(team.id), today).await?;
        let observation = team.name.contains("Service Advisors");
        for member in members.iter().filter(|m| m.id != leader) {
            let sections = if observation { &obs_sections } else { &call_sections };
            let p = profile(&mut rng, sections);
            let contacts = by_agent.get(&member.email.to_lowercase()).cloned().unwrap_or_default();
            let count = if observation { 3 } else { 8.min(contacts.len()) };
            for k in 0..count {
                let contact = if observation {
                    let kind = if k == 1 { ContactKind::MysteryVisit } else { ContactKind::Observed };
                    let at = now
                        .checked_sub(jiff::SignedDuration::from_hours(24 * (10 + 30 * k as i64)))
                        .map_err(invalid)?;
                    ContactRef::OffSystem {
                        kind,
                        agent_person_id: member.id,
                        at,
                        note: if kind == ContactKind::MysteryVisit {
                            "Mystery shopper booked a brake check and asked about a recall.".into()
                        } else {
                            "Observed at the service desk during the morning drop-off.".into()
                        },
                    }
                } else {
                    // Spread over the period: one contact from each fifth of the agent's list.
                    let slice = contacts.len() / count.max(1);
                    let pick = (k * slice + rng.random_range(0..slice.max(1))).min(contacts.len() - 1);
                    ContactRef::Interaction(contacts[pick].clone())
                };
                let input = EvaluationInput {
                    scorecard_id: if observation { obs } else { call },
                    contact,
                    ratings: rate(&mut rng, sections, &p, 0.0),
                    summary: Some(NOTES[rng.random_range(0..NOTES.len())].to_string()),
                    coaching: if k == 0 {
                        vec![format!("Work on {} with a buddy this month", p.weak)]
                    } else {
                        Vec::new()
                    },
                    spot_check_id: None,
                    calibration_session_id: None,
                };
                let id = evaluations::create(db, &evaluator, Some(leader), &input, now).await?;
                if k + 1 < count && rng.random_range(0.0..1.0) < 0.8 {
                    evaluations::acknowledge(db, &Actor::system(&member.name), id, Some(member.id), now).await?;
                }
                if !observation {
                    call_evals.push((id, member.id));
                }
            }
            if t == 0
                && calibration_pool.len() < 4
                && let Some(c) = contacts.last()
            {
                calibration_pool.push(c.clone());
            }
        }
    }

    // The team helps set the standard: a comment and a decided proposal.
    if let Some(agent) = call_evals.first().map(|e| e.1) {
        let who = Actor::system(&people::get(db, agent).await?.name);
        let text = "On email the next step often waits for the workshop; can we rate only what we control?";
        scorecards::propose(db, &who, Some(agent), call, "expect", "comment", text, now).await?;
        let text = "Make the recap N/A on chat, where the transcript is the summary.";
        let p = scorecards::propose(db, &who, Some(agent), call, "recap", "proposal", text, now).await?;
        if let Some(lead) = team_list.first().and_then(|t| t.leader_id) {
            scorecards::decide_proposal(db, &actor_of(lead), p, true, "Agreed: it goes into version 2.", now).await?;
        }
    }

    // A few disputes: two decided by the operations manager, two still open.
    let mut raised = 0;
    for &(id, agent) in call_evals.iter().step_by(7) {
        if raised == 4 {
            break;
        }
        let details = evaluations::get(db, id).await?;
        let Some(failed) = details.criteria.iter().find(|c| c.failed && !c.critical && c.scale == "YesNo") else {
            continue;
        };
        let agent_actor = Actor::system(&details.summary.agent_name);
        let dispute = disputes::raise(
            db,
            &agent_actor,
            id,
            Some(agent),
            &failed.criterion_id,
            "I did this: it is at the start of the recording.",
            now,
        )
        .await?;
        if let Some(ops) = ops {
            let ops_actor = actor_of(ops);
            match raised {
                0 => {
                    disputes::decide(
                        db,
                        &ops_actor,
                        dispute,
                        Some(ops),
                        Decision::Uphold(Rating::Value(1)),
                        "Heard it at 00:12; rating corrected.",
                        now,
                    )
                    .await?
                }
                1 => {
                    disputes::decide(
                        db,
                        &ops_actor,
                        dispute,
                        Some(ops),
                        Decision::Reject,
                        "Not on the recording; the rating stands.",
                        now,
                    )
                    .await?
                }
                _ => {}
            }
        }
        raised += 1;
    }

    // One calibration session over four contacts, scored blind by the three leaders.
    if calibration_pool.len() >= 3 {
        let session = calibration::create(db, system, call, "Call form calibration", &calibration_pool, now).await?;
        for (i, team) in team_list.iter().enumerate() {
            let Some(leader) = team.leader_id else { continue };
            // One evaluator a little harsh, one a little lenient.
            let bias = [0.0, -0.06, 0.05].get(i).copied().unwrap_or(0.0);
            for (k, contact) in calibration_pool.iter().enumerate() {
                // The same draws for every evaluator of a contact: they watch the same call.
                let mut contact_rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(k as u64));
                let level = [0.9, 0.45, 0.7, 0.6].get(k).copied().unwrap_or(0.7);
                let p = Profile { level, weak: "expect".into(), strong: "greet".into() };
                let mut ratings = rate(&mut contact_rng, &call_sections, &p, bias);
                // "expect" is worded loosely, so evaluators read it differently.
                for r in ratings.iter_mut().filter(|r| r.criterion_id == "expect") {
                    r.rating = Rating::Value(rng.random_range(1..=4));
                }
                calibration::submit(db, &actor_of(leader), session, Some(leader), contact, ratings, now).await?;
            }
        }
        calibration::reveal(db, system, session, now).await?;
        // The group settles on the middle score after discussion; the last contact is still open.
        let revealed = calibration::get(db, session).await?;
        let scores = calibration::scores(db, &revealed, None).await?;
        for contact in calibration_pool.iter().take(3) {
            let mut own: Vec<f64> = scores
                .iter()
                .filter(|e| e.interaction_id.as_deref() == Some(contact.as_str()))
                .map(|e| e.score)
                .collect();
            own.sort_by(f64::total_cmp);
            let middle = own.get(own.len() / 2).copied().unwrap_or(75.0);
            calibration::agree(db, system, session, contact, (middle / 5.0).round() * 5.0, now).await?;
        }
    }

    // The first team's sampling plan and last week's spot checks for its leader.
    if let Some(team) = team_list.first()
        && let Some(leader) = team.leader_id
    {
        let plan = sampling::create_plan(
            db,
            system,
            sampling::PlanInput {
                team_id: team.id,
                scorecard_id: call,
                per_agent_weekly: 1,
                top_up_low_csat: 1,
                top_up_complaint: 0,
                top_up_new_starter: 1,
                precision_margin: None,
            },
            now,
        )
        .await?;
        let from = today.checked_sub(7.days()).map_err(invalid)?;
        sampling::draw(db, system, plan, from, today.checked_sub(1.day()).map_err(invalid)?, seed, &[leader], now)
            .await?;
    }
    // The second team samples for precision: each agent's QA mean within ±5.
    if let Some(team) = team_list.get(1) {
        sampling::create_plan(
            db,
            system,
            sampling::PlanInput {
                team_id: team.id,
                scorecard_id: call,
                per_agent_weekly: 1,
                top_up_low_csat: 1,
                top_up_complaint: 1,
                top_up_new_starter: 1,
                precision_margin: Some(5.0),
            },
            now,
        )
        .await?;
    }
    Ok(())
}
