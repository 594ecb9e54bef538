// The devnet's epoch clock and randomness, as pure functions of the persisted genesis (time and seed).
import { createHash } from "node:crypto";

export interface Genesis {
  /** Wall-clock ms of epoch 0. */
  timeMs: number;
  /** 32 random bytes (hex) drawn once at genesis; all chain randomness derives from it. */
  seedHex: string;
}

export function heightAt(genesis: Genesis, nowMs: number, blockTimeMs: number): number {
  return Math.max(0, Math.floor((nowMs - genesis.timeMs) / blockTimeMs));
}

/** Wall-clock ms at which `epoch` starts. */
export function epochStartMs(genesis: Genesis, epoch: number, blockTimeMs: number): number {
  return genesis.timeMs + epoch * blockTimeMs;
}

export type RandomnessDomain = "ticket" | "seed" | "wdpost";

/** Chain randomness for one domain and epoch: SHA-256(genesis seed ‖ domain ‖ u64_be(epoch)). */
export function randomness(genesis: Genesis, domain: RandomnessDomain, epoch: number): Buffer {
  const e = Buffer.alloc(8);
  e.writeBigUInt64BE(BigInt(epoch));
  return createHash("sha256").update(Buffer.from(genesis.seedHex, "hex")).update(domain).update(e).digest();
}

export interface ProvingSchedule {
  provingPeriod: number;
  deadlines: number;
}

/** The deadline window that contains `height`: index and [open, close) epochs. */
export function currentDeadline(s: ProvingSchedule, height: number): { index: number; open: number; close: number } {
  const window = s.provingPeriod / s.deadlines;
  const periodStart = height - (height % s.provingPeriod);
  const index = Math.floor((height - periodStart) / window);
  const open = periodStart + index * window;
  return { index, open, close: open + window };
}
