// manager.toml as a typed plain object: the TOML shape (snake_case keys, duration strings) and every setting's
// default. The manager resolves it (agent/manager/config/manager-config.ts); `sealfarm manager init` and the
// provisioner render it (render/manager-toml-text.ts), so the format has one owner. Pure.

export interface ManagerToml {
  listen: string;
  db: { url: string; synchronous: "full" | "normal" };
  rpc: { max_body_bytes: number; max_depth: number; open_metrics: boolean };
  limits: {
    max_connections: number;
    max_connections_per_ip: number;
    header_timeout: string;
    idle_timeout: string;
    body_timeout: string;
  };
  sectors: { reclaim_allocated_after: string };
  tls: { listen: string; cert_file: string; key_file: string };
  auth: { secret_file: string; trusted: string[] };
  chain: {
    kind: "devnet" | "lotus";
    url?: string;
    token_file?: string;
    token_env?: string;
    api_info_env?: string;
    block_time: string;
    precommit_challenge_delay: number;
    confidence: number;
    ticket_lookback: number;
    proving_period: number;
    deadlines: number;
    fees: {
      precommit_max_fee: string;
      provecommit_max_fee: string;
      wdpost_max_fee: string;
      recovery_max_fee: string;
      snapup_max_fee: string;
    };
  };
  batching: {
    max_batch: number;
    max_wait: string;
    precommit_max_batch?: number;
    precommit_max_wait?: string;
    provecommit_max_batch?: number;
    provecommit_max_wait?: string;
    aggregate_commits: boolean;
    min_commit_batch: number;
    aggregate_above_base_fee: string;
  };
  post: { heartbeat_timeout: string; job_max_try: number };
  proofs: { bin: string };
  piece_store: { path: string };
  miners: {
    actor: number;
    seal_proof: string;
    min_number: number;
    max_number: number;
    enable_deals: boolean;
  }[];
  persist_stores: { name: string; path: string; read_only: boolean; weight: number }[];
}

/** Every setting with its default. Relative paths are relative to the home directory. */
export function defaultManagerToml(): ManagerToml {
  return {
    listen: "127.0.0.1:1789",
    db: { url: "sqlite://manager.db", synchronous: "full" },
    rpc: { max_body_bytes: 4 * 1024 * 1024, max_depth: 32, open_metrics: false },
    limits: {
      max_connections: 1024,
      max_connections_per_ip: 64,
      header_timeout: "10s",
      idle_timeout: "30s",
      body_timeout: "30s",
    },
    sectors: { reclaim_allocated_after: "1h" },
    tls: { listen: "", cert_file: "", key_file: "" },
    auth: { secret_file: "auth.secret", trusted: ["127.0.0.1/32", "::1/128"] },
    chain: {
      kind: "devnet",
      block_time: "1s",
      precommit_challenge_delay: 10,
      confidence: 2,
      ticket_lookback: 900,
      proving_period: 40,
      deadlines: 4,
      fees: {
        precommit_max_fee: "0.05 FIL",
        provecommit_max_fee: "0.05 FIL",
        wdpost_max_fee: "5 FIL",
        recovery_max_fee: "0.05 FIL",
        snapup_max_fee: "0.05 FIL",
      },
    },
    batching: {
      max_batch: 4,
      max_wait: "5s",
      aggregate_commits: true,
      min_commit_batch: 4,
      aggregate_above_base_fee: "0.00000000015 FIL",
    },
    post: { heartbeat_timeout: "15s", job_max_try: 2 },
    proofs: { bin: "" },
    piece_store: { path: "pieces" },
    miners: [
      { actor: 1000, seal_proof: "StackedDrg2KiBV1_1", min_number: 1, max_number: 1_000_000, enable_deals: false },
    ],
    persist_stores: [{ name: "persist-1", path: "persist-1", read_only: false, weight: 1 }],
  };
}
