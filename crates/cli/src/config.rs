//! Configuration: flags, then `CREWDECK_*` environment variables, then an
//! optional `crewdeck.toml`, then defaults that run out of the box on an
//! embedded SQLite file in the platform's data directory.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::CliError;

/// Settings read from `crewdeck.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Database URL.
    pub database: Option<String>,
    /// Address to listen on.
    pub listen: Option<String>,
    /// Mark cookies Secure (behind HTTPS).
    pub secure_cookies: Option<bool>,
}

/// The environment variables crewdeck reads; any other `CREWDECK_*` gets a warning.
pub const KNOWN_ENV: &[&str] = &[
    "CREWDECK_DATABASE_URL",
    "CREWDECK_LISTEN",
    "CREWDECK_CONFIG",
    "CREWDECK_LOG",
    "CREWDECK_SECURE_COOKIES",
    // Per-phase import timings on stderr (docs/benchmarks.md, "Imports").
    "CREWDECK_IMPORT_TIMINGS",
];

/// Reads `crewdeck.toml` from `path`, or from the working directory when it exists.
pub fn load_file(path: Option<&Path>) -> Result<FileConfig, CliError> {
    let path = match path {
        Some(p) => p.to_path_buf(),
        None => {
            let local = PathBuf::from("crewdeck.toml");
            if !local.exists() {
                return Ok(FileConfig::default());
            }
            local
        }
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| CliError::input(format!("{}: cannot read the configuration file: {e}", path.display())))?;
    toml::from_str(&text).map_err(|e| CliError::input(format!("{}: {}", path.display(), e.message())))
}

/// Warns about `CREWDECK_*` variables that crewdeck does not read (likely typos).
pub fn warn_unknown_env() {
    for (key, _) in std::env::vars() {
        if key.starts_with("CREWDECK_") && !KNOWN_ENV.contains(&key.as_str()) && !key.starts_with("CREWDECK_TEST_") {
            eprintln!(
                "warning: {key} is set but crewdeck does not read it. Did you mean one of {}?",
                KNOWN_ENV.join(", ")
            );
        }
    }
}

/// The default database: `crewdeck.db` in the platform data directory.
pub fn default_database() -> Result<String, CliError> {
    let dirs = directories::ProjectDirs::from("uk", "crewdeck", "crewdeck").ok_or_else(|| {
        CliError::input("Cannot find a home directory for the default database. Pass --database sqlite://PATH instead.")
    })?;
    Ok(format!("sqlite://{}", dirs.data_dir().join("crewdeck.db").display()))
}

/// The database URL: the flag or environment (already merged by clap), then the file, then the default.
pub fn database_url(flag_or_env: Option<&str>, file: &FileConfig) -> Result<String, CliError> {
    match flag_or_env.or(file.database.as_deref()) {
        Some(url) => Ok(url.to_string()),
        None => default_database(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file() {
        let file = FileConfig { database: Some("sqlite://file.db".into()), ..Default::default() };
        assert_eq!(database_url(Some("sqlite://flag.db"), &file).unwrap(), "sqlite://flag.db");
        assert_eq!(database_url(None, &file).unwrap(), "sqlite://file.db");
        assert!(database_url(None, &FileConfig::default()).unwrap().ends_with("crewdeck.db"));
    }

    #[test]
    fn unknown_keys_in_the_file_are_errors() {
        let dir = std::env::temp_dir().join(format!("crewdeck-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("crewdeck.toml");
        std::fs::write(&path, "databse = 'x'\n").unwrap();
        let err = load_file(Some(&path)).unwrap_err();
        assert!(err.to_string().contains("databse"), "{err}");
    }
}
