// The errors services raise on purpose. Codes come from the closed set in shared/rpc/json-rpc.ts.
import { RpcError, RpcErrorCode } from "../../shared/rpc/json-rpc.js";
import type { SectorID } from "../../shared/rpc/venus-types.js";
import { ChainError } from "../chain/lotus/chain-errors.js";
import { sectorName } from "../sectors/sector-name.js";

/** 11001: the worker aborts the sector when it sees this inside a state handler. */
export function sectorNotFound(sid: SectorID, why = "not found"): RpcError {
  return new RpcError(RpcErrorCode.SectorStateNotFound, `sector state not found: ${sectorName(sid)} ${why}`);
}

export function invalidParams(message: string): RpcError {
  return new RpcError(RpcErrorCode.InvalidParams, message);
}

export function generic(message: string): RpcError {
  return new RpcError(RpcErrorCode.Generic, message);
}

/** A chain read for a Venus call: a chain failure is answered as a generic error naming it (the worker retries). */
export async function chainCall<T>(method: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ChainError) throw generic(`${method}: the chain did not answer: ${error.message}`);
    throw error;
  }
}
