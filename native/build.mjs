// Builds native/ (the sealfarm-proofs binary) in release mode. Run by `npm install` (postinstall) and `npm run build:native`.
// It first fetches the crates that Cargo.lock pins (serde, serde_json, …) from the registry, so that the build here and
// the test step's `cargo test --offline` (test/run.mjs) run without the network afterwards.
import { spawnSync } from "node:child_process";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const manifest = `${dirname(fileURLToPath(import.meta.url))}/Cargo.toml`;
const probe = spawnSync("cargo", ["--version"], { encoding: "utf8" });
if (probe.error || probe.status !== 0) {
  console.error(
    "sealfarm: cannot build native/sealfarm-proofs: `cargo` was not found on PATH.\n" +
      "Install a Rust toolchain (https://rustup.rs, or Debian's `cargo` package) and run `npm run build:native`.",
  );
  process.exit(1);
}
const cargo = (args) => spawnSync("cargo", [...args, "--locked", "--manifest-path", manifest], { stdio: "inherit" });
// Without the network the fetch fails; the build below still succeeds when the crates are already downloaded.
const fetch = cargo(["fetch"]);
const build = cargo(["build", "--release", "--offline"]);
if (build.status !== 0 && fetch.status !== 0) {
  console.error(
    "sealfarm: `cargo fetch` could not download the crates native/Cargo.lock pins (is crates.io reachable?), " +
      "and they are not in the local cargo cache.",
  );
}
process.exit(build.status ?? 1);
