//! Integration tests, compiled as one binary: the engine's quality floors and regressions,
//! bad input, and the command line.

mod cli;
mod common;
mod engine;
