// The manager under test of one suite: a fresh database (dialects.ts), an in-process manager on it and a
// VenusClient to it, made in a `before` hook, and an `after` hook that closes the client, then the manager, then
// drops the database. Each manager integration test used to write that block out itself (three variables, both
// hooks, the order of closing): over a dozen copies, which the duplicates tool listed in pairs and which a change
// to how a test manager starts or stops had to visit one by one.
//
// A suite calls `managerUnderTest` once while it is declared and reads what the hook made through the accessors,
// from its own hooks and tests (an accessor read before the hook ran throws, saying so). node:test runs a suite's
// hooks in the order they were registered, `after` hooks too: a suite's own `before` registered after the call
// runs once the manager is up, and an `after` that needs the manager still up is registered before the call.
//
// Two ways to configure the manager: `toml`, overrides of testConfig's fast devnet (the usual one), or
// `managerToml`, a whole manager.toml written to the home that the manager loads from there as `sealfarm manager
// run` does (tests of what an operator's file turns on: auth, TLS, limits). Tests that run the manager as a child
// process (shutdown, sigkill) start and kill it inside the test and do not use this.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before } from "node:test";
import { type RunningManager, type StartOptions, startManager } from "../../../agent/manager/manager.js";
import { createVenusClient, type VenusClient } from "../../../agent/shared/rpc/venus-client.js";
import { type Dialect, freshDatabase, type TestDatabase, testConfig } from "./dialects.js";

export interface ManagerUnderTestOptions {
  /** Overrides of testConfig's manager.toml (top-level keys replace its defaults). Not with `managerToml`. */
  toml?: Record<string, unknown>;
  /** The whole manager.toml instead of testConfig: written to the home, and the manager loads it from there. */
  managerToml?: (tdb: TestDatabase) => string;
  /** Runs once the database (and the `managerToml` file) exist, before the manager starts. */
  beforeStart?: (tdb: TestDatabase) => Promise<void> | void;
  /** false: no VenusClient (a manager that wants tokens: the test makes its clients). Default true. */
  client?: boolean;
  /** Asked first: when it answers false, nothing is made (a precondition the suite's tests assert themselves). */
  startIf?: () => Promise<boolean> | boolean;
}

/**
 * For `managerToml`: the smallest manager.toml of a manager that trusts no address (every request needs a token),
 * with 100 ms blocks, then `extra` (more TOML sections).
 */
export function tokensRequiredToml(extra = ""): (tdb: TestDatabase) => string {
  return (tdb) =>
    `listen = "127.0.0.1:0"\n[db]\nurl = "${tdb.url}"\n[auth]\ntrusted = []\n[chain]\nblock_time = "100ms"\n${extra}`;
}

/** What one start made. */
export interface StartedManager {
  readonly tdb: TestDatabase;
  readonly manager: RunningManager;
  /** Throws when started with `client: false`. */
  readonly client: VenusClient;
  /** Closes the client and the manager, then drops the database. */
  close(): Promise<void>;
}

/** Lazy accessors: each throws, saying why, until the suite's `before` hook has made what it returns. */
export interface ManagerUnderTest {
  tdb(): TestDatabase;
  manager(): RunningManager;
  client(): VenusClient;
  /** Closes the client and the manager and starts them again on the same database and configuration. */
  restart(): Promise<void>;
}

type Phase = "declared" | "skipped" | "started" | "closed";

class Run {
  phase: Phase = "declared";
  private db: TestDatabase | undefined;
  private running: RunningManager | undefined;
  private venus: VenusClient | undefined;
  private startOptions: StartOptions | undefined;

  constructor(
    private readonly dialect: Dialect,
    private readonly options: ManagerUnderTestOptions,
  ) {
    if (options.toml !== undefined && options.managerToml !== undefined)
      throw new Error(
        "managerUnderTest: `toml` (testConfig overrides) and `managerToml` (a whole file) exclude each other",
      );
  }

  async start(): Promise<void> {
    this.phase = "started";
    const tdb = await freshDatabase(this.dialect);
    this.db = tdb;
    const { managerToml, toml, beforeStart } = this.options;
    if (managerToml !== undefined) writeFileSync(join(tdb.home, "manager.toml"), managerToml(tdb));
    await beforeStart?.(tdb);
    this.startOptions =
      managerToml !== undefined ? { home: tdb.home } : { config: testConfig(tdb.home, tdb.url, toml) };
    await this.open();
  }

  private async open(): Promise<void> {
    if (this.startOptions === undefined) throw new Error("managerUnderTest: restart before the first start");
    this.running = await startManager(this.startOptions);
    if (this.options.client !== false) this.venus = createVenusClient({ url: this.running.url });
  }

  private async shut(): Promise<void> {
    this.venus?.close();
    this.venus = undefined;
    const m = this.running;
    this.running = undefined;
    await m?.close();
  }

  async restart(): Promise<void> {
    await this.shut();
    await this.open();
  }

  async close(): Promise<void> {
    if (this.phase === "started") this.phase = "closed";
    try {
      await this.shut();
    } finally {
      await this.db?.drop();
    }
  }

  tdb(): TestDatabase {
    return this.db ?? this.missing("the test database");
  }

  manager(): RunningManager {
    return this.running ?? this.missing("the manager");
  }

  client(): VenusClient {
    if (this.options.client === false)
      throw new Error("managerUnderTest: this suite made no client (client: false); make one with createVenusClient");
    return this.venus ?? this.missing("the client");
  }

  private missing(what: string): never {
    switch (this.phase) {
      case "declared":
        throw new Error(
          `managerUnderTest: ${what} is used before the suite's before hook made it: read it inside a hook or a test, not while the suite is declared`,
        );
      case "skipped":
        throw new Error(`managerUnderTest: ${what} was not made: the suite's startIf answered false`);
      case "started":
        throw new Error(`managerUnderTest: ${what} is not there: its start (or a restart) failed`);
      case "closed":
        throw new Error(`managerUnderTest: ${what} is gone: the suite's after hook closed it`);
    }
  }
}

/** Starts one outside any hook (inside a test); the caller closes it. */
export async function startManagerUnderTest(
  dialect: Dialect,
  options: Omit<ManagerUnderTestOptions, "startIf"> = {},
): Promise<StartedManager> {
  const run = new Run(dialect, options);
  try {
    await run.start();
  } catch (error) {
    await run.close().catch(() => undefined);
    throw error;
  }
  return {
    get tdb() {
      return run.tdb();
    },
    get manager() {
      return run.manager();
    },
    get client() {
      return run.client();
    },
    close: () => run.close(),
  };
}

/**
 * Registers, on the suite being declared (or the file, at the top level), a `before` hook that makes a fresh
 * `dialect` database, starts a manager on it and a client to it, and an `after` hook that closes the client and
 * the manager and drops the database.
 */
export function managerUnderTest(dialect: Dialect, options: ManagerUnderTestOptions = {}): ManagerUnderTest {
  const run = new Run(dialect, options);
  before(async () => {
    if (options.startIf !== undefined && !(await options.startIf())) {
      run.phase = "skipped";
      return;
    }
    await run.start();
  });
  after(() => run.close());
  return {
    tdb: () => run.tdb(),
    manager: () => run.manager(),
    client: () => run.client(),
    restart: () => run.restart(),
  };
}
