// Builds native/ (the sealfarm-proofs binary) in release mode. Run by `npm install` (postinstall) and `npm run build:native`.
import { spawnSync } from "node:child_process";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const crateDir = dirname(fileURLToPath(import.meta.url));
const probe = spawnSync("cargo", ["--version"], { encoding: "utf8" });
if (probe.error || probe.status !== 0) {
  console.error(
    "sealfarm: cannot build native/sealfarm-proofs: `cargo` was not found on PATH.\n" +
      "Install a Rust toolchain (https://rustup.rs, or Debian's `cargo` package) and run `npm run build:native`.",
  );
  process.exit(1);
}
// Crates come from crates.io once (a fresh machine has an empty registry cache); the build itself and
// `cargo test --offline` in test/run.mjs then work from that cache.
const fetch = spawnSync("cargo", ["fetch", "--locked", "--manifest-path", `${crateDir}/Cargo.toml`], {
  stdio: "inherit",
});
if (fetch.status !== 0) process.exit(fetch.status ?? 1);
const build = spawnSync("cargo", ["build", "--release", "--offline", "--manifest-path", `${crateDir}/Cargo.toml`], {
  stdio: "inherit",
});
process.exit(build.status ?? 1);
