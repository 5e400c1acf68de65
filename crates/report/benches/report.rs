//! How long a report takes, on this machine (a benchmark, not a test):
//!
//! - warm: the three-opinion, five-page sample report and the invoice, built again and
//!   again in one process (fonts parsed and shaping plans made once, as in the app);
//! - cold: a fresh process that builds the report once and writes it to a file, started
//!   `SO_BENCH_COLD_RUNS` times (default 20): what the first report after a start costs.
//!
//!     cargo bench -p report --bench report            (release build; under a minute)
//!
//! Aim: ≤ 10 ms warm, ≤ 100 ms cold.

#[path = "../tests/support/sample.rs"]
mod sample;

use std::process::Command;
use std::time::{Duration, Instant};

use criterion::Criterion;

/// Set in the child process: build one report into this path and exit.
const COLD_CHILD: &str = "SO_BENCH_REPORT_COLD_CHILD";

fn warm(c: &mut Criterion) {
    let report = sample::report();
    let invoice = sample::invoice();
    let bytes = report::case_report_pdf(&report).expect("the report builds");
    println!("case report: {} bytes", bytes.len());
    println!(
        "invoice: {} bytes",
        report::invoice_pdf(&invoice)
            .expect("the invoice builds")
            .len()
    );
    c.bench_function("case report, 3 opinions, 5 pages (warm)", |b| {
        b.iter(|| report::case_report_pdf(std::hint::black_box(&report)).expect("builds"))
    });
    c.bench_function("invoice (warm)", |b| {
        b.iter(|| report::invoice_pdf(std::hint::black_box(&invoice)).expect("builds"))
    });
}

/// This thread's time on a CPU so far (Linux), in ms: on a loaded machine wall time
/// mostly measures the other processes, so the figures are printed both ways.
fn on_cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(nanos / 1e6)
}

/// CPU time (user + system) of this process's finished children (Linux), in ms.
fn children_cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // cutime and cstime are fields 16 and 17 of stat(5); `fields[0]` is field 3.
    let ticks: f64 = fields.get(13)?.parse::<f64>().ok()? + fields.get(14)?.parse::<f64>().ok()?;
    Some(ticks * 10.0) // USER_HZ is 100 on Linux
}

/// Wall and on-CPU time of `runs` warm builds, as plain numbers next to criterion's.
fn warm_cpu(runs: u32) {
    let report = sample::report();
    let Some(cpu_start) = on_cpu_ms() else {
        return;
    };
    let start = Instant::now();
    for _ in 0..runs {
        report::case_report_pdf(std::hint::black_box(&report)).expect("builds");
    }
    let wall = start.elapsed().as_secs_f64() * 1000.0 / f64::from(runs);
    let cpu = (on_cpu_ms().unwrap_or(cpu_start) - cpu_start) / f64::from(runs);
    println!("case report warm ({runs} runs): {wall:.1} ms wall, {cpu:.1} ms on-CPU per report");
}

/// Starts this same program as a child that builds one report, `runs` times, and prints
/// the wall time of each start (process creation to exit).
fn cold(runs: usize) {
    let exe = std::env::current_exe().expect("the bench knows its own path");
    let out = std::env::temp_dir().join("so-bench-report-cold.pdf");
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    let cpu_start = children_cpu_ms();
    for _ in 0..runs {
        let start = Instant::now();
        let status = Command::new(&exe)
            .env(COLD_CHILD, &out)
            .status()
            .expect("start the child");
        times.push(start.elapsed());
        assert!(status.success(), "the cold child failed");
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = times.iter().map(|d| ms(*d)).sum::<f64>() / times.len() as f64;
    println!(
        "case report from a cold process ({runs} runs): min {:.1} ms, median {:.1} ms, \
         mean {mean:.1} ms, max {:.1} ms",
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    );
    if let (Some(before), Some(after)) = (cpu_start, children_cpu_ms()) {
        println!(
            "case report from a cold process: {:.1} ms CPU (user + system) per run",
            (after - before) / runs as f64
        );
    }
    let _ = std::fs::remove_file(out);
}

fn main() {
    if let Some(path) = std::env::var_os(COLD_CHILD) {
        let bytes = report::case_report_pdf(&sample::report()).expect("the report builds");
        std::fs::write(path, bytes).expect("write the report");
        return;
    }
    let mut criterion = Criterion::default().configure_from_args();
    warm(&mut criterion);
    criterion.final_summary();
    warm_cpu(100);
    let runs = std::env::var("SO_BENCH_COLD_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    cold(runs);
}
