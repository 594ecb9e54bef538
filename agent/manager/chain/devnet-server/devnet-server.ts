// The devnet as a Lotus full node: POST /rpc/v1 JSON-RPC (`Filecoin.*`), one request at a time against the state,
// the state saved (atomically, fsynced) before each reply that changed it. StateWaitMsg holds its request open
// until the message has `confidence` epochs on top. A bearer token is required when one is configured.

import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { ConfigError } from "../../../../components/core/config/config-error.js";
import { sealProofInfo } from "../../../../components/core/proofs/registered-proofs.js";
import { encodeError, encodeSuccess } from "../../../shared/rpc/json-rpc.js";
import {
  type SealVerifyInput,
  type SnapVerifyInput,
  type Verdict,
  verifySeal,
  verifySnapUpdate,
  verifyWindowPost,
  type WindowPostVerifyInput,
} from "../../proofs/proofs-binary.js";
import { cid as cidOf, int, LotusJsonError } from "../lotus/lotus-json.js";
import { advance, callMethod, DevnetCallError, type DevnetHost } from "./devnet-methods.js";
import {
  type DevnetSettings,
  type DevnetState,
  defaultDevnetSettings,
  epochStartMs,
  genesisState,
  headAt,
  loadState,
  reconcileState,
  saveState,
  settingsProblems,
  stateFile,
} from "./devnet-state.js";
import type { Verifier } from "./miner-actor.js";
import {
  dropMessage,
  holdEpoch,
  type Misbehaviour,
  MisbehaviourQueue,
  misbehaviourFromJson,
  reorgMessage,
} from "./misbehaviour.js";

export interface DevnetServerOptions {
  dir: string;
  host?: string;
  port?: number;
  proofsBin: string;
  /**
   * Chain settings (the manager's `[chain]`: block time, proving period, deadlines, PreCommit challenge delay). Set
   * at genesis (the first start in `dir`); a later start must ask for the same values or none (a ConfigError).
   * `confidence` is not one: it is the client's, sent with each StateWaitMsg.
   */
  settings?: Partial<DevnetSettings>;
  /** Miner actors and their seal proof (the manager's `[[miners]]`); miners new to an existing chain are added. */
  miners?: { actor: number; sealProof: number }[];
  /** When set, every request needs `Authorization: Bearer <token>`. */
  token?: string;
  /** The wall clock in ms (tests hold it); the head is derived from it and the block time. */
  now?: () => number;
  /** Serve the `Filecoin.Devnet*` test hooks (misbehaviour.ts): HTTP errors, hangs, dropped messages, reorgs, a held clock. */
  testHooks?: boolean;
}

function minersProblems(miners: { actor: number; sealProof: number }[]): string[] {
  const problems: string[] = [];
  miners.forEach((m, i) => {
    if (!Number.isSafeInteger(m.actor) || m.actor < 1000)
      problems.push(`/miners/${i}/actor: expected an actor ID ≥ 1000, got ${JSON.stringify(m.actor)}`);
    else if (miners.findIndex((x) => x.actor === m.actor) !== i)
      problems.push(`/miners/${i}/actor: f0${m.actor} is listed twice`);
    if (sealProofInfo(m.sealProof) === undefined || m.sealProof < 5 || m.sealProof > 9)
      problems.push(`/miners/${i}/sealProof: expected a V1_1 seal proof 5..9, got ${JSON.stringify(m.sealProof)}`);
  });
  return problems;
}

export interface DevnetServer {
  url: string;
  state(): DevnetState;
  close(): Promise<void>;
}

/** sealfarm-proofs behind a cache: a proof is checked once even when a push estimate and the inclusion both ask. */
export function proofsVerifier(bin: string): Verifier {
  const cache = new Map<string, Promise<Verdict>>();
  const memo = <T>(kind: string, input: T, run: (i: T) => Promise<Verdict>) => {
    const key = createHash("sha256").update(kind).update(JSON.stringify(input)).digest("hex");
    let p = cache.get(key);
    if (p === undefined) {
      p = run(input);
      cache.set(key, p);
      p.catch(() => cache.delete(key));
    }
    return p;
  };
  return {
    seal: (i: SealVerifyInput) => memo("seal", i, (x) => verifySeal(bin, x)),
    windowPost: (i: WindowPostVerifyInput) => memo("wpost", i, (x) => verifyWindowPost(bin, x)),
    snap: (i: SnapVerifyInput) => memo("snap", i, (x) => verifySnapUpdate(bin, x)),
  };
}

export async function startDevnetServer(o: DevnetServerOptions): Promise<DevnetServer> {
  const wallClock = o.now ?? Date.now;
  let heldEpoch: number | null = null;
  const now = () => (heldEpoch === null ? wallClock() : epochStartMs(host.state, heldEpoch) + 1);
  mkdirSync(o.dir, { recursive: true });
  let state = loadState(o.dir);
  const miners = o.miners ?? [];
  const problems = minersProblems(miners);
  if (state === undefined) {
    const settings = { ...defaultDevnetSettings(), ...o.settings };
    problems.push(...settingsProblems(settings));
    if (problems.length === 0)
      state = genesisState(
        settings,
        miners.length > 0 ? miners : [{ actor: 1000, sealProof: 5 }],
        now(),
        randomBytes(32).toString("hex"),
      );
  } else if (problems.length === 0) problems.push(...reconcileState(state, o.settings ?? {}, miners));
  if (state === undefined || problems.length > 0)
    // Settings or miners the devnet cannot start with: the one ConfigError, naming the state file and each key.
    throw new ConfigError(
      problems.map((p) => {
        const at = p.indexOf(": ");
        return { file: stateFile(o.dir), pointer: p.slice(0, at), message: p.slice(at + 2) };
      }),
    );
  saveState(o.dir, state);
  const host: DevnetHost = {
    state,
    verifier: proofsVerifier(o.proofsBin),
    now,
    save: () => saveState(o.dir, state),
    ...(o.testHooks ? { undo: null } : {}),
  };
  const misbehaviours = new MisbehaviourQueue();
  // One call at a time: a push, its estimate and the execution of pending messages see one consistent state.
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;

  /** The `Filecoin.Devnet*` test hooks, one at a time with the other calls. */
  async function hook(method: string, params: unknown[]): Promise<unknown> {
    const head = headAt(host.state, now());
    switch (method) {
      case "Filecoin.DevnetMisbehave":
        misbehaviours.add(misbehaviourFromJson(params[0], "params/0"));
        return null;
      case "Filecoin.DevnetHoldClock":
        heldEpoch = holdEpoch(params[0], head);
        return heldEpoch;
      case "Filecoin.DevnetDropMessage":
      case "Filecoin.DevnetReorg": {
        // Land what is due first: a message that has landed cannot be dropped, and a reorg moves a landed one.
        await advance(host);
        const cid = cidOf(params[0], "params/0").toString();
        if (method === "Filecoin.DevnetDropMessage") dropMessage(host.state, cid);
        else {
          reorgMessage(host.state, host.undo ?? null, cid, int(params[1], "params/1"), head);
          host.undo = null;
        }
        host.save();
        return null;
      }
      default:
        throw new DevnetCallError(`method '${method}' not found`, -32601);
    }
  }

  async function answer(method: string, params: unknown[]): Promise<unknown> {
    if (o.testHooks && method.startsWith("Filecoin.Devnet")) return serialized(() => hook(method, params));
    for (;;) {
      const r = await serialized(() => callMethod(host, method, params));
      if ("value" in r) return r.value;
      if (closing) throw new DevnetCallError("devnet shutting down");
      const wait = Math.max(1, epochStartMs(host.state, r.waitUntilEpoch) - now());
      await new Promise<void>((done) => {
        const t = setTimeout(() => {
          timers.delete(t);
          done();
        }, wait);
        timers.add(t);
      });
    }
  }

  const expected = o.token === undefined ? null : Buffer.from(`Bearer ${o.token}`);
  const server = http.createServer((req, res) => {
    const send = (status: number, body: string) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(body);
    };
    if (req.method !== "POST" || (req.url ?? "").split("?")[0] !== "/rpc/v1") return send(404, '{"error":"not found"}');
    const auth = Buffer.from(req.headers.authorization ?? "");
    if (expected !== null && (auth.length !== expected.length || !timingSafeEqual(auth, expected)))
      return send(401, '{"error":"missing or invalid token"}');
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let id: number | string | null = null;
      let body: { id?: unknown; method?: unknown; params?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        id = typeof body.id === "number" || typeof body.id === "string" ? body.id : null;
      } catch {
        return send(200, encodeError(null, -32700, "parse error"));
      }
      const params = Array.isArray(body.params) ? body.params : [];
      const method = String(body.method);
      const misbehave =
        o.testHooks && method.startsWith("Filecoin.") && !method.startsWith("Filecoin.Devnet")
          ? misbehaviours.take(method)
          : undefined;
      // An injected failure: a status with a body that is not a JSON-RPC reply (a proxy's), or no answer at all.
      const fail = (m: Misbehaviour) => {
        if (!m.hang) send(m.status ?? 500, `devnet test hook: HTTP ${m.status} for ${method}`);
      };
      if (misbehave !== undefined && !misbehave.afterCall) return fail(misbehave);
      answer(method, params).then(
        (result) => (misbehave ? fail(misbehave) : send(200, encodeSuccess(id, result))),
        (error: unknown) => {
          if (misbehave) return fail(misbehave);
          if (error instanceof DevnetCallError) return send(200, encodeError(id, error.code, error.message));
          if (error instanceof LotusJsonError) return send(200, encodeError(id, -32602, error.message));
          send(500, encodeError(id, -32603, `devnet: ${(error as Error).message}`));
        },
      );
    });
  });
  await new Promise<void>((r) => server.listen(o.port ?? 0, o.host ?? "127.0.0.1", r));
  const addr = server.address() as AddressInfo;
  const hostPart = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${hostPart}:${addr.port}/rpc/v1`,
    state: () => host.state,
    close: async () => {
      closing = true;
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await queue;
    },
  };
}
