//! Command-line parsing (clap) and dispatch. Each subcommand has its own module with an `Args`
//! struct and a `run` function; nothing in the library depends on clap.

mod demo;
mod extract_osm;
mod fences;
mod footfall;
mod report;
mod synth;
mod validate;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit code for an internal failure.
pub const EXIT_INTERNAL: u8 = 1;
/// Exit code for bad input (unreadable file, invalid study, rejects under `--strict`).
pub const EXIT_BAD_INPUT: u8 = 2;

#[derive(Parser, Debug)]
#[command(name = "catchment", version, about = "Bank-branch catchment analysis")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Read every input of a study and report counts, rejects and extents.
    Validate(validate::Args),
    /// Run the bundled Monaco demo study (synthetic pings on real OpenStreetMap data).
    Demo(demo::Args),
    /// Build every branch's fences and write them as GeoJSON (EPSG:4326, RFC 7946).
    Fences(fences::Args),
    /// Join pings to H3 cells and fences: heat grid, fence footfall, hourly table (staffing).
    Footfall(footfall::Args),
    /// Extract branches, POIs and admin areas from an OpenStreetMap .osm.pbf extract.
    ExtractOsm(extract_osm::Args),
    /// Generate synthetic pings, devices and campaigns on any city's OSM extract (deterministic).
    Synth(synth::Args),
}

/// A failure with the exit code it deserves.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub error: anyhow::Error,
}

impl Failure {
    /// Bad input: something the user can fix in the study or its files.
    pub fn input(error: impl Into<anyhow::Error>) -> Self {
        Self {
            code: EXIT_BAD_INPUT,
            error: error.into(),
        }
    }
}

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(e: E) -> Self {
        let error = e.into();
        let code = if error
            .downcast_ref::<catchment::study::StudyError>()
            .is_some()
            || error
                .downcast_ref::<catchment::input::InputError>()
                .is_some()
        {
            EXIT_BAD_INPUT
        } else {
            EXIT_INTERNAL
        };
        Self { code, error }
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate(args) => validate::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Fences(args) => fences::run(args),
        Command::Footfall(args) => footfall::run(args),
        Command::Synth(args) => return synth::run(args),
        Command::ExtractOsm(args) => extract_osm::run(args).map_err(|error| Failure {
            code: extract_osm::exit_code(&error),
            error,
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if is_broken_pipe(&f.error) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {:#}", f.error);
            ExitCode::from(f.code)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
