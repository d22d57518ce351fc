//! The runner of `make bench`, run as make runs it: the figures of the programs that ran go
//! into BENCHMARKS.md's table, a program that fails or prints no figure gets a "did not run"
//! row, the rest of the file stays, and the runner's exit says whether everything ran.

use std::process::Command;

const FILE: &str = "# Benchmarks\n\nintro\n\n<!-- make bench: begin -->\nNot run yet.\n<!-- make bench: end -->\n\n## Outbox (issue 7)\nolder figures\n";

const FIGURE: &str = r#"BENCH {"measure": "idle memory", "figure": "290 MiB in 3 processes", "baseline": "minimal Tauri window: 256 MiB", "ratio": 1.13, "target": "≤ 1.1× the floor", "met": false, "command": "idle-memory"}"#;

fn bench_run(commands: &[String]) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("BENCHMARKS.md");
    std::fs::write(&file, FILE).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bench-run"))
        .arg(&file)
        .args(commands)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        std::fs::read_to_string(&file).unwrap(),
    )
}

#[test]
fn the_figures_of_every_program_make_the_table() {
    let (ok, _, written) = bench_run(&[format!("echo 'Idle memory:'; echo '{FIGURE}'")]);
    assert!(ok);
    assert!(written.contains(
        "| idle memory | 290 MiB in 3 processes | minimal Tauri window: 256 MiB | 1.13× | ≤ 1.1× the floor | **no** |"
    ), "{written}");
    assert!(written
        .starts_with("# Benchmarks\n\nintro\n\n<!-- make bench: begin -->\n### `make bench`, "));
    assert!(written.ends_with("<!-- make bench: end -->\n\n## Outbox (issue 7)\nolder figures\n"));
    assert!(!written.contains("Not run yet."));
}

#[test]
fn a_program_that_fails_or_says_nothing_did_not_run_and_the_run_fails() {
    let (ok, stdout, written) = bench_run(&[
        "exit 3".into(),
        format!("echo '{FIGURE}'"),
        "echo 'no figure here'".into(),
    ]);
    assert!(!ok, "the run must fail when a program did not run");
    assert!(
        written.contains("| `exit 3` | did not run (exit status: 3) | — | — | — | — |"),
        "{written}"
    );
    assert!(
        written.contains("| idle memory | 290 MiB in 3 processes |"),
        "{written}"
    );
    assert!(
        written.contains("| `echo 'no figure here'` | did not run (it printed no BENCH line) |"),
        "{written}"
    );
    assert!(stdout.contains("did not run: exit 3"), "{stdout}");
}
