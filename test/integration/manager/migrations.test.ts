// Versioned migrations on both dialects: applied once, recorded by name, idempotent on the next start.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { sql } from "kysely";
import { migrateToLatest, openDatabase } from "../../../agent/manager/db/dialect.js";
import { migrations } from "../../../agent/manager/db/migrations/index.js";
import { DIALECTS, freshDatabase } from "./dialects.js";

for (const dialect of DIALECTS) {
  describe(`${dialect}: migrations`, () => {
    test("migrate twice: every migration recorded once, tables usable", async () => {
      const tdb = await freshDatabase(dialect);
      try {
        for (let i = 0; i < 2; i++) {
          const db = openDatabase(tdb.url);
          try {
            await migrateToLatest(db);
            const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
            assert.deepEqual(
              rows.rows.map((r) => r.name),
              Object.keys(migrations).sort(),
            );
            await db
              .insertInto("chain")
              .values({ key: `k${i}`, value: "v" })
              .execute();
            const n = await db
              .selectFrom("chain")
              .select((eb) => eb.fn.countAll<number>().as("n"))
              .executeTakeFirstOrThrow();
            assert.equal(Number(n.n), i + 1, "data survives a second start");
          } finally {
            await db.destroy();
          }
        }
      } finally {
        await tdb.drop();
      }
    });
  });
}

test("a db.url that is neither sqlite:// nor postgres:// is refused, naming the key", () => {
  assert.throws(
    () => openDatabase("mysql://x"),
    /db\.url: expected sqlite:\/\/PATH or postgres:\/\/…, got "mysql:\/\/x"/,
  );
});
