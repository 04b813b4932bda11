//! The `trailsmith` binary; everything lives in the library's `cli` module.

// mimalloc instead of glibc's malloc: compiling a spec is mostly small allocations freed soon
// after, which glibc serves with several times the instructions and, across threads, extra
// arenas and `mprotect` calls (scripts/bench/BENCHMARKS.md, issue 20).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    trailsmith::cli::main()
}
