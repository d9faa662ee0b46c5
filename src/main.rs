//! The `article-qa` binary: parses the command line and runs the mode it names
//! ([`article_qa::app::run`]). Errors end in one line on standard error and exit code 2.

use std::process::ExitCode;

use clap::Parser as _;

use article_qa::app::{self, cli::Cli};

fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => app::run(cli),
        Err(error) => app::cli::exit_on(&error),
    }
}
