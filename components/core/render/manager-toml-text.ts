// manager.toml as text: every setting present, each with a comment giving its meaning and default. `sealfarm
// manager init` writes it with the defaults, the provisioner filled from a farm (manager-toml.ts). Values are
// serialized by smol-toml, never interpolated. Pure.
import { stringify } from "smol-toml";
import type { ManagerToml } from "../config/manager-toml.js";

type Doc = Record<string, string>;

const KEY_DOCS: Record<string, Doc> = {
  "": { listen: "host:port for JSON-RPC (/rpc/v0), /healthcheck, /metrics and /piecestore" },
  db: {
    url: "sqlite://PATH (relative to the home dir, or sqlite:///absolute) or postgres://user@host:port/database",
    synchronous:
      'SQLite only: "full" fsyncs every commit (survives power loss); "normal" survives a crash of the process',
  },
  rpc: {
    max_body_bytes: "requests with a larger body are refused with HTTP 413",
    max_depth: "JSON-RPC bodies nested deeper are refused before they are parsed",
    open_metrics: "serve /metrics without a token to anyone (false: a read token outside auth.trusted)",
  },
  limits: {
    max_connections: "open connections in all; past it the oldest idle one is closed for a new one",
    max_connections_per_ip: "open connections from one address; more are closed at once",
    header_timeout: "a connection must send its request headers within this time",
    idle_timeout: "an idle keep-alive connection, or a request body that stalls, is closed after this",
    body_timeout: "a JSON-RPC request body must arrive within this time",
  },
  sectors: { reclaim_allocated_after: "an Allocated sector no worker reported on for this long is aborted" },
  tls: {
    listen: 'host:port of a second, TLS listener with the same routes ("" = none)',
    cert_file: "PEM certificate for tls.listen (sealfarm manager tls init)",
    key_file: "PEM private key for tls.listen",
  },
  auth: {
    secret_file: "HMAC secret for API tokens (created on first start, mode 0600)",
    trusted: "addresses (CIDR) allowed without a token, e.g. for stock damocles workers; [] trusts nobody",
  },
  chain: {
    kind: '"devnet" (started by the manager, reached over the Lotus API on loopback) or "lotus": a Lotus node at url = "http://host:1234/rpc/v1" with token_file or token_env (read, write, sign), or api_info_env = "FULLNODE_API_INFO"',
    block_time: "devnet only: epoch length",
    precommit_challenge_delay: "devnet only: epochs between a PreCommit landing and its seed",
    confidence: "epochs on top of a message before its receipt counts",
    ticket_lookback:
      "epochs behind the head a ticket is drawn at (900 = finality, as lotus-miner); a PreCommit refuses tickets older than 3780 epochs",
    proving_period: "devnet only: epochs in one WindowPoSt proving period",
    deadlines: "devnet only: proving deadlines per period (proving_period must be a multiple)",
  },
  "chain.fees": {
    precommit_max_fee: "the most a PreCommitSectorBatch2 message may pay in gas (MaxFee)",
    provecommit_max_fee: "the most a ProveCommitSectors3 message may pay in gas",
    wdpost_max_fee: "the most a SubmitWindowedPoSt message may pay in gas",
    recovery_max_fee: "the most a DeclareFaultsRecovered message may pay in gas",
    snapup_max_fee: "the most a ProveReplicaUpdates3 message (SnapUp) may pay in gas",
  },
  batching: {
    max_batch: "a PreCommit/ProveCommit message is sent once this many sectors wait",
    max_wait: "or once the oldest waiting sector has waited this long",
    aggregate_commits: "send 4+ ProveCommits as one aggregate when the base fee is above aggregate_above_base_fee",
    min_commit_batch: "fewest proofs in an aggregate (4 at least)",
    aggregate_above_base_fee: "aggregate only above this base fee (lotus-miner's AggregateAboveBaseFee)",
  },
  post: {
    heartbeat_timeout: "a running WindowPoSt job without a heartbeat for this long fails",
    job_max_try: "attempts per WindowPoSt job",
  },
  proofs: {
    bin: "sealfarm-proofs binary; empty = native/target/release/sealfarm-proofs (env SEALFARM_PROOFS_BIN wins)",
  },
  piece_store: { path: "directory where `sealfarm deals import` keeps piece files" },
  miners: {
    actor: "miner actor id",
    seal_proof: "seal proof type of new sectors",
    min_number: "first sector number",
    max_number: "last sector number",
    enable_deals: "AcquireDeals hands out imported deals (false: CC only)",
  },
  persist_stores: {
    name: "store name, matched against the workers' [[attached]] names",
    path: "store directory",
    read_only: "never chosen for new sectors",
    weight: "weighted random choice among stores with space (0 means 1)",
  },
};

function line(key: string, value: unknown): string {
  return stringify({ [key]: value }).trimEnd();
}

function table(out: string[], name: string, values: Record<string, unknown>, array: boolean): void {
  out.push("", array ? `[[${name}]]` : `[${name}]`);
  const docs = KEY_DOCS[name] ?? {};
  for (const [key, value] of Object.entries(values)) {
    out.push(`# ${docs[key] ?? key}. Default: ${line(key, value).slice(key.length + 3)}`, line(key, value));
  }
}

export function renderManagerToml(toml: ManagerToml): string {
  const out = ["# sealfarm manager configuration (schemas/manager.schema.json). Every key is optional."];
  out.push(`# ${KEY_DOCS[""]?.listen}. Default: "127.0.0.1:1789"`, line("listen", toml.listen));
  table(out, "db", toml.db, false);
  table(out, "rpc", toml.rpc, false);
  table(out, "limits", toml.limits, false);
  table(out, "sectors", toml.sectors, false);
  table(out, "tls", toml.tls, false);
  table(out, "auth", toml.auth, false);
  const { fees, ...chain } = toml.chain;
  table(out, "chain", chain, false);
  table(out, "chain.fees", fees, false);
  table(out, "batching", toml.batching, false);
  table(out, "post", toml.post, false);
  table(out, "proofs", toml.proofs, false);
  table(out, "piece_store", toml.piece_store, false);
  for (const m of toml.miners) table(out, "miners", m, true);
  for (const s of toml.persist_stores) table(out, "persist_stores", s, true);
  return `${out.join("\n")}\n`;
}
