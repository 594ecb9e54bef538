// `systemctl` invocations as typed argv: a caller names the action and the units, never a flag string.

export type SystemctlAction =
  | "daemon-reload"
  | "enable"
  | "disable"
  | "start"
  | "stop"
  | "restart"
  | "is-active"
  | "is-enabled"
  | "show";

export interface SystemctlOptions {
  readonly action: SystemctlAction;
  readonly units?: readonly string[];
  /** `enable --now` / `disable --now`. */
  readonly now?: boolean;
  /** `--user` (a user manager, as in the test hosts) instead of the system manager. */
  readonly user?: boolean;
  /** `show --property=A,B`. */
  readonly properties?: readonly string[];
}

const UNIT = /^[A-Za-z0-9:_.@\\-]+\.(service|socket|target|timer|path|mount)$/;

export function systemctl(opts: SystemctlOptions): string[] {
  const argv = ["systemctl"];
  if (opts.user) argv.push("--user");
  argv.push(opts.action);
  if (opts.now) {
    if (opts.action !== "enable" && opts.action !== "disable")
      throw new Error(`systemctl ${opts.action}: --now only goes with enable/disable`);
    argv.push("--now");
  }
  if (opts.properties !== undefined && opts.properties.length > 0) {
    if (opts.action !== "show") throw new Error(`systemctl ${opts.action}: --property only goes with show`);
    argv.push(`--property=${opts.properties.join(",")}`);
  }
  const units = opts.units ?? [];
  if (opts.action === "daemon-reload") {
    if (units.length > 0) throw new Error("systemctl daemon-reload: takes no unit");
  } else if (units.length === 0) {
    throw new Error(`systemctl ${opts.action}: expected at least one unit`);
  }
  for (const u of units) {
    if (!UNIT.test(u))
      throw new Error(
        `systemctl ${opts.action}: expected a unit name like "sealfarm-worker.service", got ${JSON.stringify(u)}`,
      );
    argv.push(u);
  }
  return argv;
}
