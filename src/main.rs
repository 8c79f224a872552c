//! The `rileva` binary: everything lives in the library (`rileva::cli`).

fn main() -> std::process::ExitCode {
    rileva::cli::main()
}
