// A Kysely SQLite driver with group commit. better-sqlite3 has one connection, so Kysely serializes every
// transaction; with synchronous=FULL each COMMIT is an fsync and the manager would do one fsync per request.
// Here every unit of work (a transaction or a lone query) runs inside one shared outer transaction as a
// SAVEPOINT, and the outer transaction commits when nobody is waiting for the connection (or the batch is old
// or large). A unit's commit, and so its reply, waits for the COMMIT that contains it: nothing is acknowledged
// before it is durable, and concurrent requests share one fsync.
import type BetterSqlite3 from "better-sqlite3";
import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from "kysely";

export interface GroupCommitOptions {
  /** Commit a batch at the latest this long after it began, even under continuous load. */
  maxBatchMs: number;
  /** Commit once this many units are in the batch. */
  maxBatchUnits: number;
}

interface Batch {
  startedAt: number;
  units: number;
  done: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

class GroupCommitConnection implements DatabaseConnection {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  constructor(private readonly db: BetterSqlite3.Database) {}

  private prepare(sql: string): BetterSqlite3.Statement {
    let stmt = this.statements.get(sql);
    if (stmt === undefined) {
      stmt = this.db.prepare(sql);
      if (this.statements.size < 1000) this.statements.set(sql, stmt);
    }
    return stmt;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const stmt = this.prepare(compiled.sql);
    const params = compiled.parameters as unknown[];
    if (stmt.reader) return { rows: stmt.all(params) as R[] };
    const { changes, lastInsertRowid } = stmt.run(params);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  // biome-ignore lint/correctness/useYield: streaming is not supported; the manager never streams.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("the group-commit SQLite driver does not stream queries");
  }
}

export class GroupCommitSqliteDriver implements Driver {
  private connection: GroupCommitConnection;
  private held = false;
  private readonly waiters: (() => void)[] = [];
  private batch: Batch | undefined;
  private commitScheduled = false;
  // The control statements run for every unit: prepare them once.
  private readonly sql: Record<"begin" | "savepoint" | "release" | "rollbackTo" | "commit", BetterSqlite3.Statement>;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly options: GroupCommitOptions,
  ) {
    this.connection = new GroupCommitConnection(db);
    this.sql = {
      begin: db.prepare("BEGIN IMMEDIATE"),
      savepoint: db.prepare("SAVEPOINT unit"),
      release: db.prepare("RELEASE unit"),
      rollbackTo: db.prepare("ROLLBACK TO unit"),
      commit: db.prepare("COMMIT"),
    };
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.held) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.held = true;
    try {
      if (this.batch === undefined) {
        // Throws SQLITE_BUSY if another process holds the write lock past busy_timeout.
        this.sql.begin.run();
        let resolve = () => {};
        let reject: (e: unknown) => void = () => {};
        const done = new Promise<void>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        // Nobody may be left with an unhandled rejection when the batch has no awaiting unit.
        done.catch(() => {});
        this.batch = { startedAt: performance.now(), units: 0, done, resolve, reject };
      }
      this.sql.savepoint.run();
      this.batch.units++;
    } catch (error) {
      // Hand the connection on, or the next caller would wait forever.
      if (this.batch !== undefined && this.batch.units === 0) this.commit();
      this.held = false;
      this.waiters.shift()?.();
      throw error;
    }
    return this.connection;
  }

  // A unit is already a savepoint; a Kysely transaction inside it needs no statement of its own.
  async beginTransaction(): Promise<void> {}

  async commitTransaction(): Promise<void> {}

  async rollbackTransaction(): Promise<void> {
    this.sql.rollbackTo.run();
  }

  async releaseConnection(): Promise<void> {
    const batch = this.batch;
    if (batch === undefined) throw new Error("group commit: connection released twice");
    this.sql.release.run();
    const due =
      batch.units >= this.options.maxBatchUnits || performance.now() - batch.startedAt >= this.options.maxBatchMs;
    if (due) this.commit();
    else if (this.waiters.length === 0) this.scheduleCommit();
    this.held = false;
    this.waiters.shift()?.();
    await batch.done;
  }

  /**
   * Nobody is waiting right now, but requests whose bytes are already in the socket buffers will want the
   * connection as soon as the event loop polls I/O. setImmediate runs after that poll, so they join this batch;
   * if nobody came, the batch commits then.
   */
  private scheduleCommit(): void {
    if (this.commitScheduled) return;
    this.commitScheduled = true;
    setImmediate(() => {
      this.commitScheduled = false;
      if (this.held) return; // the unit holding the connection commits or reschedules on release
      this.commit();
    });
  }

  private commit(): void {
    const batch = this.batch;
    if (batch === undefined) return;
    this.batch = undefined;
    try {
      this.sql.commit.run();
      batch.resolve();
    } catch (error) {
      try {
        this.db.exec("ROLLBACK");
      } catch {
        // The transaction is already gone; the batch fails either way.
      }
      batch.reject(error);
    }
  }

  async destroy(): Promise<void> {
    this.commit();
    this.db.close();
  }
}

export class GroupCommitSqliteDialect implements Dialect {
  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly options: GroupCommitOptions = { maxBatchMs: 20, maxBatchUnits: 256 },
  ) {}
  createDriver(): Driver {
    return new GroupCommitSqliteDriver(this.db, this.options);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }
  // biome-ignore lint/suspicious/noExplicitAny: Kysely's introspector takes Kysely<any>.
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
