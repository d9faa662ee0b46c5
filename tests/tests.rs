//! Integration tests, compiled as one binary: the engine's quality floors and bad input, one
//! test per regression question, the command line, and the Telegram bot against a fake Bot
//! API.

mod articles;
mod cli;
mod common;
mod conversation;
mod deep_link;
mod delivery;
mod engine;
mod faq;
mod flood;
mod inline;
mod languages;
mod layers;
mod polling;
mod regression;
mod replicas;
mod support;
mod telegram;
mod webhook;
