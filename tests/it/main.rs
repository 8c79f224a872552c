//! The integration tests: one test crate, so that they compile and link
//! once. Each module is one area (the command line, the store, the
//! interface, conformance with the reference tools, …); the helpers they
//! share are `common`, `tui_support`, `e2e_support` and `shared`.

mod cli_support;
mod common;
mod e2e_support;
mod papers;
mod publish;
mod shared;
mod tui_support;
mod workbooks;

mod bundle;
mod choice_files;
mod cli;
mod cli_audit;
mod cli_data;
mod cli_export;
mod cli_import;
mod cli_import_big;
mod cli_xlsform;
mod conformance;
mod dates;
mod e2e;
mod e2e_papers;
mod e2e_transcribe;
mod e2e_xlsform;
mod encrypted;
mod export;
mod import;
mod labels;
mod last_saved;
mod media;
mod realworld;
mod regressions;
mod schema;
mod send;
mod store;
mod store_health;
mod store_previous;
mod store_schema;
mod store_support;
mod stub_central;
mod tables;
mod tui_catalogue;
mod tui_lane;
mod tui_props;
mod tui_repeats;
mod tui_screens;
mod tui_send;
mod tui_start;
mod tui_state;
mod tui_text;
mod tui_transcribe;
mod verify;
mod xlsform_fuzz;
mod xml_oracle;
mod xml_oracle_fill;
