import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import BetterSqlite3 from "better-sqlite3";
import { Kysely } from "kysely";
import { scratchDir } from "../../../test/support/scratch-dir.js";
import { GroupCommitSqliteDialect } from "./sqlite-group-commit.js";

interface T {
  items: { id: number; tag: string };
}

const dir = scratchDir("sealfarm-gc-");

function open(name: string) {
  const file = join(dir, name);
  const raw = new BetterSqlite3(file);
  raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = FULL");
  raw.exec("create table items (id integer primary key, tag text not null)");
  const db = new Kysely<T>({ dialect: new GroupCommitSqliteDialect(raw) });
  // A second, independent connection: it sees only what is committed.
  const observer = new BetterSqlite3(file, { readonly: true });
  return { db, observer };
}

test("every acknowledged write is already committed, and failed transactions leave nothing", async () => {
  const { db, observer } = open("a.db");
  const seen = (id: number) =>
    observer.prepare("select count(*) as n from items where id = ?").get(id) as { n: number };
  const jobs = Array.from({ length: 300 }, async (_, id) => {
    if (id % 3 === 0) {
      await db.insertInto("items").values({ id, tag: "lone" }).execute();
    } else {
      await db
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto("items").values({ id, tag: "tx" }).execute();
          if (id % 3 === 2) throw new Error(`abort ${id}`);
        })
        .catch((e: Error) => assert.match(e.message, /^abort/));
    }
    // At acknowledgement time the row is visible to another connection iff it was meant to be written.
    assert.equal(seen(id).n, id % 3 === 2 ? 0 : 1, `item ${id}`);
  });
  await Promise.all(jobs);
  const total = observer.prepare("select count(*) as n from items").get() as { n: number };
  assert.equal(total.n, 200);
  observer.close();
  await db.destroy();
});

test("concurrent writers are batched into far fewer commits than units", async () => {
  const { db, observer } = open("b.db");
  const before = observer.prepare("pragma data_version").get() as { data_version: number };
  await Promise.all(Array.from({ length: 200 }, (_, id) => db.insertInto("items").values({ id, tag: "x" }).execute()));
  // data_version changes once per commit made by another connection.
  const afterV = observer.prepare("pragma data_version").get() as { data_version: number };
  assert.ok(
    afterV.data_version - before.data_version < 50,
    `${afterV.data_version - before.data_version} commits for 200 writes`,
  );
  observer.close();
  await db.destroy();
});

test("a lock held by another connection fails the caller but does not wedge the driver", async () => {
  const file = join(dir, "c.db");
  const raw = new BetterSqlite3(file);
  raw.pragma("journal_mode = WAL");
  raw.pragma("busy_timeout = 50");
  raw.exec("create table items (id integer primary key, tag text not null)");
  const db = new Kysely<T>({ dialect: new GroupCommitSqliteDialect(raw) });
  const other = new BetterSqlite3(file);
  other.exec("begin immediate");
  await assert.rejects(db.insertInto("items").values({ id: 1, tag: "x" }).execute(), /locked|busy/i);
  other.exec("commit");
  await db.insertInto("items").values({ id: 2, tag: "y" }).execute();
  const n = other.prepare("select count(*) as n from items").get() as { n: number };
  assert.equal(n.n, 1);
  other.close();
  await db.destroy();
});
