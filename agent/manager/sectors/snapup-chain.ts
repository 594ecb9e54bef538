// A SnapUp on the chain: ProveReplicaUpdates3 for the sector where the chain has it (StateSectorPartition), its new
// CommR and the deal pieces, pushed while the worker waits for SubmitSnapUpProof's answer. The node estimates the
// message (the devnet verifies the update proof then), so a refusal is the worker's Rejected with the actor's reason;
// an accepted push upgrades the sector, and the pump follows the message to its receipt (timeline and messages list).
import { minerAddress } from "../chain/chain-gateway.js";
import { parseCid, sealedCid } from "../chain/filecoin/cid.js";
import { exitCodeName } from "../chain/filecoin/exit-codes.js";
import { MinerMethod, proofTypesForSeal } from "../chain/filecoin/miner-methods.js";
import { ChainError } from "../chain/lotus/chain-errors.js";
import {
  followRecord,
  insertMessageRecord,
  markLanded,
  openRecords,
  pushRecord,
  storedMessage,
  timelineForSectors,
} from "../chain/message-records.js";
import { replicaUpdateMessage } from "../chain/sealing-messages.js";
import type { ManagerContext } from "../context.js";
import type { SectorsTable } from "../db/tables/sectors.table.js";
import { sectorPieces } from "./sector-pieces.repository.js";

export type ReplicaUpdateResult = { pushed: string } | { refused: string } | { waiting: string };

export async function pushReplicaUpdate(
  ctx: ManagerContext,
  row: SectorsTable,
  newCommR: Uint8Array,
  proof: Uint8Array,
): Promise<ReplicaUpdateResult> {
  const miner = minerAddress(row.miner);
  let message: ReturnType<typeof replicaUpdateMessage>;
  try {
    const location = await ctx.chain.client.stateSectorPartition(miner, row.number);
    if (location === null) return { refused: `ProveReplicaUpdates3: sector ${row.number} is not proving on the chain` };
    const pieces = await sectorPieces(ctx.db, row.miner, row.number);
    message = replicaUpdateMessage({
      miner,
      worker: await ctx.chain.worker(row.miner),
      sector: row.number,
      deadline: location.deadline,
      partition: location.partition,
      newSealedCid: sealedCid(newCommR),
      pieces: pieces.map((p) => ({ cid: parseCid(p.piece_cid), size: p.padded_size })),
      updateProofType: proofTypesForSeal(row.proof_type).update,
      proof,
    });
  } catch (error) {
    if (!(error instanceof ChainError)) throw error;
    if (error.temporary) return { waiting: error.message };
    return { refused: `ProveReplicaUpdates3: ${error.message}` };
  }
  const record = await ctx.db.transaction().execute((trx) =>
    insertMessageRecord(ctx, trx, {
      miner: row.miner,
      kind: "snapup",
      method: MinerMethod.ProveReplicaUpdates3,
      sectors: [row.number],
      maxFee: ctx.config.chain.maxFee.snapup,
      message,
    }),
  );
  const r = await pushRecord(ctx, record, async () => message, { prev: "SnapUpAllocated", next: "SnapUpAllocated" });
  if ("refused" in r) return { refused: r.refused };
  // A temporary failure after the record is made: the pump pushes it again with the same MsgUuid.
  if ("waiting" in r) return { pushed: "(pending)" };
  return { pushed: r.pushed };
}

/** Pushes pending ProveReplicaUpdates3 records and records their receipts. */
export async function followReplicaUpdates(ctx: ManagerContext): Promise<void> {
  for (const msg of await openRecords(ctx, ["snapup"])) {
    if (msg.state === "pending") {
      await pushRecord(ctx, msg, async () => storedMessage(msg));
      continue;
    }
    const outcome = await followRecord(ctx, msg);
    if (outcome === null) continue;
    const what = `ProveReplicaUpdates3 ${msg.cid} landed at epoch ${outcome.height}: ${exitCodeName(outcome.exitCode)}`;
    await ctx.db.transaction().execute(async (trx) => {
      await markLanded(trx, msg, outcome, outcome.exitCode === 0 ? null : what);
      await timelineForSectors(trx, ctx, msg, "Upgraded", "Upgraded", what);
    });
  }
}
