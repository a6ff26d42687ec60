//! A dashboard's content, computed from daily counts: one tile per service
//! standard (and per KPI that has none), each with its value, sample size,
//! red/amber/green status and the rule that set it, a weekly trend, and a
//! control chart whose special-cause signals are spelt out in words.
//!
//! Trends and control charts use ISO weeks. Daily points would chart the
//! weekly rhythm of a contact centre (quiet Sundays, busy Mondays) as
//! "signals"; weeks hold that rhythm constant. Control limits come from the
//! weeks shown, and signals use the Western Electric rules (kpis.md §11).

use jiff::civil::Date;
use jiff::{ToSpan, civil::Weekday};
use serde::Serialize;

use super::group::GroupBy;
use super::records::Channel;
use super::rollup::KpiCounts;
use super::rules::{RuleSet, Signal};
use super::spc::{PChart, XmrLimits};
use super::standard::{AppliedTarget, ChartKind, Kpi, KpiValue};
use super::stats::MinResponses;
use super::target::{Rag, TargetStatus};

/// Summed counts of one local day, queue and channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayCounts {
    /// The local date.
    pub day: Date,
    /// The queue.
    pub queue: String,
    /// The channel's stable name.
    pub channel: String,
    /// The counts.
    pub counts: KpiCounts,
}

/// One week of a tile's trend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekPoint {
    /// ISO week key, `2026-W03`.
    pub week: String,
    /// Monday of the week.
    pub monday: Date,
    /// The KPI in that week.
    pub value: KpiValue,
    /// Lower control limit, where the chart has one.
    pub lower: Option<f64>,
    /// Upper control limit.
    pub upper: Option<f64>,
    /// True when a rule flagged this week.
    pub signal: bool,
}

/// A special-cause signal in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignalNote {
    /// The rule id, `WE1`.
    pub rule: &'static str,
    /// "Week 2026-W40: one point beyond 3 sigma, below the centre line".
    pub text: String,
}

/// The control chart of a tile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ControlChart {
    /// p-chart or XmR.
    pub kind: &'static str,
    /// The centre line; `None` when there is too little data for a chart.
    pub centre: Option<f64>,
    /// Signals, in words; empty means no signal.
    pub signals: Vec<SignalNote>,
}

/// One tile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tile {
    /// The KPI.
    pub kpi: Kpi,
    /// "Service level (voice)".
    pub title: String,
    /// Only this channel.
    pub channel: Option<Channel>,
    /// Only this queue.
    pub queue: Option<String>,
    /// The value over the whole period, with its sample size.
    pub value: KpiValue,
    /// The status against the target, if there is one.
    pub status: Option<TargetStatus>,
    /// Where the target comes from, if there is one.
    pub provenance: Option<String>,
    /// The target value, in the KPI's units.
    pub target: Option<f64>,
    /// The 95% interval of a survey KPI.
    pub interval: Option<(f64, f64)>,
    /// Fewer survey responses than the organisation's minimum.
    pub too_few: bool,
    /// The weekly trend, with control limits.
    pub weeks: Vec<WeekPoint>,
    /// The control chart's centre and signals.
    pub control: ControlChart,
}

impl Tile {
    /// The status colour, `NoData` without a target.
    pub fn rag(&self) -> Rag {
        self.status.as_ref().map_or(Rag::NoData, |s| s.rag)
    }
}

/// What tiles a dashboard shows.
#[derive(Debug, Clone)]
pub struct DashboardSpec<'a> {
    /// Standards with the team's targets; one tile each.
    pub targets: &'a [AppliedTarget],
    /// KPIs to show even with no standard (without a target).
    pub kpis: &'a [Kpi],
    /// The small-sample threshold.
    pub min_responses: MinResponses,
    /// First day of the period.
    pub from: Date,
    /// Last day of the period.
    pub to: Date,
}

/// Builds the tiles of a dashboard from daily counts.
pub fn build_tiles(days: &[DayCounts], spec: &DashboardSpec<'_>) -> Vec<Tile> {
    let mut tiles = Vec::new();
    for applied in spec.targets {
        let input = &applied.standard.input;
        if !spec.kpis.contains(&input.kpi) {
            continue;
        }
        let mut tile = tile(days, spec, input.kpi, input.channel, input.queue.clone());
        let target = applied.target();
        tile.status = Some(target.status(tile.value.value));
        tile.provenance = Some(applied.provenance());
        tile.target = Some(target.target);
        tiles.push(tile);
    }
    for &kpi in spec.kpis {
        if spec.targets.iter().any(|a| a.standard.input.kpi == kpi) {
            continue;
        }
        let channels = if kpi == Kpi::Asa { channels_with_contacts(days) } else { Vec::new() };
        if channels.len() > 1 {
            // Waits of seconds on the phone and hours on email averaged
            // together describe no customer's experience: one tile each.
            tiles.extend(channels.into_iter().map(|c| tile(days, spec, kpi, Some(c), None)));
        } else {
            tiles.push(tile(days, spec, kpi, None, None));
        }
    }
    tiles
}

/// The channels that have contacts, in the order channels are always listed.
fn channels_with_contacts(days: &[DayCounts]) -> Vec<Channel> {
    Channel::ALL.into_iter().filter(|c| days.iter().any(|d| d.channel == c.as_str() && d.counts.contacts > 0)).collect()
}

fn tile(
    days: &[DayCounts],
    spec: &DashboardSpec<'_>,
    kpi: Kpi,
    channel: Option<Channel>,
    queue: Option<String>,
) -> Tile {
    let in_scope = |d: &&DayCounts| {
        channel.is_none_or(|c| c.as_str() == d.channel) && queue.as_ref().is_none_or(|q| *q == d.queue)
    };
    let mut total = KpiCounts::default();
    for day in days.iter().filter(in_scope) {
        total.merge(&day.counts);
    }
    let mut weeks = week_buckets(spec.from, spec.to);
    if let Some(&(_, first_monday, _)) = weeks.first() {
        for day in days.iter().filter(in_scope) {
            // The buckets are consecutive weeks from `first_monday`: a day's
            // bucket is found by counting, not by formatting and comparing
            // week keys (that was most of a dashboard's time at 10M contacts).
            let offset = (day.day - first_monday).get_days();
            let slot = usize::try_from(offset.div_euclid(7)).ok().and_then(|i| weeks.get_mut(i));
            if let Some(slot) = slot {
                slot.2.merge(&day.counts);
            }
        }
    }
    let mut points: Vec<WeekPoint> = weeks
        .iter()
        .map(|(week, monday, counts)| WeekPoint {
            week: week.clone(),
            monday: *monday,
            value: kpi.value(counts),
            lower: None,
            upper: None,
            signal: false,
        })
        .collect();
    let control = control_chart(kpi, &mut points);
    let mut title = kpi.label().to_string();
    let mut scope = Vec::new();
    if let Some(c) = channel {
        scope.push(c.as_str().replace('_', " "));
    }
    if let Some(q) = &queue {
        scope.push(q.clone());
    }
    if !scope.is_empty() {
        title = format!("{title} ({})", scope.join(", "));
    }
    let value = kpi.value(&total);
    Tile {
        kpi,
        title,
        channel,
        queue,
        value,
        status: None,
        provenance: None,
        target: None,
        interval: kpi.interval(&total),
        too_few: kpi.is_survey() && spec.min_responses.too_few(value.n),
        weeks: points,
        control,
    }
}

/// Every ISO week touching the period, in order, with empty counts.
fn week_buckets(from: Date, to: Date) -> Vec<(String, Date, KpiCounts)> {
    let mut out = Vec::new();
    let mut monday = from;
    while monday.weekday() != Weekday::Monday {
        monday = monday.yesterday().unwrap_or(monday);
        if monday == Date::MIN {
            break;
        }
    }
    while monday <= to {
        out.push((GroupBy::Week.period_key(monday).unwrap_or_default(), monday, KpiCounts::default()));
        match monday.checked_add(7.days()) {
            Ok(next) => monday = next,
            Err(_) => break,
        }
    }
    out
}

fn control_chart(kpi: Kpi, points: &mut [WeekPoint]) -> ControlChart {
    let rules = RuleSet::WesternElectric;
    match kpi.chart_kind() {
        ChartKind::Proportion => {
            let pairs: Vec<(u64, u64)> = points.iter().map(|p| (p.value.successes.unwrap_or(0), p.value.n)).collect();
            let Some(chart) = PChart::new(&pairs) else {
                return ControlChart { kind: "p-chart", centre: None, signals: Vec::new() };
            };
            for (point, charted) in points.iter_mut().zip(&chart.points) {
                point.lower = charted.lower;
                point.upper = charted.upper;
            }
            let signals = chart.signals(rules);
            let notes = notes(kpi, points, &signals, chart.centre);
            ControlChart { kind: "p-chart", centre: Some(chart.centre), signals: notes }
        }
        ChartKind::Individuals => {
            let (index, values): (Vec<usize>, Vec<f64>) =
                points.iter().enumerate().filter_map(|(i, p)| p.value.value.map(|v| (i, v))).unzip();
            let Some(limits) = XmrLimits::new(&values) else {
                return ControlChart { kind: "XmR chart", centre: None, signals: Vec::new() };
            };
            for &i in &index {
                points[i].lower = Some(limits.lower);
                points[i].upper = Some(limits.upper);
            }
            let mut signals = limits.signals(&values, rules);
            for signal in &mut signals {
                for p in &mut signal.points {
                    *p = index[*p];
                }
            }
            let notes = notes(kpi, points, &signals, limits.centre);
            ControlChart { kind: "XmR chart", centre: Some(limits.centre), signals: notes }
        }
    }
}

fn notes(kpi: Kpi, points: &mut [WeekPoint], signals: &[Signal], centre: f64) -> Vec<SignalNote> {
    signals
        .iter()
        .filter_map(|signal| {
            let first = *signal.points.first()?;
            let last = *signal.points.last()?;
            for &i in &signal.points {
                if let Some(p) = points.get_mut(i) {
                    p.signal = true;
                }
            }
            let weeks = if first == last {
                format!("Week {}", points.get(first)?.week)
            } else {
                format!("Weeks {} to {}", points.get(first)?.week, points.get(last)?.week)
            };
            let side = points.get(first)?.value.value.map_or("", |v| if v < centre { ", below" } else { ", above" });
            let side =
                if side.is_empty() { String::new() } else { format!("{side} the centre line ({})", kpi.show(centre)) };
            Some(SignalNote {
                rule: signal.rule.as_str(),
                text: format!("{weeks}: {}{side}", signal.rule.description()),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kpi::{Standard, StandardFields};

    fn day(d: Date, channel: &str, answered: u64, within: u64, csat: (u64, u64)) -> DayCounts {
        DayCounts {
            day: d,
            queue: format!("{channel}-queue"),
            channel: channel.into(),
            counts: KpiCounts {
                contacts: answered,
                answered,
                answered_within_t: within,
                handled: answered,
                handle_ms: answered * 300_000,
                csat_responses: csat.0,
                csat_satisfied: csat.1,
                ..KpiCounts::default()
            },
        }
    }

    fn standard(kpi: &str, channel: &str, threshold: &str) -> AppliedTarget {
        let fields = StandardFields {
            name: "s".into(),
            kpi: kpi.into(),
            channel: channel.into(),
            threshold: threshold.into(),
            amber_band: "5".into(),
            ..StandardFields::default()
        };
        AppliedTarget { standard: Standard { id: 1, input: fields.parse().unwrap() }, team: None }
    }

    #[test]
    fn tiles_follow_standards_and_scopes() {
        let monday = Date::constant(2026, 1, 5);
        let days: Vec<DayCounts> = (0..28)
            .flat_map(|i| {
                let d = monday.checked_add(i.days()).unwrap();
                [day(d, "voice", 100, 85, (10, 9)), day(d, "chat", 50, 20, (0, 0))]
            })
            .collect();
        let targets = [standard("service_level", "voice", "80"), standard("csat", "", "85")];
        let spec = DashboardSpec {
            targets: &targets,
            kpis: &[Kpi::ServiceLevel, Kpi::Csat, Kpi::Aht],
            min_responses: MinResponses(300),
            from: monday,
            to: Date::constant(2026, 2, 1),
        };
        let tiles = build_tiles(&days, &spec);
        let titles: Vec<&str> = tiles.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(titles, ["Service level (voice)", "CSAT", "Average handle time"]);
        let sl = &tiles[0];
        assert_eq!((sl.value.n, sl.value.successes), (2800, Some(2380)));
        assert_eq!(sl.rag(), Rag::Green);
        assert_eq!(sl.provenance.as_deref(), Some("Organisation standard: Service level (voice) ≥ 80%"));
        assert_eq!(sl.weeks.len(), 4);
        assert_eq!(sl.weeks[0].week, "2026-W02");
        assert!(sl.control.signals.is_empty(), "a steady process has no signal");
        let csat = &tiles[1];
        assert!(csat.too_few, "280 responses is under 300");
        assert!(csat.interval.is_some());
        assert_eq!(tiles[2].status, None);
        assert_eq!(tiles[2].control.kind, "XmR chart");
    }

    #[test]
    fn speed_of_answer_without_a_standard_is_shown_per_channel() {
        let monday = Date::constant(2026, 1, 5);
        let mut voice = day(monday, "voice", 100, 85, (0, 0));
        voice.counts.wait_ms = 100 * 20_000;
        let mut email = day(monday, "email", 10, 10, (0, 0));
        email.counts.wait_ms = 10 * 3_600_000;
        let spec = DashboardSpec {
            targets: &[],
            kpis: &[Kpi::Asa],
            min_responses: MinResponses::default(),
            from: monday,
            to: monday,
        };
        let tiles = build_tiles(&[voice.clone(), email], &spec);
        let shown: Vec<(&str, Option<f64>)> = tiles.iter().map(|t| (t.title.as_str(), t.value.value)).collect();
        assert_eq!(
            shown,
            [("Average speed of answer (voice)", Some(20.0)), ("Average speed of answer (email)", Some(3600.0))]
        );
        // One channel: one tile, as before.
        let single = build_tiles(&[voice], &spec);
        assert_eq!(single.len(), 1);
        assert_eq!(single[0].channel, None);
    }

    #[test]
    fn a_shift_is_signalled_in_words() {
        let monday = Date::constant(2026, 1, 5);
        // Ten steady weeks, then a week where service collapses.
        let days: Vec<DayCounts> = (0..11_i64)
            .map(|w| {
                let d = monday.checked_add((7 * w).days()).unwrap();
                let within = if w == 10 { 30 } else { 80 + (w % 3).unsigned_abs() };
                day(d, "voice", 100, within, (0, 0))
            })
            .collect();
        let spec = DashboardSpec {
            targets: &[],
            kpis: &[Kpi::ServiceLevel],
            min_responses: MinResponses::default(),
            from: monday,
            to: monday.checked_add(76.days()).unwrap(),
        };
        let tiles = build_tiles(&days, &spec);
        let chart = &tiles[0].control;
        assert_eq!(chart.kind, "p-chart");
        let note = chart.signals.iter().find(|s| s.rule == "WE1").expect("rule 1 fires");
        assert!(
            note.text.starts_with("Week 2026-W12: one point beyond 3 sigma, below the centre line"),
            "{}",
            note.text
        );
        assert!(tiles[0].weeks[10].signal);
    }

    #[test]
    fn every_day_of_a_period_counts_in_its_week() {
        let wednesday = Date::constant(2026, 1, 7);
        let days: Vec<DayCounts> = (0..13_i64)
            .map(|i| day(wednesday.checked_add(i.days()).unwrap(), "voice", 10 + i.unsigned_abs(), 5, (0, 0)))
            .collect();
        let spec = DashboardSpec {
            targets: &[],
            kpis: &[Kpi::ServiceLevel],
            min_responses: MinResponses::default(),
            from: wednesday,
            to: Date::constant(2026, 1, 19),
        };
        let tile = &build_tiles(&days, &spec)[0];
        let per_week: Vec<(&str, u64)> = tile.weeks.iter().map(|w| (w.week.as_str(), w.value.n)).collect();
        // Wed 7 – Sun 11 January, Mon 12 – Sun 18, Mon 19.
        assert_eq!(per_week, [("2026-W02", 60), ("2026-W03", 126), ("2026-W04", 22)]);
        assert_eq!(tile.value.n, 208);
    }

    #[test]
    fn weeks_cover_the_period_even_without_data() {
        let weeks = week_buckets(Date::constant(2026, 1, 7), Date::constant(2026, 1, 19));
        let keys: Vec<&str> = weeks.iter().map(|w| w.0.as_str()).collect();
        assert_eq!(keys, ["2026-W02", "2026-W03", "2026-W04"]);
        assert_eq!(weeks[0].1, Date::constant(2026, 1, 5));
    }
}
