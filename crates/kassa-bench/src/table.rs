//! The table `make bench` writes into BENCHMARKS.md, between its two markers; the rest of the
//! file stays as it is.

use crate::report::Figure;

pub const BEGIN: &str = "<!-- make bench: begin -->";
pub const END: &str = "<!-- make bench: end -->";

/// One run of the suite.
pub struct Run {
    /// When it started, e.g. `2026-11-30 07:40 UTC`.
    pub date: String,
    /// `/proc/loadavg`'s three averages before the first program ran.
    pub load_before: String,
    /// Every program's figures, in the order they ran.
    pub figures: Vec<Figure>,
}

/// The row of a program that failed or printed no figure.
pub fn did_not_run(command: &str, why: &str) -> Figure {
    Figure {
        measure: format!("`{command}`"),
        figure: format!("did not run ({why})"),
        baseline: "—".into(),
        ratio: None,
        target: "—".into(),
        met: None,
        command: command.into(),
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

pub fn render(run: &Run) -> String {
    let mut out = format!(
        "{BEGIN}\n### `make bench`, {}\n\nLoad average (1, 5, 15 min) before the first program: {}.\n\n\
         | measure | figure | baseline (same run) | ratio | target | met |\n|---|---|---|---|---|---|\n",
        run.date, run.load_before
    );
    for f in &run.figures {
        let ratio = f.ratio.map_or("—".into(), |r| format!("{r}×"));
        let met = match f.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "—",
        };
        out.push_str(&format!(
            "| {} | {} | {} | {ratio} | {} | {met} |\n",
            cell(&f.measure),
            cell(&f.figure),
            cell(&f.baseline),
            cell(&f.target)
        ));
    }
    out.push_str("\nThe programs, in the order they ran:\n\n");
    let mut commands: Vec<&str> = run.figures.iter().map(|f| f.command.as_str()).collect();
    commands.dedup();
    for c in commands {
        out.push_str(&format!("- `{c}`\n"));
    }
    out.push_str(END);
    out
}

/// `markdown` with what lies between the markers (and they themselves) replaced by `section`.
pub fn rewrite(markdown: &str, section: &str) -> Result<String, String> {
    let missing = || format!("BENCHMARKS.md has no `{BEGIN}` … `{END}` section");
    let start = markdown.find(BEGIN).ok_or_else(missing)?;
    let end = markdown[start..].find(END).ok_or_else(missing)? + start + END.len();
    Ok(format!(
        "{}{section}{}",
        &markdown[..start],
        &markdown[end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run() -> Run {
        Run {
            date: "2026-11-30 07:40 UTC".into(),
            load_before: "0.31 0.52 0.80".into(),
            figures: vec![
                Figure {
                    measure: "cold start, empty database".into(),
                    figure: "812 ms median".into(),
                    baseline: "minimal Tauri window: 790 ms".into(),
                    ratio: Some(1.03),
                    target: "≤ 1.1× the floor".into(),
                    met: Some(true),
                    command: "target/bench/release/cold-start".into(),
                },
                did_not_run("cargo bench --bench scan_window", "exit status: 101"),
            ],
        }
    }

    #[test]
    fn the_table_replaces_only_what_lies_between_the_markers() {
        let before =
            format!("# Benchmarks\n\nintro\n\n{BEGIN}\nold table\n{END}\n\n## Outbox\nkept\n");
        let after = rewrite(&before, &render(&run())).unwrap();
        assert!(after.starts_with("# Benchmarks\n\nintro\n\n<!-- make bench: begin -->\n"));
        assert!(after.ends_with("<!-- make bench: end -->\n\n## Outbox\nkept\n"));
        assert!(!after.contains("old table"));
        assert!(after.contains(
            "| cold start, empty database | 812 ms median | minimal Tauri window: 790 ms | 1.03× | ≤ 1.1× the floor | yes |"
        ));
        assert!(after.contains(
            "| `cargo bench --bench scan_window` | did not run (exit status: 101) | — | — | — | — |"
        ));
        assert!(after.contains("before the first program: 0.31 0.52 0.80."));
        assert!(after.contains("- `target/bench/release/cold-start`\n"));
    }

    #[test]
    fn a_file_without_the_markers_is_refused() {
        assert!(rewrite("# Benchmarks\n", "table").is_err());
    }
}
