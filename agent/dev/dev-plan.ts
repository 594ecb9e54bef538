// `sealfarm dev`'s embedded defaults as plain data: the manager TOML and the worker TOML for a one-machine farm
// under `<root>`. Pure: the same options give the same files.
import { join } from "node:path";
import { parseSectorSize, sectorSizeName } from "../../components/core/proofs/registered-proofs.js";
import { toUnpadded } from "../../components/core/units/bytes.js";

export interface DevOptions {
  root: string;
  sectors: number;
  sectorSize: string;
  threads: number;
  managerPort: number;
  workerPort: number;
  /** Seal CC sectors, then upgrade one with the deal (SnapUp) and prove it in WindowPoSt. */
  snapup?: boolean;
}

export interface DevPlan {
  managerHome: string;
  managerToml: Record<string, unknown>;
  workerFile: string;
  workerToml: Record<string, unknown>;
  dealFile: string;
  /** Payload bytes of the one small deal (a quarter of the sector's unpadded capacity). */
  dealBytes: number;
  storeDirs: string[];
  /** The snapup thread's store (with `snapup`). */
  snapStore: string | undefined;
  sealProof: string;
}

export function planDev(o: DevOptions): DevPlan {
  const size = parseSectorSize(o.sectorSize);
  const name = sectorSizeName(size);
  const sealProof = `StackedDrg${name}V1_1`;
  const managerHome = join(o.root, "manager");
  const storeDirs = Array.from({ length: o.threads }, (_, i) => join(o.root, "worker", `store${i}`));
  const persist = join(managerHome, "persist-1");
  const snapStore = o.snapup === true ? join(o.root, "worker", "snap0") : undefined;
  // With SnapUp the sealer threads seal CC sectors only; the deal goes into one of them once it proves.
  const sealers = storeDirs.map((location) =>
    o.snapup === true ? { location, sealing: { enable_deals: false } } : { location },
  );
  return {
    managerHome,
    sealProof,
    managerToml: {
      listen: `127.0.0.1:${o.managerPort}`,
      db: { url: "sqlite://manager.db", synchronous: "normal" },
      // Short delays: a PreCommit lands and its seed comes within seconds; a proving period is 8 s.
      chain: { block_time: "200ms", precommit_challenge_delay: 5, confidence: 1, proving_period: 40, deadlines: 4 },
      batching: { max_batch: 4, max_wait: "500ms" },
      post: { heartbeat_timeout: "15s", job_max_try: 3 },
      // max_number caps the run at N sectors: allocation returns nothing after that and threads go Idle.
      miners: [{ actor: 1000, seal_proof: sealProof, min_number: 1, max_number: o.sectors, enable_deals: true }],
      persist_stores: [{ name: "persist-1", path: "persist-1", read_only: false, weight: 1 }],
    },
    workerFile: join(o.root, "worker", "worker.toml"),
    workerToml: {
      worker: {
        name: "dev-worker",
        rpc_server: { host: "127.0.0.1", port: o.workerPort },
        ping_interval: "2s",
        local_pieces_dirs: [join(managerHome, "pieces")],
      },
      sector_manager: { rpc_client: { addr: `http://127.0.0.1:${o.managerPort}` } },
      sealing: {
        allowed_sizes: [name],
        enable_deals: true,
        max_deals: 1,
        max_retries: 5,
        seal_interval: "200ms",
        recover_interval: "1s",
        rpc_polling_interval: "300ms",
        request_task_max_retries: 3,
      },
      sealing_thread: [
        ...sealers,
        ...(snapStore === undefined ? [] : [{ location: snapStore, plan: "snapup" }]),
        { plan: "wdpost", sealing: { recover_interval: "500ms" } },
      ],
      attached: [{ name: "persist-1", location: persist }],
      processors: { limitation: { concurrent: { pc1: Math.max(1, Math.min(o.threads, 2)) } } },
    },
    dealFile: join(o.root, "deal.bin"),
    dealBytes: Math.floor(toUnpadded(size) / 4),
    storeDirs,
    snapStore,
  };
}

/** A deterministic, non-zero deal payload (so it is not mistaken for a pledge piece). */
export function dealPayload(bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  let x = 0x9e3779b9;
  for (let i = 0; i < bytes; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}
