//! Placeholder: the budget benchmark is being written.
fn main() {}
