// Miner-actor method numbers and the proof-type enums their params carry, as builtin-actors (v13+, network
// version 22 and later) defines them: actors/miner/src/lib.rs `Method` and fvm_shared's sector/RegisteredProof.

export const MinerMethod = {
  SubmitWindowedPoSt: 5,
  DeclareFaultsRecovered: 11,
  ProveCommitAggregate: 26,
  PreCommitSectorBatch2: 28,
  ProveCommitSectors3: 34,
  ProveReplicaUpdates3: 35,
} as const;
export type MinerMethodName = keyof typeof MinerMethod;

export function minerMethodName(method: number): MinerMethodName | undefined {
  return (Object.keys(MinerMethod) as MinerMethodName[]).find((k) => MinerMethod[k] === method);
}

/** RegisteredSealProof V1_1 (the ones accepted since nv16): 2KiB=5, 8MiB=6, 512MiB=7, 32GiB=8, 64GiB=9. */
export const RegisteredSealProof = {
  StackedDrg2KiBV1_1: 5,
  StackedDrg8MiBV1_1: 6,
  StackedDrg512MiBV1_1: 7,
  StackedDrg32GiBV1_1: 8,
  StackedDrg64GiBV1_1: 9,
} as const;

/** RegisteredPoStProof window V1_1 (required since nv19): 2KiB=10 … 64GiB=14. */
export const RegisteredWindowPoStProof = {
  StackedDrgWindow2KiBV1_1: 10,
  StackedDrgWindow8MiBV1_1: 11,
  StackedDrgWindow512MiBV1_1: 12,
  StackedDrgWindow32GiBV1_1: 13,
  StackedDrgWindow64GiBV1_1: 14,
} as const;

/** RegisteredUpdateProof (SnapDeals): 2KiB=0 … 64GiB=4. */
export const RegisteredUpdateProof = {
  StackedDrg2KiBV1: 0,
  StackedDrg8MiBV1: 1,
  StackedDrg512MiBV1: 2,
  StackedDrg32GiBV1: 3,
  StackedDrg64GiBV1: 4,
} as const;

/** RegisteredAggregateProof: SnarkPackV2 is the one accepted since nv16. */
export const RegisteredAggregateProof = { SnarkPackV1: 0, SnarkPackV2: 1 } as const;

/** The window PoSt and update proof types that go with a seal proof (same sector size). */
export function proofTypesForSeal(sealProof: number): { windowPoSt: number; update: number } {
  if (sealProof < 5 || sealProof > 9) throw new RangeError(`expected a V1_1 seal proof 5..9, got ${sealProof}`);
  return { windowPoSt: sealProof + 5, update: sealProof - 5 };
}
