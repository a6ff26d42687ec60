//! Red/amber/green status of a KPI against its target, with the rule spelt out
//! so that nobody has to guess why a tile is amber.

use serde::{Deserialize, Serialize};

/// Which way is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Service level, FCR, CSAT, NPS, CES.
    HigherIsBetter,
    /// ASA, AHT, abandon rate.
    LowerIsBetter,
}

/// How values are shown in the rule text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueFormat {
    /// A fraction shown as a percentage to one decimal: 0.821 → `82.1%`.
    Percent,
    /// Seconds to one decimal: `28.5 s`.
    Seconds,
    /// A plain number to one decimal, such as NPS or CES.
    Number,
}

/// The status colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rag {
    /// Target missed by more than the amber band.
    Red,
    /// Target missed, but within the amber band.
    Amber,
    /// Target met.
    Green,
    /// No value (zero denominator): nothing to judge.
    NoData,
}

/// A status and the rule that produced it, like `Green: 82.1% ≥ target 80%`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetStatus {
    /// The colour.
    pub rag: Rag,
    /// The comparison in words.
    pub rule: String,
}

/// A target with its direction and amber band, in the units of the value
/// (a fraction for percentages).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// The value to meet.
    pub target: f64,
    /// Which way is good.
    pub direction: Direction,
    /// How far short of the target still counts as amber rather than red;
    /// negative values are treated as 0 (no amber).
    pub amber_band: f64,
    /// How to show values.
    pub format: ValueFormat,
}

impl Target {
    /// Judges `value`. The value is rounded to the precision shown before it
    /// is compared, so the text never contradicts the colour (79.96% shows as
    /// 80% and is green against 80%).
    pub fn status(&self, value: Option<f64>) -> TargetStatus {
        let target = self.show(self.target);
        let Some(value) = value.filter(|v| v.is_finite()) else {
            return TargetStatus {
                rag: Rag::NoData,
                rule: format!("No data: nothing to compare with target {target}"),
            };
        };
        let shown = self.round(value);
        let band = self.amber_band.max(0.0);
        let (met, edge, better, worse, edge_name) = match self.direction {
            Direction::HigherIsBetter => {
                (shown >= self.round(self.target), self.round(self.target - band), "≥", "<", "amber floor")
            }
            Direction::LowerIsBetter => {
                (shown <= self.round(self.target), self.round(self.target + band), "≤", ">", "amber ceiling")
            }
        };
        let in_band = match self.direction {
            Direction::HigherIsBetter => shown >= edge,
            Direction::LowerIsBetter => shown <= edge,
        };
        let value_text = self.show(value);
        let edge_text = self.show(edge);
        if met {
            TargetStatus { rag: Rag::Green, rule: format!("Green: {value_text} {better} target {target}") }
        } else if in_band && band > 0.0 {
            TargetStatus {
                rag: Rag::Amber,
                rule: format!("Amber: {value_text} {worse} target {target}, {better} {edge_name} {edge_text}"),
            }
        } else if band > 0.0 {
            TargetStatus {
                rag: Rag::Red,
                rule: format!("Red: {value_text} {worse} {edge_name} {edge_text} (target {target})"),
            }
        } else {
            TargetStatus { rag: Rag::Red, rule: format!("Red: {value_text} {worse} target {target}") }
        }
    }

    /// The value in display units, rounded to one decimal.
    fn round(&self, value: f64) -> f64 {
        let scale = match self.format {
            ValueFormat::Percent => 1000.0,
            ValueFormat::Seconds | ValueFormat::Number => 10.0,
        };
        (value * scale).round() / scale
    }

    fn show(&self, value: f64) -> String {
        let display = match self.format {
            ValueFormat::Percent => value * 100.0,
            ValueFormat::Seconds | ValueFormat::Number => value,
        };
        let mut text = format!("{:.1}", (display * 10.0).round() / 10.0);
        if let Some(whole) = text.strip_suffix(".0") {
            text = whole.to_string();
        }
        if text == "-0" {
            text = "0".to_string();
        }
        match self.format {
            ValueFormat::Percent => format!("{text}%"),
            ValueFormat::Seconds => format!("{text} s"),
            ValueFormat::Number => text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sl() -> Target {
        Target { target: 0.8, direction: Direction::HigherIsBetter, amber_band: 0.05, format: ValueFormat::Percent }
    }

    #[test]
    fn higher_is_better() {
        let green = sl().status(Some(0.821));
        assert_eq!(green.rag, Rag::Green);
        assert_eq!(green.rule, "Green: 82.1% ≥ target 80%");
        let amber = sl().status(Some(0.78));
        assert_eq!(amber.rag, Rag::Amber);
        assert_eq!(amber.rule, "Amber: 78% < target 80%, ≥ amber floor 75%");
        assert_eq!(sl().status(Some(0.75)).rag, Rag::Amber);
        let red = sl().status(Some(0.7));
        assert_eq!(red.rag, Rag::Red);
        assert_eq!(red.rule, "Red: 70% < amber floor 75% (target 80%)");
        // Shown as 80%, so judged as 80%.
        assert_eq!(sl().status(Some(0.79996)).rag, Rag::Green);
    }

    #[test]
    fn lower_is_better() {
        let asa =
            Target { target: 30.0, direction: Direction::LowerIsBetter, amber_band: 5.0, format: ValueFormat::Seconds };
        assert_eq!(asa.status(Some(28.5)).rule, "Green: 28.5 s ≤ target 30 s");
        assert_eq!(asa.status(Some(30.0)).rag, Rag::Green);
        assert_eq!(asa.status(Some(33.0)).rule, "Amber: 33 s > target 30 s, ≤ amber ceiling 35 s");
        assert_eq!(asa.status(Some(40.0)).rag, Rag::Red);
    }

    #[test]
    fn no_band_and_no_data() {
        let nps = Target {
            target: 20.0,
            direction: Direction::HigherIsBetter,
            amber_band: -1.0,
            format: ValueFormat::Number,
        };
        let red = nps.status(Some(19.9));
        assert_eq!((red.rag, red.rule.as_str()), (Rag::Red, "Red: 19.9 < target 20"));
        let none = nps.status(None);
        assert_eq!(none.rag, Rag::NoData);
        assert_eq!(none.rule, "No data: nothing to compare with target 20");
        assert_eq!(nps.status(Some(f64::NAN)).rag, Rag::NoData);
    }
}
