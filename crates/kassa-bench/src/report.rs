//! What a benchmark program prints for the runner: one `BENCH {json}` line per figure.

use serde::{Deserialize, Serialize};
use std::time::Duration;

pub const PREFIX: &str = "BENCH ";

/// One figure next to its baseline measured in the same run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub measure: String,
    pub figure: String,
    pub baseline: String,
    pub ratio: Option<f64>,
    pub target: String,
    pub met: Option<bool>,
    pub command: String,
}

impl Figure {
    pub fn line(&self) -> String {
        format!(
            "{PREFIX}{}",
            serde_json::to_string(self).expect("a figure serializes")
        )
    }

    /// The figure of a `BENCH` line; `None` for any other line.
    pub fn parse(line: &str) -> Option<Result<Figure, serde_json::Error>> {
        line.strip_prefix(PREFIX).map(serde_json::from_str)
    }
}

/// The number after `name` on the command line, or `default`.
pub fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(default)
}

/// How this program was started, for the `command` of its figures.
pub fn this_command() -> String {
    std::env::args().collect::<Vec<_>>().join(" ")
}

/// The value at quantile `q` (0..=1) of `sorted`, nearest rank.
pub fn quantile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

pub fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_reads_back_from_its_line() {
        let figure = Figure {
            measure: "cold start".into(),
            figure: "812 ms".into(),
            baseline: "minimal Tauri window: 790 ms".into(),
            ratio: Some(1.03),
            target: "≤ 1.1× the floor".into(),
            met: Some(true),
            command: "cold-start".into(),
        };
        assert_eq!(Figure::parse(&figure.line()).unwrap().unwrap(), figure);
        assert!(Figure::parse("Cold start, 7 runs:").is_none());
    }

    #[test]
    fn quantiles_pick_the_nearest_rank() {
        let sorted: Vec<_> = (1..=7).map(Duration::from_millis).collect();
        assert_eq!(quantile(&sorted, 0.5), Duration::from_millis(4));
        assert_eq!(quantile(&sorted, 0.9), Duration::from_millis(6));
    }
}
