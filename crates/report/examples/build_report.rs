//! Writes the sample case report (and, with `--invoice`, the sample invoice) to a path:
//! the cold-process figure of the benchmark is this program's wall time.
//!
//!     cargo run --release -p report --example build_report -- /tmp/report.pdf
//!     cargo run --release -p report --example build_report -- --invoice /tmp/invoice.pdf

#[path = "../tests/support/sample.rs"]
mod sample;

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let invoice = args.first().is_some_and(|a| a == "--invoice");
    if invoice {
        args.remove(0);
    }
    let Some(path) = args.first() else {
        eprintln!("usage: build_report [--invoice] OUTPUT.pdf");
        return ExitCode::from(2);
    };
    let bytes = if invoice {
        report::invoice_pdf(&sample::invoice())
    } else {
        report::case_report_pdf(&sample::report())
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("build_report: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = std::fs::write(path, &bytes) {
        eprintln!("build_report: cannot write {path}: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
