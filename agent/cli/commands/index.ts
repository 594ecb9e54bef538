// Every `sealfarm` subcommand, in the order `sealfarm --help` lists them. A command is added here only when it
// works end to end. Each is imported only when it runs, so `sealfarm --version` or `sealfarm plan` does not load
// the manager, the worker and their native modules (start-up time; `npm run bench:cli`).
import type { CommandEntry } from "../command.js";

export const commands: readonly CommandEntry[] = [
  { path: ["dev"], load: async () => (await import("./dev.js")).dev },
  { path: ["manager", "init"], load: async () => (await import("./manager-init.js")).managerInit },
  { path: ["manager", "run"], load: async () => (await import("./manager-run.js")).managerRun },
  {
    path: ["manager", "token", "create"],
    load: async () => (await import("./manager-token-create.js")).managerTokenCreate,
  },
  {
    path: ["manager", "token", "rotate"],
    load: async () => (await import("./manager-token-create.js")).managerTokenRotate,
  },
  { path: ["manager", "tls", "init"], load: async () => (await import("./manager-tls-init.js")).managerTlsInit },
  { path: ["sectors", "list"], load: async () => (await import("./sectors-list.js")).sectorsList },
  { path: ["sectors", "show"], load: async () => (await import("./sectors-show.js")).sectorsShow },
  { path: ["sectors", "rebuild"], load: async () => (await import("./sectors-rebuild.js")).sectorsRebuild },
  { path: ["sectors", "unseal"], load: async () => (await import("./sectors-unseal.js")).sectorsUnseal },
  { path: ["workers", "list"], load: async () => (await import("./workers-list.js")).workersList },
  { path: ["worker", "run"], load: async () => (await import("./worker-run.js")).workerRun },
  { path: ["worker", "check"], load: async () => (await import("./worker-check.js")).workerCheck },
  { path: ["worker", "list"], load: async () => (await import("./worker-list.js")).workerList },
  { path: ["worker", "pause"], load: async () => (await import("./worker-pause.js")).workerPause },
  { path: ["worker", "resume"], load: async () => (await import("./worker-resume.js")).workerResume },
  {
    path: ["worker", "token", "create"],
    load: async () => (await import("./worker-token-create.js")).workerTokenCreate,
  },
  { path: ["messages", "list"], load: async () => (await import("./messages-list.js")).messagesList },
  { path: ["chain", "head"], load: async () => (await import("./chain-head.js")).chainHead },
  { path: ["devnet", "run"], load: async () => (await import("./devnet-run.js")).devnetRun },
  { path: ["deals", "import"], load: async () => (await import("./deals-import.js")).dealsImport },
  { path: ["plan"], load: async () => (await import("./plan.js")).plan },
  { path: ["host", "probe"], load: async () => (await import("./host-probe.js")).hostProbe },
];
