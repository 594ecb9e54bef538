// The damocles-worker TOML as a typed plain object (../shared/docs/reference/damocles.md §1). Only the keys the
// planner writes; key names are damocles' exactly.

export interface ExtProcessor {
  bin: string;
  args: string[];
  cgroup?: { cpuset: string };
  numa_preferred?: number;
  envs?: Record<string, string>;
  concurrent?: number;
  locks?: string[];
}

export interface WorkerToml {
  worker?: { name: string };
  sector_manager: { rpc_client: { addr: string }; token?: string };
  /** sealfarm's own section (damocles-worker ignores it): the manager's pinned TLS certificate. */
  sealfarm?: { tls: { manager_ca_file: string; manager_fingerprint: string } };
  sealing: {
    allowed_sizes: string[];
    allowed_miners?: number[];
    enable_deals: boolean;
    seal_interval?: string;
    recover_interval?: string;
    rpc_polling_interval?: string;
  };
  sealing_thread: Array<{ location?: string; plan: "sealer" | "wdpost" }>;
  attached: Array<{ name: string; location: string; readonly?: boolean }>;
  processors: {
    limitation: { concurrent: Record<string, number>; staggered?: Record<string, string> };
    ext_locks?: Record<string, number>;
    add_pieces?: ExtProcessor[];
    tree_d?: ExtProcessor[];
    pc1?: ExtProcessor[];
    pc2?: ExtProcessor[];
    c2?: ExtProcessor[];
    window_post?: ExtProcessor[];
  };
}
