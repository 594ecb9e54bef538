// The embedded devnet: genesis persisted in the `chain` table, height from the wall clock, randomness from the
// genesis seed. Messages and their landing are handled by message-pump.ts.
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { ChainConfig } from "../../config/manager-config.js";
import type { Database } from "../../db/database.js";
import { type Genesis, heightAt, type RandomnessDomain, randomness } from "./devnet-clock.js";

export interface Devnet {
  readonly config: ChainConfig;
  readonly genesis: Genesis;
  head(): number;
  randomness(domain: RandomnessDomain, epoch: number): Buffer;
}

/** Loads the genesis, creating it on first start (both rows in one transaction, so a crash leaves none or both). */
export async function openDevnet(db: Kysely<Database>, config: ChainConfig, now = Date.now): Promise<Devnet> {
  const genesis = await db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom("chain").selectAll().where("key", "in", ["genesis_ms", "genesis_seed"]).execute();
    const time = rows.find((r) => r.key === "genesis_ms")?.value;
    const seed = rows.find((r) => r.key === "genesis_seed")?.value;
    if (time !== undefined && seed !== undefined) return { timeMs: Number(time), seedHex: seed };
    const g = { timeMs: now(), seedHex: randomBytes(32).toString("hex") };
    await trx
      .insertInto("chain")
      .values([
        { key: "genesis_ms", value: String(g.timeMs) },
        { key: "genesis_seed", value: g.seedHex },
      ])
      .execute();
    return g;
  });
  return {
    config,
    genesis,
    head: () => heightAt(genesis, now(), config.blockTimeMs),
    randomness: (domain, epoch) => randomness(genesis, domain, epoch),
  };
}
