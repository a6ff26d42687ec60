//! Dashboard charts as SVG, drawn by charts-rs: a weekly trend against the
//! target, and a control chart with its limits and signal points.
//!
//! Values are charted in display units (percent, seconds, points), so axis
//! labels read as people expect. The colours are the site's own (brand teal,
//! with red only for limits and signals).

use charts_rs::{Box as Margin, Color, LineChart, NIL_VALUE, Series, Symbol, YAxisConfig};
use crewdeck_core::kpi::{Kpi, Tile, ValueFormat};

const BRAND: &str = "#0b6e69";
const TARGET: &str = "#8a5300";
const LIMIT: &str = "#b42318";
const CENTRE: &str = "#5b6574";
const SIGNAL: &str = "#d92d20";
const INK: &str = "#1d2430";
const GRID: &str = "#dde2ea";

fn display(kpi: Kpi, value: f64) -> f32 {
    let shown = match kpi.format() {
        ValueFormat::Percent => value * 100.0,
        _ => value,
    };
    shown as f32
}

fn series(name: &str, values: Vec<f32>) -> Series {
    Series::new(name.to_string(), values)
}

fn unit(kpi: Kpi) -> &'static str {
    match kpi.format() {
        ValueFormat::Percent => "{c}%",
        ValueFormat::Seconds => "{c}s",
        ValueFormat::Number => "{c}",
    }
}

/// A short week label: `W03`, or `2026-W03` on the first week of a year.
fn week_label(week: &str, first: bool) -> String {
    match week.split_once('-') {
        Some((_, w)) if !first && !week.ends_with("W01") => w.to_string(),
        _ => week.to_string(),
    }
}

fn base_chart(kpi: Kpi, list: Vec<Series>, labels: Vec<String>, colours: &[&str]) -> LineChart {
    let mut chart = LineChart::new(list, labels);
    chart.width = 560.0;
    chart.height = 230.0;
    chart.margin = Margin { left: 8.0, top: 8.0, right: 16.0, bottom: 4.0 };
    chart.background_color = Color::from("#ffffff");
    chart.legend_font_color = Color::from(INK);
    chart.legend_font_size = 12.0;
    chart.x_axis_font_color = Color::from(INK);
    chart.x_axis_font_size = 11.0;
    chart.x_axis_stroke_color = Color::from(GRID);
    chart.grid_stroke_color = Color::from(GRID);
    chart.series_colors = colours.iter().map(|c| Color::from(*c)).collect();
    chart.series_stroke_width = 2.0;
    chart.series_symbol = Some(Symbol::Circle(2.5, None));
    let values: Vec<f32> =
        chart.series_list.iter().flat_map(|s| s.data.iter().copied()).filter(|v| *v != NIL_VALUE).collect();
    let (low, high) = values.iter().fold((f32::MAX, f32::MIN), |(l, h), v| (l.min(*v), h.max(*v)));
    let mut axis = YAxisConfig {
        axis_font_size: 11.0,
        axis_font_color: Color::from(INK),
        axis_stroke_color: Color::from(GRID),
        axis_split_number: 4,
        axis_formatter: Some(unit(kpi).to_string()),
        axis_width: Some(48.0),
        ..chart.y_axis_configs.first().cloned().unwrap_or_default()
    };
    if low <= high {
        // Zoom onto the data, with some room, instead of starting at 0 where
        // a five-point change is a flat line.
        let room = ((high - low) * 0.15).max(1.0);
        axis.axis_min = Some(low - room);
        axis.axis_max = Some(high + room);
    }
    chart.y_axis_configs = vec![axis];
    chart
}

fn render(chart: &LineChart) -> String {
    chart.svg().unwrap_or_else(|e| {
        tracing::warn!(error = %e, "a chart could not be drawn");
        String::new()
    })
}

/// The weekly trend of a tile, with its target as a dashed line.
pub fn trend(tile: &Tile) -> String {
    let kpi = tile.kpi;
    let values: Vec<f32> = tile.weeks.iter().map(|w| w.value.value.map_or(NIL_VALUE, |v| display(kpi, v))).collect();
    let labels = tile.weeks.iter().enumerate().map(|(i, w)| week_label(&w.week, i == 0)).collect();
    let mut list = vec![series(kpi.label(), values)];
    let mut colours = vec![BRAND];
    if let Some(target) = tile.target {
        let mut line = series("Target", vec![display(kpi, target); tile.weeks.len()]);
        line.stroke_dash_array = Some("6,4".to_string());
        list.push(line);
        colours.push(TARGET);
    }
    render(&base_chart(kpi, list, labels, &colours))
}

/// The control chart of a tile: weekly values, centre line, control limits,
/// and the weeks a rule flagged, marked in red.
pub fn control(tile: &Tile) -> String {
    let kpi = tile.kpi;
    let Some(centre) = tile.control.centre else {
        return String::new();
    };
    let value_or_nil = |v: Option<f64>| v.map_or(NIL_VALUE, |v| display(kpi, v));
    let values: Vec<f32> = tile.weeks.iter().map(|w| value_or_nil(w.value.value)).collect();
    let upper: Vec<f32> = tile.weeks.iter().map(|w| value_or_nil(w.upper)).collect();
    let lower: Vec<f32> = tile.weeks.iter().map(|w| value_or_nil(w.lower)).collect();
    let signals: Vec<f32> =
        tile.weeks.iter().map(|w| if w.signal { value_or_nil(w.value.value) } else { NIL_VALUE }).collect();
    let labels = tile.weeks.iter().enumerate().map(|(i, w)| week_label(&w.week, i == 0)).collect();
    let mut centre_line = series("Centre", vec![display(kpi, centre); tile.weeks.len()]);
    centre_line.stroke_dash_array = Some("2,3".to_string());
    let mut upper_line = series("Upper limit", upper);
    upper_line.stroke_dash_array = Some("6,4".to_string());
    let mut lower_line = series("Lower limit", lower);
    lower_line.stroke_dash_array = Some("6,4".to_string());
    let list = vec![series(kpi.label(), values), centre_line, upper_line, lower_line, series("Signal", signals)];
    render(&base_chart(kpi, list, labels, &[BRAND, CENTRE, LIMIT, LIMIT, SIGNAL]))
}
