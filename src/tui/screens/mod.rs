//! Per-screen state: the question screen and the list screens.

pub mod catalogue;
pub mod lists;
pub mod question;
pub mod reconcile;
pub mod start;
