// Where the bundled proof binary lives: `native/target/release/sealfarm-proofs` in a checkout (after
// `npm run build:native`), or `SEALFARM_PROOFS_BIN` when a release puts it elsewhere.
import { join } from "node:path";
import { packageRoot } from "../../components/core/package-root.js";

export function defaultProofsBin(): string {
  const fromEnv = process.env.SEALFARM_PROOFS_BIN;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  return join(packageRoot(), "native", "target", "release", "sealfarm-proofs");
}
