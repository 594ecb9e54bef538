// How the user runs this sealfarm, so printed commands can be pasted as they are: "sealfarm" when it came from
// PATH (npm link, a release's bin/sealfarm), else "node <launcher>" relative to their directory (npm start runs
// `node bin/sealfarm.js`).
import { basename, isAbsolute, relative } from "node:path";

export function cliInvocation(launcher: string, cwd: string): string {
  if (basename(launcher) === "sealfarm") return "sealfarm";
  const rel = relative(cwd, launcher);
  return `node ${rel.startsWith("..") || isAbsolute(rel) ? launcher : rel}`;
}
