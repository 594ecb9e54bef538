// A chain that misbehaves, for tests of the manager's chain handling: when the devnet server is started with
// `testHooks` (`sealfarm devnet run --test-hooks`), `Filecoin.Devnet*` JSON-RPC methods make it answer HTTP errors, hang,
// drop a pending message, move an included message to a later epoch (a reorg as a client sees one), or hold its
// clock. None of this exists without the option: a server for a farm answers `Filecoin.Devnet*` as an unknown method.
import { int, LotusJsonError, obj, str, uint } from "../lotus/lotus-json.js";
import type { DevnetState, MessageState } from "./devnet-state.js";

/** What the next matching request(s) get instead of a normal answer. */
export interface Misbehaviour {
  /** How many requests it applies to. */
  count: number;
  /** Only these Filecoin.* methods (all when empty). */
  methods: string[];
  /** Answer with this HTTP status (a 5xx body in go-jsonrpc's shape) … */
  status: number | null;
  /** … or never answer (the connection stays open until the server closes). */
  hang: boolean;
  /** Run the call first (a push is stored) and then fail the answer: the client cannot know the call happened. */
  afterCall: boolean;
}

export function misbehaviourFromJson(v: unknown, path: string): Misbehaviour {
  const o = obj(v, path);
  const count = o.Count === undefined ? 1 : uint(o.Count, `${path}/Count`);
  const methods = o.Methods === undefined || o.Methods === null ? [] : o.Methods;
  if (!Array.isArray(methods)) throw new LotusJsonError(`${path}/Methods`, "a list of method names", methods);
  const status = o.Status === undefined || o.Status === null ? null : uint(o.Status, `${path}/Status`);
  const hang = o.Hang === true;
  if ((status === null) === !hang) throw new LotusJsonError(path, "exactly one of Status or Hang: true", v);
  if (status !== null && (status < 400 || status > 599))
    throw new LotusJsonError(`${path}/Status`, "an HTTP error status 400..599", status);
  return {
    count,
    methods: methods.map((m, i) => str(m, `${path}/Methods/${i}`)),
    status,
    hang,
    afterCall: o.AfterCall === true,
  };
}

/** The misbehaviours queued by `Filecoin.DevnetMisbehave`, each used up by the requests it matches. */
export class MisbehaviourQueue {
  private readonly queue: Misbehaviour[] = [];

  add(m: Misbehaviour): void {
    if (m.count > 0) this.queue.push({ ...m });
  }

  /** The misbehaviour for a request to `method`, if one is queued for it (counted as used). */
  take(method: string): Misbehaviour | undefined {
    const i = this.queue.findIndex((m) => m.methods.length === 0 || m.methods.includes(method));
    const m = this.queue[i];
    if (m === undefined) return undefined;
    m.count--;
    if (m.count === 0) this.queue.splice(i, 1);
    return m;
  }
}

/** The state before the last executed message: what a reorg of that message goes back to. */
export interface Undo {
  cid: string;
  before: Omit<DevnetState, "messages">;
}

export function actorState(state: DevnetState): Omit<DevnetState, "messages"> {
  const { messages: _, ...actors } = state;
  return structuredClone(actors);
}

function pending(state: DevnetState, cid: string): MessageState {
  const m = state.messages.find((x) => x.cid === cid);
  if (m === undefined) throw new LotusJsonError("params/0", "the CID of a pushed message", cid);
  return m;
}

/**
 * DevnetDropMessage: a pushed message that has not landed leaves the mpool and never lands (StateSearchMsg finds
 * nothing, StateWaitMsg waits on). Its MsgUuid stays known, as in Lotus' message store: pushing again with the
 * same MsgUuid answers the dropped message, so a client must push with a new one.
 */
export function dropMessage(state: DevnetState, cid: string): void {
  const m = pending(state, cid);
  if (m.receipt !== null) throw new LotusJsonError("params/0", "a message that has not landed yet", cid);
  m.dropped = true;
}

/**
 * DevnetReorg: the last executed message is taken out of the epoch it landed in and lands at `epoch` instead
 * (after the head): its effects are undone, StateSearchMsg finds nothing until then, and it is executed again at
 * its new epoch, possibly with another outcome. Only the last executed message, whose prior state is kept.
 */
export function reorgMessage(state: DevnetState, undo: Undo | null, cid: string, epoch: number, head: number): void {
  const m = pending(state, cid);
  if (m.receipt === null || undo?.cid !== cid)
    throw new LotusJsonError("params/0", "the last message executed by this server", cid);
  if (epoch <= head) throw new LotusJsonError("params/1", `an epoch after the head ${head}`, epoch);
  Object.assign(state, structuredClone(undo.before));
  m.receipt = null;
  m.includedEpoch = epoch;
}

/** DevnetHoldClock: the head stays at `epoch` (not before the current head) until the next HoldClock. */
export function holdEpoch(v: unknown, head: number): number {
  const epoch = int(v, "params/0");
  if (epoch < head) throw new LotusJsonError("params/0", `an epoch ≥ the head ${head} (heads never go back)`, epoch);
  return epoch;
}
