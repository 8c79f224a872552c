//! rileva: offline questionnaire entry for the terminal.
//!
//! The layers, from the bottom up: `expr` (the XLSForm expression language),
//! `form` (the questionnaire model and its loaders), `engine` (a response being
//! filled), `store` (SQLite), `export` (JSON and OpenRosa XML writers),
//! `import` (responses keyed elsewhere, through the engine), `publish` (the
//! catalogue of practices, its site and its cards), `tui` (the
//! terminal interface) and `cli` (the command line). Each layer only knows the
//! ones below it.

pub mod app;
pub mod cli;
pub mod engine;
pub mod export;
pub mod expr;
pub mod form;
pub mod import;
pub mod lang;
pub mod markup;
pub mod publish;
pub mod store;
pub mod temporal;
#[cfg(test)]
mod test_shared;
pub mod text;
pub mod timefmt;
pub mod tui;
