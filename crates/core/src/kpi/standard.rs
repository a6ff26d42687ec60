//! Service standards and team targets: which KPI, which contacts, what level,
//! and how a team's target derives from the organisation's standard.
//!
//! A standard is an organisation-wide promise ("80% of voice calls answered
//! within 20 s", "CSAT at least 85%"). A team may adopt a tighter target for
//! the same measure, never a looser one: the standard is the floor the
//! organisation promised its customers. Values are held in the KPI's own
//! units (a fraction for percentages, seconds for times) and typed by people
//! in display units (85 for 85%).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::cells::quote;
use super::records::Channel;
use super::rollup::KpiCounts;
use super::stats::{NpsEstimate, Proportion, wilson};
use super::target::{Direction, Target, ValueFormat};
use crate::fields::{FieldError, FieldErrors};

/// A KPI a standard, tile or chart can be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kpi {
    /// Answered within T of the channel / offered.
    ServiceLevel,
    /// Mean wait of answered contacts.
    Asa,
    /// Mean handle time.
    Aht,
    /// Abandoned / offered.
    AbandonRate,
    /// Resolved first time / answered.
    Fcr,
    /// Top-2-box CSAT.
    Csat,
    /// Net Promoter Score.
    Nps,
    /// Mean customer effort score (1–7, higher is easier).
    Ces,
}

/// How a KPI's periods are charted for control (kpis.md §11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// A proportion with a varying denominator: p-chart.
    Proportion,
    /// A mean or score, one value per period: XmR chart.
    Individuals,
}

/// One KPI's value for a group of contacts, with its sample size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KpiValue {
    /// The value in the KPI's units; `None` when the denominator is 0.
    pub value: Option<f64>,
    /// The denominator: offered, answered, handled or responses.
    pub n: u64,
    /// The numerator of a proportion (successes), for p-charts.
    pub successes: Option<u64>,
}

impl Kpi {
    /// Every KPI, in the order dashboards show them.
    pub const ALL: [Kpi; 8] =
        [Self::ServiceLevel, Self::Asa, Self::Aht, Self::AbandonRate, Self::Fcr, Self::Csat, Self::Nps, Self::Ces];

    /// The stable name used in URLs, forms and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ServiceLevel => "service_level",
            Self::Asa => "asa",
            Self::Aht => "aht",
            Self::AbandonRate => "abandon_rate",
            Self::Fcr => "fcr",
            Self::Csat => "csat",
            Self::Nps => "nps",
            Self::Ces => "ces",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::ServiceLevel => "Service level",
            Self::Asa => "Average speed of answer",
            Self::Aht => "Average handle time",
            Self::AbandonRate => "Abandonment",
            Self::Fcr => "First contact resolution",
            Self::Csat => "CSAT",
            Self::Nps => "NPS",
            Self::Ces => "Customer effort (CES)",
        }
    }

    /// What the sample size counts, for "n = 120 offered".
    pub fn sample_label(self) -> &'static str {
        match self {
            Self::ServiceLevel | Self::AbandonRate => "offered",
            Self::Asa | Self::Fcr => "answered",
            Self::Aht => "handled",
            Self::Csat | Self::Nps | Self::Ces => "responses",
        }
    }

    /// Parses the stable name.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldError> {
        let text = text.trim();
        Self::ALL.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(text)).ok_or_else(|| {
            FieldError::new(
                field,
                format!(
                    "choose a KPI from the list: service_level, asa, aht, abandon_rate, fcr, csat, nps or ces (you entered {})",
                    quote(text)
                ),
            )
        })
    }

    /// Which way is good.
    pub fn direction(self) -> Direction {
        match self {
            Self::Asa | Self::Aht | Self::AbandonRate => Direction::LowerIsBetter,
            _ => Direction::HigherIsBetter,
        }
    }

    /// How values are shown.
    pub fn format(self) -> ValueFormat {
        match self {
            Self::ServiceLevel | Self::AbandonRate | Self::Fcr | Self::Csat => ValueFormat::Percent,
            Self::Asa | Self::Aht => ValueFormat::Seconds,
            Self::Nps | Self::Ces => ValueFormat::Number,
        }
    }

    /// The control chart that suits the KPI.
    pub fn chart_kind(self) -> ChartKind {
        match self.format() {
            ValueFormat::Percent => ChartKind::Proportion,
            _ => ChartKind::Individuals,
        }
    }

    /// True for survey KPIs, which carry a confidence interval and a small-sample flag.
    pub fn is_survey(self) -> bool {
        matches!(self, Self::Csat | Self::Nps | Self::Ces)
    }

    /// The KPI's value from additive counts (ratio of sums, contracts.md §3).
    pub fn value(self, c: &KpiCounts) -> KpiValue {
        let row = c.derive();
        let offered = row.offered;
        let (value, n, successes) = match self {
            Self::ServiceLevel => (row.service_level, offered, Some(c.answered_within_t)),
            Self::Asa => (row.asa_seconds, c.answered, None),
            Self::Aht => (row.aht_seconds, c.handled, None),
            Self::AbandonRate => (row.abandon_rate, offered, Some(c.abandoned)),
            Self::Fcr => (row.fcr, c.answered, Some(c.fcr_resolved)),
            Self::Csat => (row.csat, c.csat_responses, Some(c.csat_satisfied)),
            Self::Nps => (row.nps, c.nps_responses, None),
            Self::Ces => (row.ces, c.ces_responses, None),
        };
        KpiValue { value, n, successes }
    }

    /// The 95% interval of a survey KPI: Wilson for CSAT, the NPS standard
    /// error for NPS; `None` for other KPIs and with no responses.
    pub fn interval(self, c: &KpiCounts) -> Option<(f64, f64)> {
        match self {
            Self::Csat => wilson(c.csat_satisfied, c.csat_responses).map(|p: Proportion| (p.lower, p.upper)),
            Self::Nps => {
                NpsEstimate::new(c.nps_promoters, c.nps_detractors, c.nps_responses).map(|e| (e.lower, e.upper))
            }
            _ => None,
        }
    }

    /// Shows a value in display units, like `82.1%`, `28.5 s` or `31`.
    pub fn show(self, value: f64) -> String {
        let display = match self.format() {
            ValueFormat::Percent => value * 100.0,
            _ => value,
        };
        let mut text = format!("{:.1}", (display * 10.0).round() / 10.0);
        if let Some(whole) = text.strip_suffix(".0") {
            text = whole.to_string();
        }
        if text == "-0" {
            text = "0".to_string();
        }
        match self.format() {
            ValueFormat::Percent => format!("{text}%"),
            ValueFormat::Seconds => format!("{text} s"),
            ValueFormat::Number => text,
        }
    }

    /// A value typed in display units (85 for 85%, 20 for 20 s), checked
    /// against the KPI's range and converted to the KPI's units.
    pub fn parse_display(self, field: &str, text: &str) -> Result<f64, FieldError> {
        let trimmed = text.trim().trim_end_matches('%').trim_end_matches('s').trim();
        let number: f64 = trimmed.parse().ok().filter(|v: &f64| v.is_finite()).ok_or_else(|| {
            FieldError::new(field, format!("enter a number, like {} (you entered {})", self.example(), quote(text)))
        })?;
        let (low, high, unit) = match self.format() {
            ValueFormat::Percent => (0.0, 100.0, "a percentage from 0 to 100"),
            ValueFormat::Seconds => (0.0, 31_536_000.0, "a number of seconds, 0 or more"),
            ValueFormat::Number if self == Self::Nps => (-100.0, 100.0, "an NPS from −100 to 100"),
            ValueFormat::Number => (1.0, 7.0, "a CES score from 1 to 7"),
        };
        if !(low..=high).contains(&number) {
            return Err(FieldError::new(field, format!("enter {unit} (you entered {})", quote(text))));
        }
        Ok(match self.format() {
            ValueFormat::Percent => number / 100.0,
            _ => number,
        })
    }

    /// An amber band typed in display units: 0 or more, no wider than the scale.
    pub fn parse_band(self, field: &str, text: &str) -> Result<f64, FieldError> {
        if text.trim().is_empty() {
            return Ok(0.0);
        }
        let value = self.parse_display(field, text).or_else(|_| {
            // A band is a distance, so it may be 0 even where values start at 1 (CES).
            let number: f64 = text.trim().trim_end_matches('%').trim().parse().unwrap_or(f64::NAN);
            if number.is_finite() && number >= 0.0 && self == Self::Ces && number <= 6.0 {
                Ok(number)
            } else {
                Err(FieldError::new(
                    field,
                    format!(
                        "enter how far short of the target still counts as amber, 0 or more (you entered {})",
                        quote(text)
                    ),
                ))
            }
        })?;
        if value < 0.0 {
            return Err(FieldError::new(field, "the amber band cannot be negative; enter 0 for no amber"));
        }
        Ok(value)
    }

    fn example(self) -> &'static str {
        match self.format() {
            ValueFormat::Percent => "85 for 85%",
            ValueFormat::Seconds => "20 for 20 seconds",
            ValueFormat::Number => "30",
        }
    }
}

/// Which way a standard's threshold is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// The value must be at least the threshold (≥).
    AtLeast,
    /// The value must be at most the threshold (≤).
    AtMost,
}

impl Comparison {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AtLeast => "at_least",
            Self::AtMost => "at_most",
        }
    }

    /// The sign people read.
    pub fn sign(self) -> &'static str {
        match self {
            Self::AtLeast => "≥",
            Self::AtMost => "≤",
        }
    }

    /// Parses the stable name.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldError> {
        match text.trim() {
            "at_least" | ">=" | "≥" => Ok(Self::AtLeast),
            "at_most" | "<=" | "≤" => Ok(Self::AtMost),
            other => Err(FieldError::new(
                field,
                format!("choose at least (≥) or at most (≤) (you entered {})", quote(other)),
            )),
        }
    }

    /// The comparison that matches a KPI's direction.
    pub fn natural(kpi: Kpi) -> Self {
        match kpi.direction() {
            Direction::HigherIsBetter => Self::AtLeast,
            Direction::LowerIsBetter => Self::AtMost,
        }
    }

    fn direction(self) -> Direction {
        match self {
            Self::AtLeast => Direction::HigherIsBetter,
            Self::AtMost => Direction::LowerIsBetter,
        }
    }

    /// True when `candidate` is at least as demanding as `threshold`.
    pub fn as_strict(self, candidate: f64, threshold: f64) -> bool {
        match self {
            Self::AtLeast => candidate >= threshold,
            Self::AtMost => candidate <= threshold,
        }
    }
}

/// A validated service standard, ready to store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StandardInput {
    /// A short name, like "Voice calls answered in 20 s".
    pub name: String,
    /// The KPI.
    pub kpi: Kpi,
    /// Only contacts of this channel; `None` for every channel.
    pub channel: Option<Channel>,
    /// Only contacts of this queue; `None` for every queue.
    pub queue: Option<String>,
    /// The level, in the KPI's units.
    pub threshold: f64,
    /// ≥ or ≤.
    pub comparison: Comparison,
    /// How far short still counts as amber, in the KPI's units.
    pub amber_band: f64,
}

/// The standard form as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StandardFields {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// KPI's stable name.
    #[serde(default)]
    pub kpi: String,
    /// Channel's stable name, or empty for every channel.
    #[serde(default)]
    pub channel: String,
    /// Queue, or empty for every queue.
    #[serde(default)]
    pub queue: String,
    /// Threshold in display units.
    #[serde(default)]
    pub threshold: String,
    /// `at_least` or `at_most`; empty for the KPI's natural direction.
    #[serde(default)]
    pub comparison: String,
    /// Amber band in display units; empty for none.
    #[serde(default)]
    pub amber_band: String,
}

impl StandardFields {
    /// Checks every field and reports each one at fault.
    pub fn parse(&self) -> Result<StandardInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = self.name.trim();
        if name.is_empty() {
            errors.push(FieldError::new(
                "name",
                "give the standard a short name, like \u{201c}Calls answered in 20 s\u{201d}",
            ));
        } else if name.chars().count() > 120 {
            errors.push(FieldError::new("name", "keep the name under 120 characters"));
        }
        let kpi = errors.check(Kpi::parse("kpi", &self.kpi));
        let channel = if self.channel.trim().is_empty() {
            None
        } else {
            errors.check(Channel::parse("channel", self.channel.trim()))
        };
        let queue = Some(self.queue.trim().to_string()).filter(|q| !q.is_empty());
        if queue.as_ref().is_some_and(|q| q.chars().count() > 120) {
            errors.push(FieldError::new("queue", "keep the queue name under 120 characters"));
        }
        let (threshold, band, comparison) = match kpi {
            Some(kpi) => {
                let threshold = errors.check(kpi.parse_display("threshold", &self.threshold));
                let band = errors.check(kpi.parse_band("amber_band", &self.amber_band));
                let comparison = if self.comparison.trim().is_empty() {
                    Some(Comparison::natural(kpi))
                } else {
                    errors.check(Comparison::parse("comparison", &self.comparison))
                };
                (threshold, band, comparison)
            }
            None => (None, None, None),
        };
        match (kpi, threshold, band, comparison) {
            (Some(kpi), Some(threshold), Some(amber_band), Some(comparison)) if errors.is_empty() => {
                Ok(StandardInput { name: name.to_string(), kpi, channel, queue, threshold, comparison, amber_band })
            }
            _ => Err(errors),
        }
    }
}

/// A stored standard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standard {
    /// Identifier.
    pub id: i64,
    /// The standard itself.
    #[serde(flatten)]
    pub input: StandardInput,
}

impl Standard {
    /// The rule in words, like `CSAT ≥ 85%` or `Service level (voice) ≥ 80%`.
    pub fn rule(&self) -> String {
        rule_text(&self.input, self.input.threshold)
    }

    /// The organisation-wide target.
    pub fn target(&self) -> Target {
        Target {
            target: self.input.threshold,
            direction: self.input.comparison.direction(),
            amber_band: self.input.amber_band,
            format: self.input.kpi.format(),
        }
    }
}

fn rule_text(input: &StandardInput, threshold: f64) -> String {
    let mut scope = Vec::new();
    if let Some(channel) = input.channel {
        scope.push(channel.as_str().replace('_', " "));
    }
    if let Some(queue) = &input.queue {
        scope.push(format!("queue {queue}"));
    }
    let scope = if scope.is_empty() { String::new() } else { format!(" ({})", scope.join(", ")) };
    format!("{}{scope} {} {}", input.kpi.label(), input.comparison.sign(), input.kpi.show(threshold))
}

/// A team's own target for a standard, which may only tighten it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamTarget {
    /// The team.
    pub team_id: i64,
    /// The standard it derives from.
    pub standard_id: i64,
    /// The team's level, in the KPI's units.
    pub threshold: f64,
    /// The team's amber band, in the KPI's units.
    pub amber_band: f64,
    /// Who set it, by name.
    pub set_by: String,
    /// The local date it was set.
    pub set_on: Date,
}

/// Checks a team's target against its standard: the same or stricter.
pub fn check_tightens(standard: &Standard, threshold: f64) -> Result<(), FieldError> {
    if standard.input.comparison.as_strict(threshold, standard.input.threshold) {
        Ok(())
    } else {
        let kpi = standard.input.kpi;
        let (word, sign) = match standard.input.comparison {
            Comparison::AtLeast => ("at least", "≥"),
            Comparison::AtMost => ("at most", "≤"),
        };
        Err(FieldError::new(
            "threshold",
            format!(
                "a team may tighten the organisation standard but not loosen it: enter {word} {} (the standard is {} {sign} {})",
                kpi.show(standard.input.threshold),
                kpi.label(),
                kpi.show(standard.input.threshold)
            ),
        ))
    }
}

/// The target that applies to one team and standard, and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppliedTarget {
    /// The standard.
    pub standard: Standard,
    /// The team's own target, if it set one.
    pub team: Option<TeamTarget>,
}

impl AppliedTarget {
    /// The target in force: the team's if set, else the standard's.
    pub fn target(&self) -> Target {
        let mut target = self.standard.target();
        if let Some(team) = &self.team {
            target.target = team.threshold;
            target.amber_band = team.amber_band;
        }
        target
    }

    /// Where the target comes from, in words: "Team target: CSAT ≥ 88% (from
    /// the organisation standard CSAT ≥ 85%, tightened by Jane Lee on 3 March
    /// 2026)" or "Organisation standard: CSAT ≥ 85%".
    pub fn provenance(&self) -> String {
        let standard = self.standard.rule();
        match &self.team {
            Some(team) if team.threshold != self.standard.input.threshold => format!(
                "Team target: {} (from the organisation standard {standard}, tightened by {} on {})",
                rule_text(&self.standard.input, team.threshold),
                team.set_by,
                long_date(team.set_on)
            ),
            Some(team) => format!(
                "Team target: {standard} (the organisation standard, adopted by {} on {})",
                team.set_by,
                long_date(team.set_on)
            ),
            None => format!("Organisation standard: {standard}"),
        }
    }
}

/// A date as people write it: `3 March 2026`.
pub fn long_date(date: Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = MONTHS.get(usize::try_from(date.month() - 1).unwrap_or(0)).copied().unwrap_or("");
    format!("{} {month} {}", date.day(), date.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::Rag;

    fn fields(kpi: &str, threshold: &str, band: &str) -> StandardFields {
        StandardFields {
            name: "A standard".into(),
            kpi: kpi.into(),
            threshold: threshold.into(),
            amber_band: band.into(),
            ..StandardFields::default()
        }
    }

    fn csat_standard() -> Standard {
        Standard { id: 1, input: fields("csat", "85", "3").parse().unwrap() }
    }

    #[test]
    fn standards_parse_in_display_units() {
        let sl = StandardFields { channel: "voice".into(), ..fields("service_level", "80%", "5") }.parse().unwrap();
        assert_eq!((sl.threshold, sl.amber_band, sl.comparison), (0.8, 0.05, Comparison::AtLeast));
        let standard = Standard { id: 2, input: sl };
        assert_eq!(standard.rule(), "Service level (voice) ≥ 80%");
        let abandon = fields("abandon_rate", "5", "").parse().unwrap();
        assert_eq!((abandon.threshold, abandon.comparison), (0.05, Comparison::AtMost));
        let asa = fields("asa", "30", "5").parse().unwrap();
        assert_eq!((asa.threshold, asa.amber_band), (30.0, 5.0));
    }

    #[test]
    fn bad_fields_are_each_named() {
        let errors = StandardFields { name: " ".into(), channel: "pigeon".into(), ..fields("csat", "120", "x") }
            .parse()
            .unwrap_err();
        for field in ["name", "channel", "threshold", "amber_band"] {
            assert!(errors.for_field(field).is_some(), "{field}: {errors}");
        }
        let unknown = fields("happiness", "80", "").parse().unwrap_err();
        assert!(unknown.for_field("kpi").unwrap().contains("happiness"));
        assert!(fields("nps", "-101", "").parse().unwrap_err().for_field("threshold").is_some());
        assert!(fields("nps", "-20", "").parse().is_ok());
    }

    #[test]
    fn teams_may_tighten_but_not_loosen() {
        let csat = csat_standard();
        assert!(check_tightens(&csat, 0.88).is_ok());
        assert!(check_tightens(&csat, 0.85).is_ok());
        let err = check_tightens(&csat, 0.8).unwrap_err();
        assert_eq!(err.field, "threshold");
        assert!(err.message.contains("at least 85%"), "{}", err.message);
        let abandon = Standard { id: 3, input: fields("abandon_rate", "5", "").parse().unwrap() };
        assert!(check_tightens(&abandon, 0.04).is_ok());
        assert!(check_tightens(&abandon, 0.06).is_err());
    }

    #[test]
    fn the_rule_that_set_a_target_is_spelt_out() {
        let standard = csat_standard();
        let plain = AppliedTarget { standard: standard.clone(), team: None };
        assert_eq!(plain.provenance(), "Organisation standard: CSAT ≥ 85%");
        assert_eq!(plain.target().status(Some(0.84)).rag, Rag::Amber);
        let team = TeamTarget {
            team_id: 1,
            standard_id: 1,
            threshold: 0.88,
            amber_band: 0.02,
            set_by: "Jane Lee".into(),
            set_on: Date::constant(2026, 3, 3),
        };
        let tightened = AppliedTarget { standard, team: Some(team) };
        assert_eq!(
            tightened.provenance(),
            "Team target: CSAT ≥ 88% (from the organisation standard CSAT ≥ 85%, tightened by Jane Lee on 3 March 2026)"
        );
        assert_eq!(tightened.target().status(Some(0.86)).rag, Rag::Amber);
        assert_eq!(tightened.target().status(Some(0.85)).rag, Rag::Red);
    }

    #[test]
    fn values_come_from_counts_with_their_sample() {
        let counts = KpiCounts {
            contacts: 110,
            short_abandons: 10,
            answered: 90,
            answered_within_t: 72,
            abandoned: 10,
            csat_responses: 20,
            csat_satisfied: 17,
            nps_responses: 400,
            nps_promoters: 200,
            nps_detractors: 80,
            ..KpiCounts::default()
        };
        let sl = Kpi::ServiceLevel.value(&counts);
        assert_eq!((sl.n, sl.successes), (100, Some(72)));
        assert!((sl.value.unwrap() - 0.72).abs() < 1e-12);
        let (low, high) = Kpi::Nps.interval(&counts).unwrap();
        assert!((low - 22.3).abs() < 0.05 && (high - 37.7).abs() < 0.05);
        assert_eq!(Kpi::Aht.value(&counts).value, None);
        assert_eq!(Kpi::Asa.interval(&counts), None);
        assert_eq!(Kpi::Csat.show(0.85), "85%");
        assert_eq!(Kpi::parse("kpi", "CSAT"), Ok(Kpi::Csat));
    }
}
