//! `crewdeck staffing` driven through the built binary, as scripts drive it.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const EX1: [&str; 10] = [
    "--volume",
    "100",
    "--interval-minutes",
    "30",
    "--aht-seconds",
    "180",
    "--service-level",
    "0.8",
    "--answer-within-seconds",
    "20",
];

fn crewdeck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crewdeck")).arg("staffing").args(args).output().expect("the crewdeck binary runs")
}

fn with_ex1<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = EX1.to_vec();
    args.extend_from_slice(extra);
    args
}

fn json(output: &Output) -> Value {
    assert!(output.status.success(), "exit {:?}: {}", output.status.code(), String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON document")
}

fn fails_with_2(output: &Output) -> String {
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(output.stdout.is_empty(), "stdout must stay empty on error");
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

fn near(value: &Value, expected: f64, half_unit: f64) {
    let actual = value.as_f64().unwrap_or(f64::NAN);
    assert!((actual - expected).abs() <= half_unit, "{actual} vs {expected}");
}

#[test]
fn ex1_json_has_exactly_the_contract_fields() {
    let v = json(&crewdeck(&with_ex1(&["--json"])));
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let mut keys = keys.clone();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "agents",
            "asa_seconds",
            "model",
            "occupancy",
            "probability_of_wait",
            "scheduled_agents",
            "service_level",
            "traffic_erlangs"
        ]
    );
    assert_eq!(v["model"], "erlang-c");
    assert_eq!(v["traffic_erlangs"], 10.0);
    assert_eq!(v["agents"], 14);
    assert_eq!(v["scheduled_agents"], 14);
    near(&v["service_level"], 0.8884, 5e-5);
    near(&v["asa_seconds"], 7.84, 5e-3);
    near(&v["occupancy"], 0.714, 5e-4);
    near(&v["probability_of_wait"], 0.1741, 5e-5);
}

#[test]
fn exact_shrinkage_and_occupancy_decisions() {
    // Ex 6's last row: 21 agents at 30% shrinkage schedule 30, not 31.
    let v = json(&crewdeck(&[
        "--volume",
        "128",
        "--interval-minutes",
        "30",
        "--aht-seconds",
        "240",
        "--service-level",
        "0.8",
        "--answer-within-seconds",
        "20",
        "--shrinkage",
        "0.3",
        "--json",
    ]));
    assert_eq!((v["agents"].as_u64(), v["scheduled_agents"].as_u64()), (Some(21), Some(30)));
    // Traffic 17 under an 0.85 cap needs exactly 20.
    let v = json(&crewdeck(&[
        "--volume",
        "17",
        "--interval-minutes",
        "30",
        "--aht-seconds",
        "1800",
        "--service-level",
        "0.01",
        "--answer-within-seconds",
        "20",
        "--max-occupancy",
        "0.85",
        "--json",
    ]));
    assert_eq!(v["traffic_erlangs"], 17.0);
    assert_eq!(v["agents"], 20);
    assert_eq!(v["occupancy"], 0.85);
}

#[test]
fn volume_zero() {
    let v = json(&crewdeck(&[
        "--volume",
        "0",
        "--interval-minutes",
        "30",
        "--aht-seconds",
        "180",
        "--service-level",
        "0.8",
        "--answer-within-seconds",
        "20",
        "--shrinkage",
        "0.3",
        "--json",
    ]));
    assert_eq!(v["agents"], 0);
    assert_eq!(v["scheduled_agents"], 0);
    assert_eq!(v["service_level"], 1.0);
    assert_eq!(v["asa_seconds"], 0.0);
    assert_eq!(v["probability_of_wait"], 0.0);
    assert!(v["occupancy"].is_null());
    assert!(v.get("abandon_rate").is_none());
}

#[test]
fn invalid_targets_exit_2_naming_the_flag() {
    let cases: [(&[&str], &str); 8] = [
        (&["--service-level", "1"], "--service-level"),
        (&["--service-level", "0"], "--service-level"),
        (&["--target-asa-seconds", "0"], "--target-asa-seconds"),
        (&["--target-asa-seconds", "-3"], "--target-asa-seconds"),
        (&["--max-occupancy", "0"], "--max-occupancy"),
        (&["--max-occupancy", "1.2"], "--max-occupancy"),
        (&["--shrinkage", "1"], "--shrinkage"),
        (&["--shrinkage", "-0.1"], "--shrinkage"),
    ];
    for (extra, flag) in cases {
        // Ex 1's own value of the flag under test is dropped, then the bad one added.
        let mut args: Vec<&str> = EX1.chunks(2).filter(|pair| pair[0] != extra[0]).flatten().copied().collect();
        args.extend_from_slice(extra);
        args.push("--json");
        let stderr = fails_with_2(&crewdeck(&args));
        assert!(stderr.contains(flag), "{flag}: {stderr}");
    }
    let stderr = fails_with_2(&crewdeck(&[
        "--volume",
        "ten",
        "--interval-minutes",
        "30",
        "--aht-seconds",
        "180",
        "--service-level",
        "0.8",
        "--answer-within-seconds",
        "20",
        "--json",
    ]));
    assert!(stderr.contains("--volume"), "{stderr}");
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("the test file is written");
    path.to_str().expect("temporary paths are UTF-8").to_string()
}

const BATCH_FLAGS: [&str; 6] = ["--interval-minutes", "30", "--service-level", "0.8", "--answer-within-seconds", "20"];

#[test]
fn batch_csv_in_input_order_with_interval_start() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "intervals.csv",
        "interval_start,volume,aht_seconds\n\
         2026-01-05T09:30:00Z,128,240\n\
         2026-01-05T09:00:00+01:00,100,180\n\
         2026-01-05T10:00:00Z,0,180\n",
    );
    let mut args = BATCH_FLAGS.to_vec();
    args.extend(["--shrinkage", "0.3", "--input", &file, "--json"]);
    let v = json(&crewdeck(&args));
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["interval_start"], "2026-01-05T09:30:00Z");
    assert_eq!((rows[0]["agents"].as_u64(), rows[0]["scheduled_agents"].as_u64()), (Some(21), Some(30)));
    assert_eq!(rows[1]["interval_start"], "2026-01-05T09:00:00+01:00");
    assert_eq!(rows[1]["agents"], 14);
    assert_eq!(rows[2]["agents"], 0);
    assert!(rows[2]["occupancy"].is_null());
}

#[test]
fn batch_csv_bad_row_names_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "bad.csv",
        "interval_start,volume,aht_seconds\n\
         2026-01-05T09:00:00Z,100,180\n\
         2026-01-05T09:30:00Z,lots,180\n",
    );
    let mut args = BATCH_FLAGS.to_vec();
    args.extend(["--input", &file, "--json"]);
    let stderr = fails_with_2(&crewdeck(&args));
    assert!(stderr.contains("bad.csv") && stderr.contains("line 3") && stderr.contains("volume"), "{stderr}");

    let file = write(dir.path(), "time.csv", "interval_start,volume,aht_seconds\nMonday 9am,1,1\n");
    let mut args = BATCH_FLAGS.to_vec();
    args.extend(["--input", &file, "--json"]);
    let stderr = fails_with_2(&crewdeck(&args));
    assert!(stderr.contains("line 2") && stderr.contains("interval_start"), "{stderr}");

    let file = write(dir.path(), "header.csv", "start,volume,aht\n2026-01-05T09:00:00Z,1,1\n");
    let mut args = BATCH_FLAGS.to_vec();
    args.extend(["--input", &file, "--json"]);
    let stderr = fails_with_2(&crewdeck(&args));
    assert!(stderr.contains("line 1") && stderr.contains("header"), "{stderr}");

    let missing = dir.path().join("missing.csv");
    let mut args = BATCH_FLAGS.to_vec();
    args.extend(["--input", missing.to_str().unwrap(), "--json"]);
    let stderr = fails_with_2(&crewdeck(&args));
    assert!(stderr.contains("missing.csv"), "{stderr}");
}

/// A week of 15-minute intervals for `queues` queues: large enough for the
/// batch to be split over both cores. Volumes and handle times vary, with
/// empty intervals, decimals, padded fields, blank lines and other offsets.
fn large_batch(queues: u32) -> String {
    let mut text = String::new();
    for queue in 0..queues {
        for interval in 0..672_u32 {
            let (day, minutes) = (5 + interval / 96, (interval % 96) * 15);
            let volume = (interval * 7 + queue * 13) % 240 * (interval % 96 / 20);
            let aht = 150 + (queue * 37 + interval) % 450;
            let start = format!("2026-01-{day:02}T{:02}:{:02}:00", minutes / 60, minutes % 60);
            text.push_str(&match interval % 97 {
                0 => format!("{start}+01:00,{volume}.5,{aht}\n"),
                1 => format!(" {start}Z , {volume} ,{aht}.25\n\n"),
                _ => format!("{start}Z,{volume},{aht}\n"),
            });
        }
    }
    text
}

#[test]
fn a_large_batch_on_both_cores_answers_as_one_thread_does() {
    let dir = tempfile::tempdir().unwrap();
    let rows = large_batch(16);
    assert!(rows.len() > 256 << 10, "{} bytes is too small to be split", rows.len());
    let plain = write(dir.path(), "plain.csv", &format!("interval_start,volume,aht_seconds\n{rows}"));
    // A padded header is still accepted, but only by the one-thread reader.
    let padded = write(dir.path(), "padded.csv", &format!(" interval_start , volume,aht_seconds\n{rows}"));
    let run = |file: &str| {
        let mut args = BATCH_FLAGS.to_vec();
        args.extend(["--max-occupancy", "0.9", "--input", file, "--json"]);
        let output = crewdeck(&args);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        output.stdout
    };
    let (both_cores, one_thread) = (run(&plain), run(&padded));
    assert_eq!(String::from_utf8_lossy(&both_cores), String::from_utf8_lossy(&one_thread));
    let answer: Value = serde_json::from_slice(&both_cores).unwrap();
    let answer = answer.as_array().unwrap();
    assert_eq!(answer.len(), 16 * 672);
    assert_eq!(answer[1]["interval_start"], "2026-01-05T00:15:00Z");
    assert_eq!(answer[97]["interval_start"], "2026-01-06T00:15:00+01:00");
    assert!(answer.iter().any(|row| row["agents"].as_u64() > Some(10)));
}

#[test]
fn a_bad_row_late_in_a_large_batch_is_reported_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let rows = large_batch(12);
    let late = rows.lines().count() - 5;
    let bad: Vec<String> = rows
        .lines()
        .enumerate()
        .map(|(index, line)| if index == late { line.replacen(',', ",-", 1) } else { line.to_string() })
        .collect();
    let file = write(dir.path(), "late.csv", &format!("interval_start,volume,aht_seconds\n{}\n", bad.join("\n")));
    let mut args = BATCH_FLAGS.to_vec();
    args.extend(["--input", &file, "--json"]);
    let stderr = fails_with_2(&crewdeck(&args));
    let line = format!("line {}", late + 2);
    assert!(stderr.contains("late.csv") && stderr.contains(&line) && stderr.contains("volume"), "{stderr}");
}

#[test]
fn erlang_a_reports_abandon_rate() {
    let v = json(&crewdeck(&with_ex1(&["--patience-seconds", "120", "--json"])));
    assert_eq!(v["model"], "erlang-a");
    assert_eq!(v["agents"], 12);
    near(&v["abandon_rate"], 0.062, 5e-4);
    near(&v["service_level"], 0.8256, 5e-5);
    near(&v["probability_of_wait"], 0.280, 5e-4);
    near(&v["occupancy"], 0.782, 5e-4);
}

#[test]
fn readable_output_shows_neighbours_and_what_decided() {
    let output = crewdeck(&with_ex1(&["--shrinkage", "0.3"]));
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("Agents needed:    14"), "{text}");
    assert!(text.contains("To schedule:      20"), "{text}");
    assert!(text.contains("service level (13 agents would miss it)"), "{text}");
    for n in ["12 ", "13 ", "14 ◀", "15 ", "16 "] {
        assert!(text.contains(n), "{n} missing: {text}");
    }
}
