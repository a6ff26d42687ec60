//! Invalid input is refused with a message naming the record.

use serde_json::json;

use crate::allocation::{Level, Priority, Problem};

fn error(input: serde_json::Value) -> String {
    Problem::from_value(&input).unwrap_err().to_string()
}

fn item(requires: serde_json::Value, priority: &str) -> serde_json::Value {
    json!({"id": "t9", "channel": "chat", "requires": requires, "priority": priority})
}

#[test]
fn unknown_priority_names_the_item() {
    let mut items = Vec::new();
    for n in 0..3 {
        items.push(json!({"id": format!("t{n}"), "channel": "chat", "requires": {"a": 1}, "priority": "low"}));
    }
    items.push(item(json!({"a": 1}), "asap"));
    assert_eq!(
        error(json!({"agents": [], "items": items})),
        "items[3] (id \"t9\"): priority \"asap\" is not one of urgent, high, normal, low"
    );
}

#[test]
fn levels_outside_zero_to_five_are_refused() {
    let agent = json!({"id": "a1", "skills": {"billing": 7}});
    assert_eq!(
        error(json!({"agents": [agent], "items": []})),
        "agents[0] (id \"a1\"): skill \"billing\" level 7 is not a whole number from 0 to 5"
    );
    assert!(error(json!({"agents": [], "items": [item(json!({"a": -1}), "low")]})).starts_with("items[0] (id \"t9\")"));
    assert!(error(json!({"agents": [], "items": [item(json!({"a": 2.5}), "low")]})).contains("2.5"));
    // Level 0 is a valid value.
    assert!(Problem::from_value(&json!({"agents": [{"id": "a", "skills": {"x": 0}}], "items": []})).is_ok());
}

#[test]
fn negative_capacity_and_open_are_refused() {
    let agent = json!({"id": "a1", "capacity": {"email": -1}});
    assert_eq!(
        error(json!({"agents": [agent], "items": []})),
        "agents[0] (id \"a1\"): capacity for channel \"email\" is -1; it cannot be negative"
    );
    let agent = json!({"id": "a1", "open": {"email": -2}});
    assert!(error(json!({"agents": [agent], "items": []})).contains("open for channel \"email\" is -2"));
}

#[test]
fn open_above_capacity_is_not_an_error() {
    let agent = json!({"id": "a1", "capacity": {"email": 1}, "open": {"email": 5}});
    assert!(Problem::from_value(&json!({"agents": [agent], "items": []})).is_ok());
}

#[test]
fn duplicate_ids_are_refused() {
    let a = json!({"id": "a1"});
    assert_eq!(
        error(json!({"agents": [a.clone(), {"id": "a2"}, a], "items": []})),
        "agents[2] (id \"a1\"): duplicate id, first at agents[0]"
    );
    let t = item(json!({"a": 1}), "low");
    assert_eq!(
        error(json!({"agents": [], "items": [t.clone(), t]})),
        "items[1] (id \"t9\"): duplicate id, first at items[0]"
    );
}

#[test]
fn items_need_a_non_empty_requires() {
    assert!(error(json!({"agents": [], "items": [item(json!({}), "low")]})).contains("requires is empty"));
    let missing = json!({"id": "t9", "channel": "chat", "priority": "low"});
    assert!(error(json!({"agents": [], "items": [missing]})).starts_with("items[0] (id \"t9\"): requires is missing"));
}

#[test]
fn other_malformed_records_are_named() {
    assert!(error(json!({"agents": [{"skills": {}}], "items": []})).starts_with("agents[0]: id is missing"));
    assert!(
        error(json!({"agents": [{"id": "a", "available": "yes"}], "items": []}))
            .contains("available must be true or false")
    );
    assert!(error(json!({"agents": []})).contains("\"items\" is missing"));
    assert!(Problem::from_json("{nope").unwrap_err().to_string().starts_with("problem: not valid JSON"));
}

#[test]
fn defaults_and_extra_fields() {
    let input = json!({
        "agents": [{"id": "a1", "skills": {"billing": 3}, "capacity": {"email": 2}}],
        "items": [{"id": "t1", "channel": "email", "requires": {"billing": 2}, "priority": "high",
                   "due_at": "2026-01-01T00:00:00Z", "customer_id": "c7"}]
    });
    let problem = Problem::from_value(&input).unwrap();
    let agent = &problem.agents()[0];
    assert!(agent.is_available());
    let email = problem.items()[0].channel();
    assert_eq!(agent.open(email), 0);
    assert_eq!(agent.room(email), 2);
    assert_eq!(problem.items()[0].priority(), Priority::High);
    assert_eq!(problem.items()[0].requires()[0].1, Level::new(2).unwrap());
}
