// A manager's answer to AllocateUnsealSector, for tests of what the worker does with one: a 1016-byte piece at
// offset 0 of a 2 KiB sector persisted in `persist-1`. Tests change only what they are about.
import type { SectorUnsealInfo } from "../../agent/shared/rpc/venus-types.js";

export function unsealInfo(over: Partial<SectorUnsealInfo> = {}): SectorUnsealInfo {
  return {
    Sector: { ID: { Miner: 1000, Number: 9 }, ProofType: 5 },
    PieceCid: { "/": "baga6ea4seaqpiece" },
    Offset: 0,
    Size: 1016,
    PrivateInfo: { AccessInstance: "persist-1" },
    Ticket: { Ticket: Buffer.alloc(32, 1).toString("base64"), Epoch: 1 },
    CommD: Array(32).fill(0),
    Dest: [],
    State: 1,
    ErrorInfo: "",
    ...over,
  };
}
