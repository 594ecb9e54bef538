// A scripted worker: plain Venus.* calls in the order damocles' sealer plan makes them (planner/sealer.rs),
// with no agent in between. The proof bytes are whatever the caller passes.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { zeroCommitment } from "../../../agent/manager/proofs/comm-d.js";
import type { VenusClient } from "../../../agent/shared/rpc/venus-client.js";
import {
  type AllocatedSector,
  type Base64,
  OnChainState,
  type PollStateResp,
  type PreCommitOnChainInfo,
  type SectorID,
  SubmitResult,
} from "../../../agent/shared/rpc/venus-types.js";

export const WORKER = { Instance: "scripted-1", Location: "/tmp/scripted/0" };

export async function report(
  c: VenusClient,
  sid: SectorID,
  prev: string,
  next: string,
  failure: { Level: string; Desc: string } | null = null,
) {
  return c.callVenus("ReportState", [
    sid,
    { Worker: WORKER, StateChange: { Prev: prev, Next: next, Event: "None" }, Failure: failure },
  ]);
}

/** Polls until a message is no longer Pending/Packed (Landed or Failed stay); the timeout only guards a hang. */
export async function pollUntil(poll: () => Promise<PollStateResp>, timeoutMs = 120_000): Promise<PollStateResp> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await poll();
    if (r.State !== OnChainState.Pending && r.State !== OnChainState.Packed) return r;
    if (Date.now() > deadline) throw new Error(`still ${r.State} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 25));
  }
}

/** SubmitPreCommit for a sector, then waits until the message lands; a refusal or a failed message is an error. */
export async function preCommitLanded(c: VenusClient, sector: AllocatedSector, info: PreCommitOnChainInfo) {
  const pc = await c.callVenus("SubmitPreCommit", [sector, info, false]);
  if (pc.Res !== SubmitResult.Accepted) throw new Error(`SubmitPreCommit: ${pc.Res} ${pc.Desc}`);
  const landed = await pollUntil(() => c.callVenus("PollPreCommitState", [sector.ID]));
  if (landed.State !== OnChainState.Landed) throw new Error(`PreCommit ended ${landed.State}: ${landed.Desc}`);
}

/** SubmitProof for a sector, then waits until the proof message lands; a refusal or a failed message is an error. */
export async function proofLanded(c: VenusClient, sid: SectorID, proof: Base64) {
  const r = await c.callVenus("SubmitProof", [sid, { Proof: proof }, false]);
  if (r.Res !== SubmitResult.Accepted) throw new Error(`SubmitProof: ${r.Res} ${r.Desc}`);
  const landed = await pollUntil(() => c.callVenus("PollProofState", [sid]));
  if (landed.State !== OnChainState.Landed) throw new Error(`proof ended ${landed.State}: ${landed.Desc}`);
}

/** Allocate → CC deals → ticket → PreCommit (landed) → persist → seed. Returns the sector ready for SubmitProof. */
export async function sealToSeed(c: VenusClient, commR: number[], storeRoot: (name: string) => string) {
  const sector = (await c.callVenus("AllocateSector", [
    { AllowedMiners: [], AllowedProofTypes: [] },
  ])) as AllocatedSector;
  const sid = sector.ID;
  await report(c, sid, "Empty", "Allocated");
  const pieces = await c.callVenus("AcquireDeals", [sid, { MaxDeals: null, MinUsedSpace: null }]);
  await report(c, sid, "Allocated", "DealsAcquired");
  const ticket = await c.callVenus("AssignTicket", [sid]);
  await report(c, sid, "TreeDBuilt", "TicketAssigned");
  const info = { CommR: commR, CommD: Array.from(zeroCommitment(2048)), Ticket: ticket };
  const pc = await c.callVenus("SubmitPreCommit", [sector, info, false]);
  if (pc.Res !== SubmitResult.Accepted) throw new Error(`SubmitPreCommit: ${pc.Res} ${pc.Desc}`);
  await report(c, sid, "PC2Done", "PCSubmitted");
  const landed = await pollUntil(() => c.callVenus("PollPreCommitState", [sid]));
  if (landed.State !== OnChainState.Landed) throw new Error(`PreCommit ended ${landed.State}: ${landed.Desc}`);
  const store = await c.callVenus("StoreReserveSpace", [sid, 4096, []]);
  if (store === null) throw new Error("no store");
  const name = `s-t0${sid.Miner}-${sid.Number}`;
  for (const dir of ["sealed", "cache"]) mkdirSync(join(storeRoot(store.Name), dir), { recursive: true });
  writeFileSync(join(storeRoot(store.Name), "sealed", name), "sealed");
  mkdirSync(join(storeRoot(store.Name), "cache", name), { recursive: true });
  if (!(await c.callVenus("SubmitPersistedEx", [sid, store.Name, false]))) throw new Error("persist refused");
  await report(c, sid, "PCLanded", "Persisted");
  const deadline = Date.now() + 120_000;
  for (;;) {
    const s = await c.callVenus("WaitSeed", [sid, sector.ProofType]);
    if (s.Seed !== null) return { sector, sid, ticket, seed: s.Seed, pieces, info };
    if (!s.ShouldWait || s.Delay < 1) throw new Error(`WaitSeed: ${JSON.stringify(s)}`);
    if (Date.now() > deadline) throw new Error("seed never came");
    await new Promise((res) => setTimeout(res, 50));
  }
}
