// The manager's one way to a chain: a Lotus v1 client and the gateway over it, for a Lotus node or for the devnet
// the manager starts in its own process ([chain] kind = "devnet": state under <home>/devnet, a random token,
// loopback port 0). Both are reached through the same client, so the code path every test runs is the one a real
// node gets. The head is polled (ChainHead) once per pump cycle and kept for synchronous readers.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ChainConfig, MinerConfig } from "../config/manager-config.js";
import { type ChainGateway, createChainGateway, minerAddress } from "./chain-gateway.js";
import { resolveLotusEndpoint } from "./chain-target.js";
import { type DevnetServer, startDevnetServer } from "./devnet-server/devnet-server.js";
import { epochStartMs, headAt } from "./devnet-server/devnet-state.js";
import { createLotusClient, type LotusClient } from "./lotus/lotus-client.js";

/** The in-process devnet's clock: the wall clock, or an epoch the test holds it at. */
export interface DevnetHandle {
  server: DevnetServer;
  /** Stops the devnet's clock in the middle of `epoch` (the chain stays there until the next call). */
  holdAt(epoch: number): void;
  /** The devnet's head by its own clock (without a request). */
  head(): number;
}

export interface ChainAccess {
  readonly config: ChainConfig;
  readonly client: LotusClient;
  readonly gateway: ChainGateway;
  /** The head seen by the last `refresh` (every pump cycle). */
  head(): number;
  /** Polls ChainHead; the new head, or a ChainError. */
  refresh(): Promise<number>;
  /** The parent base fee of the last head seen (attoFIL). */
  baseFee(): bigint;
  /** The address the miner's messages are sent from (StateMinerInfo's worker), asked once. */
  worker(actor: number): Promise<string>;
  /** Set when the manager runs the devnet itself. */
  readonly devnet: DevnetHandle | undefined;
  close(): Promise<void>;
}

export interface OpenChainOptions {
  config: ChainConfig;
  home: string;
  miners: MinerConfig[];
  proofsBin: string;
  env?: Record<string, string | undefined>;
  /** The wall clock the in-process devnet derives its height from (Date.now); a test may pause it. */
  devnetClock?: () => number;
}

async function startInProcessDevnet(
  o: OpenChainOptions,
): Promise<{ url: string; token: string; handle: DevnetHandle }> {
  let held: number | undefined;
  const clock = o.devnetClock ?? Date.now;
  const now = () => held ?? clock();
  const token = randomBytes(24).toString("hex");
  const server = await startDevnetServer({
    dir: join(o.home, "devnet"),
    proofsBin: o.proofsBin,
    token,
    now,
    settings: {
      blockTimeMs: o.config.blockTimeMs,
      precommitChallengeDelay: o.config.precommitChallengeDelay,
      provingPeriod: o.config.provingPeriod,
      deadlines: o.config.deadlines,
    },
    miners: o.miners.map((m) => ({ actor: m.actor, sealProof: m.sealProof })),
  });
  const handle: DevnetHandle = {
    server,
    holdAt: (epoch) => {
      const s = server.state();
      held = epochStartMs(s, epoch) + Math.floor(s.settings.blockTimeMs / 2);
    },
    head: () => headAt(server.state(), now()),
  };
  return { url: server.url, token, handle };
}

export async function openChainAccess(o: OpenChainOptions): Promise<ChainAccess> {
  const target = o.config.target;
  let devnet: DevnetHandle | undefined;
  let endpoint: { url: string; token: string | undefined };
  if (target.kind === "devnet") {
    const started = await startInProcessDevnet(o);
    devnet = started.handle;
    endpoint = { url: started.url, token: started.token };
  } else {
    endpoint = resolveLotusEndpoint(target, o.env ?? process.env, (p) => readFileSync(p, "utf8"));
  }
  const client = createLotusClient({ url: endpoint.url, token: endpoint.token, timeoutMs: 30_000 });
  const gateway = createChainGateway(client);
  let head = 0;
  let baseFee = 0n;
  const workers = new Map<number, Promise<string>>();
  const access: ChainAccess = {
    config: o.config,
    client,
    gateway,
    devnet,
    head: () => head,
    baseFee: () => baseFee,
    refresh: async () => {
      const ts = await client.chainHead();
      // The head never goes back for the readers: a reorg shows as a temporary error of the calls that depend on it.
      head = Math.max(head, ts.height);
      baseFee = ts.parentBaseFee;
      return head;
    },
    worker: (actor) => {
      let p = workers.get(actor);
      if (p === undefined) {
        p = client.stateMinerInfo(minerAddress(actor)).then((info) => info.worker);
        workers.set(actor, p);
        p.catch(() => workers.delete(actor));
      }
      return p;
    },
    close: async () => {
      client.close();
      await devnet?.server.close();
    },
  };
  return access;
}
