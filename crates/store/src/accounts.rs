//! User accounts, passwords, sessions, API tokens and login throttling.
//!
//! Passwords are hashed with argon2id off the async executor. Session ids and API
//! tokens are random 256-bit values; only their SHA-256 is stored, so a copy of
//! the database cannot be used to log in.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use crewdeck_core::people::{Email, Role};
use jiff::{Timestamp, ToSpan};
use rand::Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;
use utoipa::ToSchema;

use crate::audit::{self, Actor};
use crate::db::Db;
use crate::error::{StoreError, StoreResult};

/// How long a session lasts after login.
pub const SESSION_HOURS: i64 = 12;
/// Failed logins allowed per account in [`THROTTLE_MINUTES`] before it is paused.
pub const MAX_FAILURES: i64 = 5;
/// The window over which failed logins are counted.
pub const THROTTLE_MINUTES: i64 = 15;
/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// A user account.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct User {
    /// Identifier.
    pub id: i64,
    /// The person this account belongs to.
    pub person_id: Option<i64>,
    /// Login email.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    #[schema(value_type = String, example = "team_leader")]
    pub role: Role,
    /// True until the user replaces a one-time password.
    pub must_change_password: bool,
    /// False once deactivated.
    pub active: bool,
}

impl User {
    /// How this user appears in the audit trail.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.id),
            label: format!("{} <{}>", self.name, self.email),
        }
    }
}

/// An API token as listed to its owner (never the secret itself).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenInfo {
    /// Identifier.
    pub id: i64,
    /// What the owner called it.
    pub name: String,
    /// When it was made (Unix seconds).
    pub created_at: i64,
    /// When it was last used (Unix seconds).
    pub last_used_at: Option<i64>,
    /// When it was revoked (Unix seconds).
    pub revoked_at: Option<i64>,
}

/// Why a login failed.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Wrong email or password (deliberately not saying which).
    #[error("That email and password do not match an account. Check them and try again.")]
    BadCredentials,
    /// Too many failures: wait before trying again.
    #[error(
        "Too many failed attempts for this account. Wait {minutes} minutes, then try again, or ask an administrator to reset your password."
    )]
    Throttled {
        /// Minutes to wait.
        minutes: i64,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

const USER_COLUMNS: &str = "id, person_id, email, name, role, must_change_password, active";

fn user_from_row(r: &sqlx::any::AnyRow) -> StoreResult<User> {
    let role: String = r.try_get("role")?;
    Ok(User {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        email: r.try_get("email")?,
        name: r.try_get("name")?,
        role: Role::parse("role", &role).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        must_change_password: r.try_get::<i64, _>("must_change_password")? != 0,
        active: r.try_get::<i64, _>("active")? != 0,
    })
}

/// SHA-256 of a secret, hex.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill(&mut buf[..]);
    hex::encode(buf)
}

/// A readable one-time password: 16 characters without look-alikes (0/O, 1/l/I).
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Hashes a password with argon2id on a blocking thread.
pub async fn hash_password(password: String) -> StoreResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| StoreError::Corrupt(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(|e| StoreError::Corrupt(format!("password hashing task failed: {e}")))?
}

/// Checks a password against a stored hash on a blocking thread.
pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

/// Checks a new password against the house rules.
pub fn check_new_password(password: &str) -> StoreResult<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(StoreError::field(
            "new_password",
            format!(
                "Use at least {MIN_PASSWORD_CHARS} characters. A few unrelated words make a strong, memorable password."
            ),
        ));
    }
    Ok(())
}

/// One user by id.
pub async fn get(db: &Db, id: i64) -> StoreResult<User> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("User {id}")))?;
    user_from_row(&row)
}

/// Every user, by name.
pub async fn list(db: &Db) -> StoreResult<Vec<User>> {
    let rows = sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users ORDER BY name, id"
    ))
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(user_from_row).collect()
}

/// A new account and the one-time password to hand to its owner.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// The account.
    pub user: User,
    /// Shown once; the user must change it at first login.
    pub password: String,
}

/// Creates an account for `email`, linked to the person with that email.
///
/// If no such person exists one is created. With `team_id`, an agent joins the
/// team from today and a team leader becomes its leader.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    db: &Db,
    actor: &Actor,
    email: &Email,
    name: &str,
    role: Role,
    team_id: Option<i64>,
    today: jiff::civil::Date,
    now: Timestamp,
) -> StoreResult<NewAccount> {
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(db.pool())
        .await?;
    if taken.is_some() {
        return Err(StoreError::field(
            "email",
            "An account with this email already exists. Reset its password instead.",
        ));
    }
    let password = one_time_password();
    let hash = hash_password(password.clone()).await?;
    let mut tx = db.begin().await?;
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM people WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(&mut *tx)
        .await?;
    let person_id = match existing {
        Some(id) => id,
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO people (name, email, job_role, start_date, contracted_hours, comm_channel, comm_style, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, 37.5, 'email', 'brief', $5, $5) RETURNING id",
            )
            .bind(name)
            .bind(email.as_str())
            .bind(role.label())
            .bind(today.to_string())
            .bind(now.as_second())
            .fetch_one(&mut *tx)
            .await?;
            audit::record(
                &mut tx,
                actor,
                "person.create",
                &format!("person:{id}"),
                &format!("name: \u{201c}{name}\u{201d} (with a new account)"),
                now,
            )
            .await?;
            id
        }
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (person_id, email, name, role, password_hash, must_change_password, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, 1, 1, $6) RETURNING id",
    )
    .bind(person_id)
    .bind(email.as_str())
    .bind(name)
    .bind(role.as_str())
    .bind(&hash)
    .bind(now.as_second())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        "user.create",
        &format!("user:{id}"),
        &format!("email: {}; role: {}", email.as_str(), role.as_str()),
        now,
    )
    .await?;
    if let Some(team_id) = team_id {
        if role == Role::TeamLeader {
            let done = sqlx::query("UPDATE teams SET leader_id = $1 WHERE id = $2")
                .bind(person_id)
                .bind(team_id)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::field(
                    "team",
                    "That team does not exist. Check its name with the teams list.",
                ));
            }
            audit::record(
                &mut tx,
                actor,
                "team.update",
                &format!("team:{team_id}"),
                &format!("leader: person:{person_id}"),
                now,
            )
            .await?;
        } else {
            crate::people::join_team(&mut tx, actor, person_id, team_id, today, now).await?;
        }
    }
    tx.commit().await?;
    Ok(NewAccount {
        user: get(db, id).await?,
        password,
    })
}

/// Finds a team by name (case-insensitive) or numeric id.
pub async fn find_team(db: &Db, name_or_id: &str) -> StoreResult<i64> {
    let by_name: Option<i64> =
        sqlx::query_scalar("SELECT id FROM teams WHERE LOWER(name) = LOWER($1)")
            .bind(name_or_id.trim())
            .fetch_optional(db.pool())
            .await?;
    if let Some(id) = by_name {
        return Ok(id);
    }
    if let Ok(id) = name_or_id.trim().parse::<i64>() {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM teams WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
        if let Some(id) = found {
            return Ok(id);
        }
    }
    Err(StoreError::field(
        "team",
        format!(
            "There is no team called \u{201c}{}\u{201d}. Check the name on the Teams page.",
            name_or_id.trim()
        ),
    ))
}

/// Checks an email and password, with throttling per account.
pub async fn authenticate(
    db: &Db,
    email: &str,
    password: &str,
    now: Timestamp,
) -> Result<User, LoginError> {
    let email = email.trim().to_lowercase();
    let since = (now - THROTTLE_MINUTES.minutes()).as_second();
    let failures: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE email = $1 AND at > $2")
            .bind(&email)
            .bind(since)
            .fetch_one(db.pool())
            .await
            .map_err(StoreError::from)?;
    if failures >= MAX_FAILURES {
        return Err(LoginError::Throttled {
            minutes: THROTTLE_MINUTES,
        });
    }
    let row = sqlx::query(&format!(
        "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1 AND active = 1"
    ))
    .bind(&email)
    .fetch_optional(db.pool())
    .await
    .map_err(StoreError::from)?;
    // Verify against a fixed hash when there is no such user, so the time taken
    // does not reveal which emails have accounts.
    let (user, hash) = match &row {
        Some(r) => (
            Some(user_from_row(r)?),
            r.try_get::<String, _>("password_hash")
                .map_err(StoreError::from)?,
        ),
        None => (None, DUMMY_HASH.to_string()),
    };
    let ok = verify_password(password.to_string(), hash).await;
    match user {
        Some(user) if ok => {
            sqlx::query("DELETE FROM login_failures WHERE email = $1")
                .bind(&email)
                .execute(db.pool())
                .await
                .map_err(StoreError::from)?;
            sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
                .bind(now.as_second())
                .bind(user.id)
                .execute(db.pool())
                .await
                .map_err(StoreError::from)?;
            Ok(user)
        }
        _ => {
            sqlx::query("INSERT INTO login_failures (email, at) VALUES ($1, $2)")
                .bind(&email)
                .bind(now.as_second())
                .execute(db.pool())
                .await
                .map_err(StoreError::from)?;
            Err(LoginError::BadCredentials)
        }
    }
}

/// argon2id of a random string nobody knows.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$4wPZ0v1bDKzJ8l8HnqN3Jm3yV0i7qkY8m5mXjz1XlQk";

/// Replaces the user's password after checking the current one.
pub async fn change_password(
    db: &Db,
    user: &User,
    current: &str,
    new: &str,
    now: Timestamp,
) -> StoreResult<()> {
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user.id)
        .fetch_one(db.pool())
        .await?;
    if !verify_password(current.to_string(), hash).await {
        return Err(StoreError::field(
            "current_password",
            "That is not your current password. Check it and try again.",
        ));
    }
    check_new_password(new)?;
    if new == current {
        return Err(StoreError::field(
            "new_password",
            "Choose a password different from your current one.",
        ));
    }
    let new_hash = hash_password(new.to_string()).await?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 0 WHERE id = $2")
        .bind(&new_hash)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &user.actor(),
        "user.password.change",
        &format!("user:{}", user.id),
        "password changed",
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Issues a new one-time password (administrators only; the caller checks).
pub async fn reset_password(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    now: Timestamp,
) -> StoreResult<String> {
    get(db, user_id).await?;
    let password = one_time_password();
    let hash = hash_password(password.clone()).await?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 1 WHERE id = $2")
        .bind(&hash)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        actor,
        "user.password.reset",
        &format!("user:{user_id}"),
        "one-time password issued; sessions ended",
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(password)
}

/// Changes a user's role or active flag.
pub async fn update(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    role: Role,
    active: bool,
    now: Timestamp,
) -> StoreResult<()> {
    let old = get(db, user_id).await?;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET role = $1, active = $2 WHERE id = $3")
        .bind(role.as_str())
        .bind(i64::from(active))
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if !active {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(now.as_second())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    }
    let summary = audit::diff_summary(&[
        (
            "role",
            old.role.as_str().to_string(),
            role.as_str().to_string(),
        ),
        ("active", old.active.to_string(), active.to_string()),
    ]);
    audit::record(
        &mut tx,
        actor,
        "user.update",
        &format!("user:{user_id}"),
        &summary,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A new session: the raw id for the cookie and the CSRF token for forms.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Goes in the cookie; never stored.
    pub id: String,
    /// Goes in every form.
    pub csrf_token: String,
}

/// Starts a session for a user, clearing expired ones.
pub async fn start_session(db: &Db, user_id: i64, now: Timestamp) -> StoreResult<NewSession> {
    let id = random_hex(32);
    let csrf_token = random_hex(32);
    sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(now.as_second())
        .execute(db.pool())
        .await?;
    sqlx::query("INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(hash_secret(&id))
        .bind(user_id)
        .bind(&csrf_token)
        .bind(now.as_second())
        .bind(now.as_second() + SESSION_HOURS * 3600)
        .execute(db.pool())
        .await?;
    Ok(NewSession { id, csrf_token })
}

/// The user and CSRF token of a live session.
pub async fn session_user(
    db: &Db,
    session_id: &str,
    now: Timestamp,
) -> StoreResult<Option<(User, String)>> {
    let row = sqlx::query(
        "SELECT u.id, u.person_id, u.email, u.name, u.role, u.must_change_password, u.active, s.csrf_token \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.active = 1"
    )
    .bind(hash_secret(session_id))
    .bind(now.as_second())
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| Ok((user_from_row(&r)?, r.try_get("csrf_token")?)))
        .transpose()
}

/// Ends a session.
pub async fn end_session(db: &Db, session_id: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(hash_secret(session_id))
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Issues an API token; the secret is returned once and only its hash is kept.
pub async fn create_token(db: &Db, user: &User, name: &str, now: Timestamp) -> StoreResult<String> {
    let token = format!("cdk_{}", random_hex(32));
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar("INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(user.id)
        .bind(name)
        .bind(hash_secret(&token))
        .bind(now.as_second())
        .fetch_one(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &user.actor(),
        "token.create",
        &format!("user:{}", user.id),
        &format!("token {id} \u{201c}{name}\u{201d}"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// The user a token belongs to, if it is live.
///
/// `last_used_at` is refreshed at most once a minute so that busy scripts do
/// not turn every read into a write.
pub async fn token_user(db: &Db, token: &str, now: Timestamp) -> StoreResult<Option<User>> {
    let row = sqlx::query(
        "SELECT u.id, u.person_id, u.email, u.name, u.role, u.must_change_password, u.active, t.id AS token_id, t.last_used_at \
         FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = 1"
    )
    .bind(hash_secret(token))
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let last_used: Option<i64> = row.try_get("last_used_at")?;
    if last_used.is_none_or(|t| now.as_second() - t >= 60) {
        let token_id: i64 = row.try_get("token_id")?;
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now.as_second())
            .bind(token_id)
            .execute(db.pool())
            .await?;
    }
    Ok(Some(user_from_row(&row)?))
}

/// A user's tokens, newest first.
pub async fn tokens_of(db: &Db, user_id: i64) -> StoreResult<Vec<TokenInfo>> {
    let rows = sqlx::query("SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC")
        .bind(user_id)
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok(TokenInfo {
                id: r.try_get(0)?,
                name: r.try_get(1)?,
                created_at: r.try_get(2)?,
                last_used_at: r.try_get(3)?,
                revoked_at: r.try_get(4)?,
            })
        })
        .collect()
}

/// Revokes one of the user's own tokens.
pub async fn revoke_token(db: &Db, user: &User, token_id: i64, now: Timestamp) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
        .bind(now.as_second())
        .bind(token_id)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound(format!("Token {token_id}")));
    }
    audit::record(
        &mut tx,
        &user.actor(),
        "token.revoke",
        &format!("user:{}", user.id),
        &format!("token {token_id}"),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Finds an active user by email.
pub async fn by_email(db: &Db, email: &str) -> StoreResult<Option<User>> {
    let row = sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
    ))
    .bind(email.trim().to_lowercase())
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| user_from_row(&r)).transpose()
}

/// The `SESSION_HOURS` as seconds, for cookie Max-Age.
pub fn session_seconds() -> i64 {
    SESSION_HOURS * 3600
}
