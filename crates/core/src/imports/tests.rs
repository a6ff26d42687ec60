//! The platform mappings against the sample files in `docs/samples/`, which
//! are built from the platforms' public documentation.

use std::collections::HashMap;

use serde_json::json;

use super::connect::{self, AgentKey, ConnectOptions};
use super::zendesk::{self, Page, TicketField, ZendeskOptions};
use super::{InteractionRow, Mapped, SurveyRow};
use crate::kpi::{Channel, Outcome};

const PAGE_1: &str = include_str!("../../../../docs/samples/zendesk/tickets-page-1.json");
const METRICS: &str = include_str!("../../../../docs/samples/zendesk/ticket-metrics.json");
const RATINGS: &str = include_str!("../../../../docs/samples/zendesk/satisfaction-ratings.json");
const CONNECT: &str = include_str!("../../../../docs/samples/connect/contact-records.ndjson");

fn at(text: &str) -> jiff::Timestamp {
    text.parse().expect("a time")
}

fn row<T: std::fmt::Debug>(mapped: Mapped<T>) -> T {
    match mapped {
        Mapped::Row(row) => row,
        other => panic!("expected a row, got {other:?}"),
    }
}

fn metrics_of(pages: &[&str]) -> HashMap<u64, zendesk::TicketMetrics> {
    let mut map = HashMap::new();
    for text in pages {
        let page = Page::parse(text.as_bytes()).expect("a page");
        for value in page.metrics() {
            let (ticket, metrics) = zendesk::parse_metrics(value).expect("metrics");
            map.insert(ticket, metrics);
        }
    }
    map
}

#[test]
fn a_solved_email_ticket_takes_its_times_from_its_metrics() {
    let page = Page::parse(PAGE_1.as_bytes()).expect("a page");
    let metrics = metrics_of(&[PAGE_1, METRICS]);
    let tickets = page.tickets.expect("tickets");
    let first: InteractionRow = row(zendesk::map_ticket(&tickets[0], &metrics, &ZendeskOptions::default()));
    assert_eq!(first.id, "zendesk:35436");
    assert_eq!(first.channel, Channel::Email);
    assert_eq!(first.queue, "98738");
    assert_eq!(first.topic, "billing");
    assert_eq!(first.agent_id.as_deref(), Some("235323"));
    assert_eq!(first.customer_id, "20978392");
    assert_eq!(first.arrived_at, at("2026-03-02T09:05:00Z"));
    assert_eq!(first.answered_at, Some(at("2026-03-02T09:30:00Z")));
    assert_eq!(first.ended_at, Some(at("2026-03-02T15:40:00Z")));
    assert_eq!(first.outcome, Outcome::Resolved);

    // An open chat: answered from the seconds figure, not ended, unresolved.
    let second = row(zendesk::map_ticket(&tickets[1], &metrics, &ZendeskOptions::default()));
    assert_eq!(second.channel, Channel::Chat);
    assert_eq!(second.answered_at, Some(at("2026-03-02T10:01:35Z")));
    assert_eq!(second.ended_at, None);
    assert_eq!(second.outcome, Outcome::Unresolved);

    assert_eq!(zendesk::map_ticket(&tickets[2], &metrics, &ZendeskOptions::default()), Mapped::Skip("deleted tickets"));
    match zendesk::map_ticket(&tickets[3], &metrics, &ZendeskOptions::default()) {
        Mapped::Reject(reason) => assert!(reason.starts_with("ticket 35439: created_at: "), "{reason}"),
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[test]
fn queue_and_topic_follow_the_chosen_fields() {
    let ticket = json!({"id": 7, "created_at": "2026-03-02T09:05:00Z", "status": "new", "type": "task",
        "brand_id": 3, "tags": ["vip", "topic_returns"], "custom_fields": [{"id": 9, "value": 12}]});
    let mapped = |queue: &str, topic: &str| {
        let options = ZendeskOptions {
            queue: TicketField::parse(queue).expect("a field"),
            topic: TicketField::parse(topic).expect("a field"),
        };
        let r = row(zendesk::map_ticket(&ticket, &HashMap::new(), &options));
        (r.queue, r.topic)
    };
    assert_eq!(mapped("brand", "tag:topic_"), ("3".to_string(), "returns".to_string()));
    assert_eq!(mapped("type", "field:9"), ("task".to_string(), "12".to_string()));
    assert_eq!(mapped("group", "priority"), ("(none)".to_string(), "(none)".to_string()));
    assert!(TicketField::parse("field:x").is_err());
    assert!(TicketField::parse("subject").expect_err("refused").contains("tag:PREFIX"));
    // No metrics: no answered or ended time, the customer's ticket stays unanswered.
    let r = row(zendesk::map_ticket(&ticket, &HashMap::new(), &ZendeskOptions::default()));
    assert_eq!((r.answered_at, r.ended_at, r.agent_id), (None, None, None));
    assert_eq!(r.customer_id, "zendesk:7");
}

#[test]
fn via_channels_map_onto_crewdeck_channels() {
    let cases = [
        (Some("email"), Channel::Email),
        (Some("web"), Channel::Email),
        (Some("api"), Channel::Email),
        (Some("chat"), Channel::Chat),
        (Some("native_messaging"), Channel::Chat),
        (Some("whatsapp"), Channel::Messaging),
        (Some("sms"), Channel::Messaging),
        (Some("voice"), Channel::Voice),
        (Some("Phone_Call_Inbound"), Channel::Voice),
        (Some("facebook"), Channel::Social),
        (Some("instagram_dm"), Channel::Social),
        (None, Channel::Email),
    ];
    for (via, expected) in cases {
        assert_eq!(zendesk::channel(via), expected, "{via:?}");
    }
}

#[test]
fn good_and_bad_ratings_become_csat_5_and_1() {
    let page = Page::parse(RATINGS.as_bytes()).expect("a page");
    let ratings = page.satisfaction_ratings.expect("ratings");
    let good: SurveyRow = row(zendesk::map_rating(&ratings[0]));
    assert_eq!(good.interaction_id, "zendesk:35436");
    assert_eq!(good.csat, Some(zendesk::GOOD_CSAT));
    assert_eq!((good.nps, good.ces), (None, None));
    assert_eq!(good.comment.as_deref(), Some("Quick and kind, thank you"));
    assert_eq!(good.responded_at, at("2026-03-02T16:00:00Z"));
    let bad = row(zendesk::map_rating(&ratings[1]));
    assert_eq!(bad.csat, Some(zendesk::BAD_CSAT));
    assert_eq!(zendesk::map_rating(&ratings[2]), Mapped::Skip("ratings offered but not answered"));
    match zendesk::map_rating(&json!({"id": 5, "ticket_id": 1, "score": "great", "created_at": "2026-03-02T16:00:00Z"}))
    {
        Mapped::Reject(reason) => assert!(reason.contains("satisfaction rating 5: score"), "{reason}"),
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[test]
fn pages_without_known_keys_are_refused() {
    assert!(Page::parse(b"[1, 2]").is_err());
    let err = Page::parse(b"{\"users\": []}").expect_err("refused");
    assert!(err.contains("tickets"), "{err}");
    assert!(Page::parse(METRICS.as_bytes()).is_ok());
}

fn connect_lines() -> Vec<Mapped<InteractionRow>> {
    CONNECT
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| connect::map_line(line, &ConnectOptions::default()))
        .collect()
}

#[test]
fn an_answered_call_takes_queue_agent_and_wrap_from_its_record() {
    let lines = connect_lines();
    let call = row(lines[0].clone());
    assert_eq!(call.id, "5ca32fbd-8f92-46af-92a5-6b0f970f0efe");
    assert_eq!(call.channel, Channel::Voice);
    assert_eq!(call.queue, "Billing");
    assert_eq!(call.topic, "billing");
    assert_eq!(call.agent_id.as_deref(), Some("agent.one@example.com"));
    assert_eq!(call.arrived_at, at("2026-03-02T09:01:55Z"));
    assert_eq!(call.answered_at, Some(at("2026-03-02T09:02:10Z")));
    assert_eq!(call.ended_at, Some(at("2026-03-02T09:06:10Z")));
    assert_eq!(call.wrap_seconds, 30);
    assert_eq!(call.outcome, Outcome::Resolved);
    // The phone number is not kept, only a hash that finds repeats.
    assert!(!call.customer_id.contains("1234567890"));
    assert_eq!(call.customer_id, connect::customer_id("+441234567890"));
    assert_ne!(call.customer_id, connect::customer_id("+441234567891"));
}

#[test]
fn enqueued_and_never_connected_is_abandoned() {
    let lines = connect_lines();
    let abandoned = row(lines[1].clone());
    assert_eq!(abandoned.outcome, Outcome::Abandoned);
    assert_eq!(abandoned.answered_at, None);
    assert_eq!(abandoned.agent_id, None);
    assert_eq!(abandoned.arrived_at, at("2026-03-02T09:09:45Z"));
    assert_eq!(abandoned.ended_at, Some(at("2026-03-02T09:10:45Z")));
    // Without a dequeue time the queue duration gives the moment of abandoning.
    let record = json!({"ContactId": "x", "Channel": "CHAT",
        "Queue": {"Name": "Chat", "EnqueueTimestamp": "2026-03-02T09:00:00Z", "Duration": 42}});
    let r = row(connect::map_record(&record, &ConnectOptions::default()));
    assert_eq!(r.ended_at, Some(at("2026-03-02T09:00:42Z")));
    assert_eq!(r.customer_id, "connect:contact:x");
}

#[test]
fn transfers_tasks_and_unqueued_contacts_are_told_apart() {
    let lines = connect_lines();
    let chat = row(lines[2].clone());
    assert_eq!(chat.channel, Channel::Chat);
    assert_eq!(chat.outcome, Outcome::Transferred);
    assert_eq!(chat.wrap_seconds, 12);
    assert_eq!(lines[3], Mapped::Skip("tasks (back-office work, not customer contacts)"));
    assert_eq!(lines[4], Mapped::Skip("contacts that never reached a queue"));
    match &lines[5] {
        Mapped::Reject(reason) => {
            assert!(
                reason.starts_with("contact 3b4c5d6e-7f80-4192-a3b4-c5d6e7f80912: Queue.EnqueueTimestamp: "),
                "{reason}"
            );
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    match connect::map_line("{not json", &ConnectOptions::default()) {
        Mapped::Reject(reason) => assert!(reason.contains("not a JSON contact record"), "{reason}"),
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[test]
fn the_topic_attribute_and_agent_key_are_configurable() {
    let record = json!({"ContactId": "y", "Channel": "VOICE", "Attributes": {"reason": "returns"},
        "Agent": {"Username": "jo", "ARN": "arn:agent/jo", "ConnectedToAgentTimestamp": "2026-03-02T09:00:05Z"},
        "Queue": {"Name": "Returns", "EnqueueTimestamp": "2026-03-02T09:00:00Z"}});
    let options = ConnectOptions { topic_attribute: "reason".to_string(), agent: AgentKey::Arn };
    let r = row(connect::map_record(&record, &options));
    assert_eq!(r.topic, "returns");
    assert_eq!(r.agent_id.as_deref(), Some("arn:agent/jo"));
    let r = row(connect::map_record(&record, &ConnectOptions::default()));
    assert_eq!(r.topic, "(none)");
    assert_eq!(r.agent_id.as_deref(), Some("jo"));
}
