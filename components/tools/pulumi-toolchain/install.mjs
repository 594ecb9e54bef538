// `npm run pulumi:install`: builds the Pulumi toolchain from source into .tools/bin/ (git-ignored), with the Go
// module proxy as the only source. Nothing prebuilt is downloaded.
//
//   pulumi                          the CLI, github.com/pulumi/pulumi/pkg/v3/cmd/pulumi at the version of
//                                   @pulumi/pulumi in package-lock.json (the one pin)
//   pulumi-language-nodejs          the Node.js language host, same version string; built from
//                                   ./language-host/main.go (our own: see there why)
//   pulumi-resource-pulumi-nodejs   the dynamic-provider launcher, copied from the installed @pulumi/pulumi
//   pulumi-resource-command         only if package-lock.json has @pulumi/command (sealfarm no longer does)
//
// How the CLI is built: pkg/v3's go.mod replaces its sdk module with a relative path, so `go install pkg@version`
// is refused. We build it from a throwaway main module of ours (.tools/build/cli) that requires pkg/v3 and sdk/v3 at
// the pinned version: `go build <main package of a required module>` ignores that module's replace directives, and
// because pkg/v3 pins the same versions upstream does, the build list is upstream's. The language host gets its own
// main module (.tools/build/language-host) so that its build list is only what it imports.
//
// Idempotent: .tools/stamp.json records what was built from what; when it matches and every binary is there, the
// run only prints paths and versions. GOTOOLCHAIN=local (this machine's Go) and CGO_ENABLED=0 throughout.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const tools = join(root, ".tools");
const bin = join(tools, "bin");
const build = join(tools, "build");
const stampPath = join(tools, "stamp.json");
const env = { ...process.env, GOTOOLCHAIN: "local", CGO_ENABLED: "0", GOFLAGS: "-mod=mod -buildvcs=false" };
const started = Date.now();

function fail(msg) {
  console.error(`pulumi:install: ${msg}`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { env, encoding: "utf8", stdio: opts.capture ? "pipe" : "inherit", ...opts });
  if (res.error) fail(`${cmd} ${args.join(" ")}: ${res.error.message}`);
  if (res.status !== 0)
    fail(
      `${cmd} ${args.join(" ")} (in ${opts.cwd ?? root}) exited ${res.status}${opts.capture ? `:\n${res.stderr}` : ""}`,
    );
  return res.stdout ?? "";
}

/** The version of node_modules/<name> recorded in package-lock.json, or undefined when it is not a dependency. */
function lockedVersion(lock, name) {
  const v = lock.packages?.[`node_modules/${name}`]?.version;
  if (v !== undefined && !/^\d+\.\d+\.\d+$/.test(v))
    fail(`package-lock.json: packages["node_modules/${name}"].version is ${JSON.stringify(v)}, expected x.y.z`);
  return v;
}

function mainModule(dir, name, requires, replaces = []) {
  rmSync(join(dir, "go.mod"), { force: true });
  rmSync(join(dir, "go.sum"), { force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "go.mod"), `module ${name}\n\ngo 1.25.11\n`);
  run("go", ["mod", "edit", ...requires.map((r) => `-require=${r}`), ...replaces.map((r) => `-replace=${r}`)], {
    cwd: dir,
  });
}

function timed(label, fn) {
  const t = Date.now();
  fn();
  console.log(`pulumi:install: ${label} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

const lockPath = join(root, "package-lock.json");
let lock;
try {
  lock = JSON.parse(readFileSync(lockPath, "utf8"));
} catch (err) {
  fail(`cannot read ${lockPath}: ${err.message}`);
}
const pulumiVersion = lockedVersion(lock, "@pulumi/pulumi");
if (!pulumiVersion) fail(`package-lock.json has no node_modules/@pulumi/pulumi: run npm install first`);
const commandVersion = lockedVersion(lock, "@pulumi/command");
const goVersion = spawnSync("go", ["env", "GOVERSION"], { env, encoding: "utf8" });
if (goVersion.error || goVersion.status !== 0)
  fail("`go` was not found on PATH: install Go 1.25.11 or newer (this kind of machine has it in /usr/local/go/bin)");
const hostSource = readFileSync(join(here, "language-host", "main.go"));
const launcherSource = join(root, "node_modules", "@pulumi", "pulumi", "pulumi-resource-pulumi-nodejs");
if (!existsSync(launcherSource)) fail(`${launcherSource} is missing: run npm install first`);

const V = `v${pulumiVersion}`;
const want = {
  pulumi: V,
  command: commandVersion ? `v${commandVersion}` : null,
  go: goVersion.stdout.trim(),
  languageHost: createHash("sha256").update(hostSource).digest("hex"),
  launcher: createHash("sha256").update(readFileSync(launcherSource)).digest("hex"),
};
const binaries = ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"];
if (want.command) binaries.push("pulumi-resource-command");
const have = existsSync(stampPath) ? JSON.parse(readFileSync(stampPath, "utf8")) : undefined;
const upToDate =
  have && JSON.stringify(have) === JSON.stringify(want) && binaries.every((b) => existsSync(join(bin, b)));

if (!upToDate) {
  rmSync(stampPath, { force: true });
  mkdirSync(bin, { recursive: true });
  const versionFlag = `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${V}`;
  const cli = join(build, "cli");
  // pkg/v3 replaces atotto/clipboard with a fork; a replace in a dependency is never applied, so ours repeats it.
  mainModule(
    cli,
    "sealfarm.local/pulumi-cli",
    [`github.com/pulumi/pulumi/pkg/v3@${V}`, `github.com/pulumi/pulumi/sdk/v3@${V}`],
    ["github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e"],
  );
  timed(`downloaded the modules of pulumi ${V}`, () => run("go", ["mod", "download", "all"], { cwd: cli }));
  timed(`built pulumi ${V}`, () =>
    run(
      "go",
      [
        "build",
        "-trimpath",
        "-tags",
        "osusergo,grpcnotrace",
        "-ldflags",
        `-s -w ${versionFlag}`,
        "-o",
        join(bin, "pulumi"),
        "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
      ],
      { cwd: cli },
    ),
  );

  const lh = join(build, "language-host");
  mainModule(lh, "sealfarm.local/pulumi-language-nodejs", [`github.com/pulumi/pulumi/sdk/v3@${V}`]);
  writeFileSync(join(lh, "main.go"), hostSource);
  timed(`built pulumi-language-nodejs ${V}`, () => {
    run("go", ["mod", "tidy"], { cwd: lh });
    run(
      "go",
      ["build", "-trimpath", "-ldflags", `-s -w ${versionFlag}`, "-o", join(bin, "pulumi-language-nodejs"), "."],
      {
        cwd: lh,
      },
    );
  });

  copyFileSync(launcherSource, join(bin, "pulumi-resource-pulumi-nodejs"));
  chmodSync(join(bin, "pulumi-resource-pulumi-nodejs"), 0o755);

  if (want.command) {
    // The provider module has no tags of its own: its version is the pseudo-version of the commit of the repository
    // tag, which the proxy names in the root module's Origin.
    const cmdDir = join(build, "command");
    mainModule(cmdDir, "sealfarm.local/pulumi-command", []);
    const rootInfo = JSON.parse(
      run("go", ["mod", "download", "-json", `github.com/pulumi/pulumi-command@${want.command}`], {
        cwd: cmdDir,
        capture: true,
      }),
    );
    const commit = rootInfo.Origin?.Hash;
    if (!commit) fail(`the Go module proxy named no commit for github.com/pulumi/pulumi-command@${want.command}`);
    const probe = spawnSync(
      "go",
      ["mod", "download", "-json", `github.com/pulumi/pulumi-command/provider@${commit.slice(0, 12)}`],
      { cwd: cmdDir, env, encoding: "utf8" },
    );
    const info = JSON.parse(probe.stdout || "{}");
    if (info.Error)
      fail(
        `cannot build pulumi-resource-command ${want.command}: ${info.Error}\n` +
          "The Go module proxy reached from here does not serve the provider module; sealfarm's own program does not need it.",
      );
    run("go", ["mod", "edit", `-require=github.com/pulumi/pulumi-command/provider@${info.Version}`], { cwd: cmdDir });
    timed(`built pulumi-resource-command ${want.command}`, () => {
      run("go", ["mod", "download", "all"], { cwd: cmdDir });
      run(
        "go",
        [
          "build",
          "-trimpath",
          "-ldflags",
          `-s -w -X github.com/pulumi/pulumi-command/provider/pkg/version.Version=${want.command}`,
          "-o",
          join(bin, "pulumi-resource-command"),
          "github.com/pulumi/pulumi-command/provider/cmd/pulumi-resource-command",
        ],
        { cwd: cmdDir },
      );
    });
  }
  writeFileSync(stampPath, `${JSON.stringify(want, null, 2)}\n`);
}

const printed = run(join(bin, "pulumi"), ["version"], {
  capture: true,
  env: { ...env, PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_HOME: join(tools, "pulumi-home") },
}).trim();
if (printed !== V) fail(`${join(bin, "pulumi")} version printed ${JSON.stringify(printed)}, expected ${V}`);
console.log(`pulumi:install: ${upToDate ? "up to date" : "built"} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`  ${join(bin, "pulumi")}  ${printed}`);
console.log(`  ${join(bin, "pulumi-language-nodejs")}  ${V} (sealfarm's host, components/tools/pulumi-toolchain)`);
console.log(`  ${join(bin, "pulumi-resource-pulumi-nodejs")}  launcher of @pulumi/pulumi ${pulumiVersion}`);
if (want.command) console.log(`  ${join(bin, "pulumi-resource-command")}  ${want.command}`);
else console.log("  pulumi-resource-command: not needed (no @pulumi/command in package-lock.json)");
console.log(`Add it to PATH: export PATH="${bin}:$PATH"`);
