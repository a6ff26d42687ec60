//! The command-line error policy, written once.
//!
//! Every command returns `Result<(), CliError>`. Bad input (usage, an unreadable
//! file, an invalid field) is [`CliError::Input`] and exits 2 with a message that
//! names the file, record and field; anything else exits 1. Messages go to stderr,
//! never stdout, so `--json` output stays one clean document.

use std::process::ExitCode;

/// Why a command failed, which decides its exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The user's input is at fault: exit code 2.
    #[error("{0}")]
    Input(String),
    /// Anything else (database unreachable, I/O failure): exit code 1.
    #[error(transparent)]
    Failure(#[from] anyhow::Error),
}

impl CliError {
    /// Shorthand for an input error.
    pub fn input(message: impl Into<String>) -> Self {
        Self::Input(message.into())
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Self::Input(_) => ExitCode::from(2),
            Self::Failure(_) => ExitCode::from(1),
        }
    }
}

/// The result type of every command.
pub type CliResult = Result<(), CliError>;
