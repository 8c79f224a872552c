//! The `rileva` binary: everything lives in the library (`rileva::cli`).

/// mimalloc: the engine and the JSON writer allocate many small strings,
/// and glibc's allocator took a third of an export's time (with its locks
/// when responses are rendered on every core).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    rileva::cli::main()
}
