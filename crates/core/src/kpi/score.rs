//! Survey scores: whole numbers on a fixed scale, checked once at the edge.

use serde::Serialize;

use super::cells::quote;
use crate::fields::FieldError;

/// A whole-number score from `MIN` to `MAX` inclusive.
///
/// One generic type rather than three copies: the scale lives in the type, so a
/// CSAT score can never be passed where an NPS score is expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Score<const MIN: u8, const MAX: u8>(u8);

/// Customer satisfaction, 1 (very dissatisfied) to 5 (very satisfied).
pub type Csat = Score<1, 5>;
/// Likelihood to recommend, 0 to 10.
pub type Nps = Score<0, 10>;
/// Customer effort (CES 2.0 wording), 1 (strongly disagree that it was easy)
/// to 7 (strongly agree); higher is better.
pub type Ces = Score<1, 7>;

impl<const MIN: u8, const MAX: u8> Score<MIN, MAX> {
    /// The score, if `value` is on the scale.
    pub fn new(value: u8) -> Option<Self> {
        (MIN..=MAX).contains(&value).then_some(Self(value))
    }

    /// The score as a number.
    pub fn get(self) -> u8 {
        self.0
    }

    /// Accepts a whole number on the scale; empty text means "not answered".
    pub fn parse_optional(field: &str, text: &str) -> Result<Option<Self>, FieldError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        text.parse::<u8>().ok().and_then(Self::new).map(Some).ok_or_else(|| {
            FieldError::new(
                field,
                format!("expected a whole number from {MIN} to {MAX}, or nothing (you entered {})", quote(text)),
            )
        })
    }
}

impl Csat {
    /// Top-two-box: a 4 or a 5.
    pub fn is_satisfied(self) -> bool {
        self.0 >= 4
    }
}

impl Nps {
    /// A 9 or a 10.
    pub fn is_promoter(self) -> bool {
        self.0 >= 9
    }

    /// 0 to 6.
    pub fn is_detractor(self) -> bool {
        self.0 <= 6
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_are_enforced() {
        assert_eq!(Csat::parse_optional("csat", " 4 "), Ok(Csat::new(4)));
        assert_eq!(Csat::parse_optional("csat", ""), Ok(None));
        assert!(Csat::parse_optional("csat", "0").is_err());
        assert!(Csat::parse_optional("csat", "6").is_err());
        assert!(Csat::parse_optional("csat", "4.5").is_err());
        assert_eq!(Nps::parse_optional("nps", "0"), Ok(Nps::new(0)));
        assert_eq!(Nps::parse_optional("nps", "10"), Ok(Nps::new(10)));
        assert!(Nps::parse_optional("nps", "11").is_err());
        assert!(Ces::parse_optional("ces", "7").is_ok());
        let err = Ces::parse_optional("ces", "8").unwrap_err();
        assert_eq!(err.field, "ces");
        assert!(err.message.contains("1 to 7"), "{}", err.message);
    }

    #[test]
    fn boxes_follow_the_definitions() {
        let csat = |v| Csat::new(v).unwrap();
        assert!(!csat(3).is_satisfied());
        assert!(csat(4).is_satisfied());
        let nps = |v| Nps::new(v).unwrap();
        assert!(nps(6).is_detractor() && !nps(6).is_promoter());
        assert!(!nps(7).is_detractor() && !nps(8).is_promoter());
        assert!(nps(9).is_promoter());
    }
}
