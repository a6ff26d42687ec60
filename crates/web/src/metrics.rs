//! Request metrics in Prometheus text format, labelled by route template (never
//! by raw path, which could carry personal data).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Debug, Default)]
struct Series {
    count: u64,
    sum_seconds: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Counters and latency histograms per (method, route, status class).
#[derive(Debug, Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    /// Records one finished request.
    pub fn observe(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let Ok(mut series) = self.series.lock() else {
            return;
        };
        let entry = series.entry((method.to_string(), route.to_string(), status)).or_default();
        entry.count += 1;
        entry.sum_seconds += seconds;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                entry.buckets[i] += 1;
            }
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP crewdeck_http_requests_total HTTP requests answered, by method, route and status.\n");
        out.push_str("# TYPE crewdeck_http_requests_total counter\n");
        let Ok(series) = self.series.lock() else {
            return out;
        };
        for ((method, route, status), s) in series.iter() {
            let _ = writeln!(
                out,
                "crewdeck_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {}",
                escape(route),
                s.count
            );
        }
        out.push_str("# HELP crewdeck_http_request_duration_seconds Time to answer HTTP requests.\n");
        out.push_str("# TYPE crewdeck_http_request_duration_seconds histogram\n");
        let mut merged: BTreeMap<(String, String), Series> = BTreeMap::new();
        for ((method, route, _), s) in series.iter() {
            let m = merged.entry((method.clone(), route.clone())).or_default();
            m.count += s.count;
            m.sum_seconds += s.sum_seconds;
            for i in 0..BUCKETS.len() {
                m.buckets[i] += s.buckets[i];
            }
        }
        for ((method, route), s) in merged {
            let labels = format!("method=\"{method}\",route=\"{}\"", escape(&route));
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "crewdeck_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {}",
                    s.buckets[i]
                );
            }
            let _ = writeln!(out, "crewdeck_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", s.count);
            let _ = writeln!(out, "crewdeck_http_request_duration_seconds_sum{{{labels}}} {}", s.sum_seconds);
            let _ = writeln!(out, "crewdeck_http_request_duration_seconds_count{{{labels}}} {}", s.count);
        }
        out
    }
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_and_cumulative_buckets() {
        let m = Metrics::default();
        m.observe("GET", "/people", 200, Duration::from_millis(3));
        m.observe("GET", "/people", 200, Duration::from_millis(30));
        let text = m.render();
        assert!(text.contains("crewdeck_http_requests_total{method=\"GET\",route=\"/people\",status=\"200\"} 2"));
        assert!(text.contains("le=\"0.005\"} 1"));
        assert!(text.contains("le=\"0.05\"} 2"));
        assert!(text.contains("le=\"+Inf\"} 2"));
    }
}
