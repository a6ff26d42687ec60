//! Quality assurance storage: versioned scorecards and the team's proposals on
//! them, sampling plans and spot-check queues, evaluations with coaching
//! actions, acknowledgements and disputes, calibration sessions, and the QA
//! numbers. The maths lives in `crewdeck_core::quality`; every write here is
//! one transaction with its audit event.

pub mod attention;
pub mod calibration;
pub mod disputes;
pub mod evaluations;
pub mod numbers;
pub mod sampling;
pub mod scorecards;

use crewdeck_core::quality::Rating;

use crate::error::{StoreError, StoreResult};

/// How a rating is stored: `n/a` or the value on the criterion's scale.
pub fn rating_code(rating: Rating) -> String {
    match rating {
        Rating::NotApplicable => "n/a".to_string(),
        Rating::Value(v) => v.to_string(),
    }
}

/// Reads a stored rating back.
pub fn rating_from_code(code: &str) -> StoreResult<Rating> {
    if code == "n/a" {
        return Ok(Rating::NotApplicable);
    }
    code.parse::<u8>().map(Rating::Value).map_err(|_| StoreError::Corrupt(format!("rating {code:?}")))
}

/// The name part of an audit label such as `Dawn Whitaker <dawn@example.co.uk>`,
/// for pages that show who did something without their email.
pub fn display_name(label: &str) -> String {
    label.split(" <").next().unwrap_or(label).to_string()
}

/// How a rating reads to people: `yes`/`no` on a yes/no criterion, `N/A`, or the number.
pub fn rating_label(rating: Rating, yes_no: bool) -> String {
    match (rating, yes_no) {
        (Rating::NotApplicable, _) => "N/A".to_string(),
        (Rating::Value(1), true) => "Yes".to_string(),
        (Rating::Value(0), true) => "No".to_string(),
        (Rating::Value(v), _) => v.to_string(),
    }
}
