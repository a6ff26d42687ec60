//! `crewdeck allocate` end to end, through the real binary.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions; a failure should panic")]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};

fn allocate(dir: &Path, input: &str, json_flag: bool) -> Output {
    let path = dir.join("problem.json");
    std::fs::write(&path, input).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_crewdeck"));
    command.arg("allocate").arg("--input").arg(&path);
    if json_flag {
        command.arg("--json");
    }
    command.output().unwrap()
}

const EXAMPLE: &str = r#"{
  "agents": [
    {"id": "a1", "skills": {"billing": 3, "returns": 1}, "learning": ["returns"],
     "capacity": {"email": 8, "chat": 3}, "open": {"email": 2}, "available": true}
  ],
  "items": [
    {"id": "t1", "channel": "email", "requires": {"billing": 2}, "priority": "urgent"}
  ]
}"#;

#[test]
fn contract_example() {
    let dir = tempfile::tempdir().unwrap();
    let output = allocate(dir.path(), EXAMPLE, true);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["assignments"][0]["item"], "t1");
    assert_eq!(value["assignments"][0]["agent"], "a1");
    assert_eq!(value["assignments"][0]["stretch"], false);
    assert!(
        value["assignments"][0]["rationale"]
            .as_str()
            .unwrap()
            .starts_with("billing 3 \u{2265} 2; email load 3/8 after this")
    );
    assert_eq!(value["unassigned"], json!([]));
    assert_eq!(
        value["summary"],
        json!({"assigned": {"urgent": 1, "high": 0, "normal": 0, "low": 0},
               "unassigned": {"urgent": 0, "high": 0, "normal": 0, "low": 0}})
    );
    let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 3, "only assignments, unassigned, summary: {keys:?}");
}

#[test]
fn table_output_without_json() {
    let dir = tempfile::tempdir().unwrap();
    let output = allocate(dir.path(), EXAMPLE, false);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("Assignments (1)") && text.contains("a1") && text.contains("Summary"), "{text}");
}

#[test]
fn stretch_is_marked_and_every_item_appears_once() {
    let input = json!({
        "agents": [
            {"id": "a1", "skills": {"returns": 1}, "learning": ["returns"], "capacity": {"chat": 2}},
            {"id": "a2", "skills": {"billing": 4}, "capacity": {"chat": 1}, "available": false}
        ],
        "items": [
            {"id": "t1", "channel": "chat", "requires": {"returns": 2}, "priority": "high"},
            {"id": "t2", "channel": "chat", "requires": {"returns": 2}, "priority": "low"},
            {"id": "t3", "channel": "chat", "requires": {"billing": 1}, "priority": "urgent"},
            {"id": "t4", "channel": "email", "requires": {"returns": 1}, "priority": "normal"}
        ]
    });
    let dir = tempfile::tempdir().unwrap();
    let output = allocate(dir.path(), &input.to_string(), true);
    assert_eq!(output.status.code(), Some(0));
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    let assignments = value["assignments"].as_array().unwrap();
    assert_eq!(assignments.len(), 1);
    assert_eq!(assignments[0]["item"], "t1");
    assert_eq!(assignments[0]["stretch"], true);
    let mut seen: Vec<&str> = assignments.iter().map(|a| a["item"].as_str().unwrap()).collect();
    seen.extend(value["unassigned"].as_array().unwrap().iter().map(|u| u["item"].as_str().unwrap()));
    seen.sort_unstable();
    assert_eq!(seen, ["t1", "t2", "t3", "t4"]);
    assert_eq!(value["summary"]["unassigned"], json!({"urgent": 1, "high": 0, "normal": 1, "low": 1}));
}

fn assert_input_error(input: &str, expected: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let output = allocate(dir.path(), input, true);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty(), "nothing on stdout");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("problem.json"), "names the file: {stderr}");
    for part in expected {
        assert!(stderr.contains(part), "{part:?} in {stderr}");
    }
}

#[test]
fn invalid_inputs_exit_2_naming_the_record() {
    let item = |id: &str, requires: Value, priority: &str| json!({"id": id, "channel": "chat", "requires": requires, "priority": priority});
    let items = |list: Vec<Value>| json!({"agents": [], "items": list}).to_string();
    assert_input_error(
        &items(vec![item("t1", json!({"a": 1}), "low"), item("t9", json!({"a": 1}), "asap")]),
        &["items[1] (id \"t9\")", "priority \"asap\" is not one of urgent, high, normal, low"],
    );
    assert_input_error(&items(vec![item("t1", json!({}), "low")]), &["items[0] (id \"t1\")", "requires is empty"]);
    assert_input_error(
        &items(vec![json!({"id": "t1", "channel": "chat", "priority": "low"})]),
        &["items[0] (id \"t1\")", "requires is missing"],
    );
    assert_input_error(&items(vec![item("t1", json!({"a": 6}), "low")]), &["items[0] (id \"t1\")", "from 0 to 5"]);
    assert_input_error(
        &json!({"agents": [{"id": "a1", "capacity": {"chat": -3}}], "items": []}).to_string(),
        &["agents[0] (id \"a1\")", "cannot be negative"],
    );
    assert_input_error(
        &json!({"agents": [{"id": "a1"}, {"id": "a1"}], "items": []}).to_string(),
        &["agents[1] (id \"a1\")", "duplicate id"],
    );
    assert_input_error("{not json", &["not valid JSON"]);
}

#[test]
fn unreadable_file_exits_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_crewdeck"))
        .args(["allocate", "--input", "/nonexistent/problem.json", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("/nonexistent/problem.json: cannot read"));
}
