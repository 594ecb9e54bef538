// builtin-actors' BatchReturn (the return of ProveCommitSectors3 and other batch methods):
// [success_count, [[index, exit_code], …]]. Pure; an empty return (an old or a stub actor) is "all succeeded".
import { asArray, asTuple, asUint, decodeCbor } from "./filecoin/cbor-shape.js";

export interface BatchReturn {
  successCount: number;
  failCodes: { index: number; code: number }[];
}

export function decodeBatchReturn(bytes: Uint8Array): BatchReturn {
  if (bytes.length === 0) return { successCount: 0, failCodes: [] };
  const t = asTuple(decodeCbor(bytes, "BatchReturn"), 2, "BatchReturn");
  return {
    successCount: asUint(t[0], "BatchReturn/success_count"),
    failCodes: asArray(t[1], "BatchReturn/fail_codes", (v, p) => {
      const f = asTuple(v, 2, p);
      return { index: asUint(f[0], `${p}/idx`), code: asUint(f[1], `${p}/code`) };
    }),
  };
}
