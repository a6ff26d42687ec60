//! Demo work: an open backlog per team (tickets, callbacks, booking-in calls,
//! QA spot checks) due around the demo's "now", with some items already
//! assigned, some in progress, some overdue and some done last week, so the
//! queue, follow-up and fairness pages have a story. Everything goes through
//! the real service functions, so counters and the audit trail are real too.

use crewdeck_core::allocation::work::WorkItemFields;
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{SKILLS, TEAMS, invalid};
use crate::allocation::{assign, items, roster};
use crate::audit::Actor;
use crate::db::Db;
use crate::error::StoreResult;

/// What each team's work looks like: (kind, channel, title, skill positions in
/// the team's core skills with the level each needs).
type Template = (&'static str, &'static str, &'static str, &'static [(usize, i64)]);

const AFTERSALES: &[Template] = &[
    ("booking_in_call", "voice", "Book in a 30,000-mile service", &[(0, 2)]),
    ("booking_in_call", "voice", "MOT and brake check for a fleet van", &[(0, 3)]),
    ("callback", "voice", "Call back about an advisory on tyres", &[(1, 2), (3, 1)]),
    ("ticket", "email", "Recall letter received: arrange the work", &[(2, 2)]),
    ("ticket", "email", "Change a booking to next week", &[(0, 1)]),
    ("ticket", "chat", "Courtesy car availability question", &[(0, 2)]),
    ("callback", "voice", "Customer unhappy with a long wait at handover", &[(3, 2), (4, 1)]),
    ("qa_spot_check", "email", "Spot check a booking call from Monday", &[(4, 3)]),
    ("ticket", "email", "Identity check before sharing a quote", &[(5, 2)]),
];
const WARRANTY: &[Template] = &[
    ("ticket", "email", "Warranty claim for a failed water pump", &[(0, 3)]),
    ("ticket", "email", "Which part fits: VIN supplied", &[(1, 2)]),
    ("callback", "voice", "Explain a diagnostic charge", &[(2, 2), (4, 1)]),
    ("ticket", "email", "Recall status check for two vehicles", &[(3, 2)]),
    ("qa_spot_check", "email", "Spot check a warranty decision letter", &[(0, 4)]),
    ("callback", "voice", "Update a customer on parts delay", &[(1, 1), (4, 2)]),
];
const RETAIL: &[Template] = &[
    ("ticket", "email", "Where is my order?", &[(0, 1)]),
    ("ticket", "chat", "Return a faulty kettle", &[(1, 2)]),
    ("ticket", "email", "Charged twice for one order", &[(2, 3)]),
    ("ticket", "email", "Formal complaint about a late sofa delivery", &[(3, 3), (6, 2)]),
    ("callback", "voice", "Call back about a refund amount", &[(1, 2), (2, 2)]),
    ("ticket", "chat", "Which duvet tog for winter?", &[(4, 2)]),
    ("qa_spot_check", "email", "Spot check a complaint reply", &[(5, 3)]),
    ("task", "email", "Update the returns macro with the new address", &[(5, 2)]),
];

const PRIORITIES: [&str; 6] = ["urgent", "high", "high", "normal", "normal", "low"];

/// Seeds each team's work. `team_ids` are in the order of [`TEAMS`].
pub(super) async fn seed(
    db: &Db,
    system: &Actor,
    seed: u64,
    team_ids: &[i64],
    today: Date,
    now: Timestamp,
) -> StoreResult<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0a11_0c47);
    for (t, (&team_id, plan)) in team_ids.iter().zip(TEAMS).enumerate() {
        let templates = [AFTERSALES, WARRANTY, RETAIL][t.min(2)];
        let mut created = Vec::new();
        // Two rounds of the team's kinds of work: enough for a real queue.
        for round in 0..2 {
            for (n, (kind, channel, title, needs)) in templates.iter().enumerate() {
                let requires: Vec<String> = needs
                    .iter()
                    .filter_map(|&(k, level)| plan.core_skills.get(k).map(|&s| format!("{}:{level}", SKILLS[s].0)))
                    .collect();
                // Due between three hours ago and two days ahead, on the quarter hour.
                let due = now + (rng.random_range(-12..192i64) * 15).minutes();
                let fields = WorkItemFields {
                    kind: (*kind).to_string(),
                    title: if round == 0 { (*title).to_string() } else { format!("{title} (second request)") },
                    channel: (*channel).to_string(),
                    requires: requires.join("; "),
                    priority: PRIORITIES[rng.random_range(0..PRIORITIES.len())].to_string(),
                    due_at: Timestamp::from_second(due.as_second() / 900 * 900)
                        .map_or(String::new(), |d| d.to_string()),
                    effort_minutes: [10, 15, 20, 30, 45][(n + round) % 5].to_string(),
                    team: team_id.to_string(),
                    check_in_on: String::new(),
                    external_id: String::new(),
                };
                let input = fields.parse().map_err(invalid)?;
                created.push(items::create(db, system, &input, None, now).await?.id);
            }
        }
        // Some of the queue is already with people: the leader gave it out by
        // hand earlier. Hard rules apply, so anyone off today is skipped.
        let members = roster::team(db, team_id, today).await?;
        let mut given = 0;
        for (k, &item) in created.iter().enumerate().filter(|(k, _)| k % 3 == 0) {
            for m in members.iter().cycle().skip(k).take(members.len()) {
                let reason = "Carried over from yesterday's allocation";
                if assign::assign_by_hand(db, system, item, m.person_id, reason, today, now).await.is_ok() {
                    given += 1;
                    if given % 2 == 0 {
                        items::start(db, system, item, m.person_id, now).await?;
                        let check = today + 1.days();
                        items::set_check_in(db, system, item, Some(check), now).await?;
                    }
                    if given % 4 == 1 {
                        items::add_note(db, system, item, "Left a voicemail; trying again after lunch.", now).await?;
                    }
                    break;
                }
            }
        }
    }
    Ok(())
}
