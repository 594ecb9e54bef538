//! sealfarm-proofs: argv dispatch only; each algorithm lives in its own module.

// Modules live in lib.rs; main.rs only dispatches argv.
fn usage() -> &'static str {
    "usage: sealfarm-proofs <command> [args]\n\ncommands:\n  --version    print the version\n"
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--version") => println!("sealfarm-proofs {}", env!("CARGO_PKG_VERSION")),
        Some("--help") | None => print!("{}", usage()),
        Some(other) => {
            eprintln!("sealfarm-proofs: unknown command {other:?}\n{}", usage());
            std::process::exit(2);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn usage_names_version() {
        assert!(super::usage().contains("--version"));
    }
}
