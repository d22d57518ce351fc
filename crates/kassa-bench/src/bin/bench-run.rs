//! The runner of `make bench`: runs each benchmark program given (a shell command) in turn,
//! shows its output, keeps its `BENCH` lines, and writes them as a table into BENCHMARKS.md
//! between its markers. A program that fails or prints no figure gets a "did not run" row, and
//! the runner then exits with 1 after writing the table.
//!
//! bench-run BENCHMARKS.md 'command 1' 'command 2' ...

use kassa_bench::report::Figure;
use kassa_bench::table::{self, Run};
use std::io::{BufRead, BufReader};
use std::process::{Command, ExitCode, Stdio};
use time::macros::format_description;

/// Runs `command`, echoing its stdout; its figures, or why it gave none.
fn run(command: &str) -> Result<Vec<Figure>, String> {
    println!("==> {command}");
    let mut child = Command::new("sh")
        .args(["-c", command])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start: {e}"))?;
    let mut figures = Vec::new();
    let mut unreadable = None;
    for line in BufReader::new(child.stdout.take().expect("stdout is piped")).lines() {
        let line = line.map_err(|e| format!("its output: {e}"))?;
        println!("{line}");
        match Figure::parse(&line) {
            Some(Ok(figure)) => figures.push(figure),
            Some(Err(e)) => unreadable = Some(format!("an unreadable BENCH line: {e}")),
            None => {}
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(status.to_string());
    }
    if let Some(why) = unreadable {
        return Err(why);
    }
    if figures.is_empty() {
        return Err("it printed no BENCH line".into());
    }
    Ok(figures)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((file, commands)) = args.split_first() else {
        eprintln!("usage: bench-run BENCHMARKS.md 'command' ...");
        return ExitCode::from(2);
    };
    let now = time::OffsetDateTime::now_utc();
    let date = now
        .format(format_description!(
            "[year]-[month]-[day] [hour]:[minute] UTC"
        ))
        .expect("a UTC date formats");
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load_before = load
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    let mut figures = Vec::new();
    let mut failed = Vec::new();
    for command in commands {
        match run(command) {
            Ok(mut got) => figures.append(&mut got),
            Err(why) => {
                println!("==> did not run: {command} ({why})");
                figures.push(table::did_not_run(command, &why));
                failed.push(command.as_str());
            }
        }
    }
    let section = table::render(&Run {
        date,
        load_before,
        figures,
    });
    let written = std::fs::read_to_string(file)
        .map_err(|e| e.to_string())
        .and_then(|markdown| table::rewrite(&markdown, &section))
        .and_then(|markdown| std::fs::write(file, markdown).map_err(|e| e.to_string()));
    if let Err(e) = written {
        eprintln!("cannot write the table into {file}: {e}");
        return ExitCode::FAILURE;
    }
    println!("==> the table is in {file}");
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        println!(
            "==> {} program(s) did not run: {}",
            failed.len(),
            failed.join("; ")
        );
        ExitCode::FAILURE
    }
}
