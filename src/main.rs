//! The `trailsmith` binary; everything lives in the library's `cli` module.

fn main() -> std::process::ExitCode {
    trailsmith::cli::main()
}
