//! Command-line parsing (clap) and dispatch. Each subcommand has its own module with an `Args`
//! struct and a `run` function; nothing in the library depends on clap.

mod synth;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit code for bad input (unreadable file, invalid study, rejects under `--strict`).
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit code for an internal failure.
pub const EXIT_INTERNAL: u8 = 1;

#[derive(Parser, Debug)]
#[command(name = "catchment", version, about = "Bank-branch catchment analysis")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Generate deterministic SYNTHETIC pings, devices and campaigns from an OSM extract.
    Synth(synth::Args),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Synth(args) => synth::run(args),
    }
}
