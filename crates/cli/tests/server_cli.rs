//! The binary as scripts and operators use it: demo, graceful shutdown,
//! accounts for scripts, and the audit check after tampering.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn crewdeck() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crewdeck"));
    command.env_remove("CREWDECK_DATABASE_URL").env("CREWDECK_LOG", "warn");
    command
}

struct Demo {
    child: Child,
    address: String,
    stdout: Vec<String>,
}

/// Starts the demo on a free port and waits for its banner (bounded, no fixed sleeps).
fn start_demo(database: &str) -> Demo {
    let mut child = crewdeck()
        .args(["--database", database, "demo", "--listen", "127.0.0.1:0", "--seed", "3"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("demo starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut lines = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx.recv_timeout(left).expect("the demo prints its banner within 60 s");
        let done = line.starts_with("Press Ctrl+C");
        lines.push(line);
        if done {
            break;
        }
    }
    let address = lines
        .iter()
        .find_map(|l| l.split_whitespace().find(|w| w.starts_with("http://")))
        .expect("an address")
        .to_string();
    Demo { child, address, stdout: lines }
}

fn healthz(address: &str) -> bool {
    let host = address.trim_start_matches("http://");
    let Ok(mut stream) = std::net::TcpStream::connect(host) else {
        return false;
    };
    use std::io::{Read, Write};
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    reply.starts_with("HTTP/1.1 200")
}

fn terminate(child: &mut Child) -> std::process::ExitStatus {
    let pid = child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        assert!(Instant::now() < deadline, "the server stops within 20 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_demo_serves_stops_cleanly_and_its_audit_trail_verifies_until_tampered_with() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("demo.db");
    let database = format!("sqlite://{}", path.display());
    let mut demo = start_demo(&database);
    assert!(healthz(&demo.address), "/healthz answers once the banner is printed");
    for role in ["Agent", "Team leader", "Operations manager", "HR", "Administrator"] {
        assert!(demo.stdout.iter().any(|l| l.trim_start().starts_with(role)), "a login for {role} is printed");
    }
    let status = terminate(&mut demo.child);
    assert!(status.success(), "SIGTERM ends the server with exit 0, got {status}");

    let verify = crewdeck().args(["--database", &database, "audit", "verify", "--json"]).output().expect("runs");
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&verify.stdout).expect("one JSON document");
    assert_eq!(doc["ok"], true);
    assert!(doc["events"].as_u64().unwrap_or(0) > 100, "the demo leaves a full trail");

    // Someone edits an event directly in the database.
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let db = crewdeck_store::Db::connect(&database).await.expect("opens");
        sqlx::query("UPDATE audit_events SET summary = 'level 1 \u{2192} 5' WHERE seq = 42")
            .execute(db.pool())
            .await
            .expect("tampers");
        db.close().await;
    });
    let verify = crewdeck().args(["--database", &database, "audit", "verify"]).output().expect("runs");
    assert_eq!(verify.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&verify.stderr);
    assert!(stderr.contains("audit event 42 was altered"), "{stderr}");

    // A restarted demo leaves the existing data alone.
    let mut again = start_demo(&database);
    assert!(again.stdout.iter().all(|l| !l.contains("Creating")), "no reseeding");
    terminate(&mut again.child);
}

#[test]
fn accounts_for_scripts_print_json_and_bad_input_exits_2() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let database = format!("sqlite://{}", dir.path().join("x.db").display());
    let added = crewdeck()
        .args([
            "--database",
            &database,
            "user",
            "add",
            "--email",
            "Ops@Example.co.uk",
            "--name",
            "Olu Ops",
            "--role",
            "ops_manager",
            "--json",
        ])
        .output()
        .expect("runs");
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&added.stdout).expect("JSON");
    assert_eq!(doc["email"], "ops@example.co.uk");
    assert!(doc["password"].as_str().is_some_and(|p| p.len() >= 12));

    let token = crewdeck()
        .args(["--database", &database, "token", "create", "--email", "ops@example.co.uk", "--json"])
        .output()
        .expect("runs");
    assert!(token.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&token.stdout).expect("JSON");
    assert!(doc["token"].as_str().is_some_and(|t| t.starts_with("cdk_")));

    for (args, field) in [
        (vec!["user", "add", "--email", "not-an-email", "--name", "X", "--role", "agent"], "--email"),
        (vec!["user", "add", "--email", "a@example.co.uk", "--name", "X", "--role", "boss"], "--role"),
        (
            vec!["user", "add", "--email", "b@example.co.uk", "--name", "X", "--role", "agent", "--team", "Nowhere"],
            "--team",
        ),
        (vec!["token", "create", "--email", "nobody@example.co.uk"], "--email"),
    ] {
        let out = crewdeck().args(["--database", &database]).args(&args).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "nothing on stdout for {args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(field),
            "{args:?} names {field}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let bad_url = crewdeck().args(["--database", "mysql://x", "migrate"]).output().expect("runs");
    assert_eq!(bad_url.status.code(), Some(2));
}

#[test]
fn help_lists_every_command() {
    let out = crewdeck().arg("--help").output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    for command in ["serve", "demo", "migrate", "user", "token", "audit", "allocate", "staffing"] {
        assert!(text.contains(command), "--help mentions {command}");
    }
}
