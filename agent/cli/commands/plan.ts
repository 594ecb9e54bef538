// `sealfarm plan --class FILE --sector-size S [--role R] [--json]`: the worker TOML and capacity report the
// provisioner would deploy for one host of this class. Without --json the output is a valid TOML file whose
// leading comments are the report, so it can be redirected straight into a worker config.
// `sealfarm plan --farm STACKFILE [--classes DIR]`: every host of a farm and the farm's sectors per day.
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { loadClassDirectory, loadMachineClass } from "../../../components/core/config/load-class.js";
import type { HostRole } from "../../../components/core/config/load-farm.js";
import { loadFarmStackFile } from "../../../components/core/config/load-stack-file.js";
import { isSectorSizeName, sectorSizeNames } from "../../../components/core/config/sector-size.js";
import { farmCapacity } from "../../../components/core/plan/farm-capacity.js";
import { planHost } from "../../../components/core/plan/plan-host.js";
import { renderCapacityReport, renderFarmCapacity } from "../../../components/core/render/capacity-report.js";
import { renderWorkerToml } from "../../../components/core/render/worker-toml.js";
import { type Command, UsageError } from "../command.js";

const roles: readonly HostRole[] = ["sealer", "post"];

export const plan: Command = {
  path: ["plan"],
  summary: "plan one host of a machine class: worker TOML + capacity report",
  usage: [
    "usage: sealfarm plan --class FILE --sector-size SIZE [--role sealer|post] [--json]",
    "       sealfarm plan --farm STACKFILE [--classes DIR] [--json]",
    "",
    "Plans a host of the machine class in FILE (e.g. stacks/classes/epyc-2gpu.yaml) for one sector size",
    `(${sectorSizeNames.join(", ")}) and prints the damocles worker TOML, preceded by the capacity report`,
    "as comments: sealing threads, the resource that bounds them, and the expected sectors per day.",
    "",
    "  --class FILE        machine-class YAML",
    "  --sector-size SIZE  sector size to seal or prove",
    "  --role ROLE         sealer (default) or post (a WindowPoSt-only worker)",
    "  --json              print {report, workerToml, toml} as JSON instead",
    "",
    "With --farm, plans every worker host of a stack file (e.g. stacks/Pulumi.example.yaml) with its class",
    "(from DIR, default: the classes/ directory beside the stack file) and prints the farm's sectors per day.",
  ].join("\n"),
  async run(argv, io) {
    let values: {
      class?: string;
      "sector-size"?: string;
      role?: string;
      json?: boolean;
      farm?: string;
      classes?: string;
    };
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          class: { type: "string" },
          "sector-size": { type: "string" },
          role: { type: "string" },
          json: { type: "boolean" },
          farm: { type: "string" },
          classes: { type: "string" },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (values.farm !== undefined) {
      if (values.class !== undefined || values["sector-size"] !== undefined || values.role !== undefined) {
        throw new UsageError("--farm plans every host of the farm: it takes no --class, --sector-size or --role");
      }
      const classes = loadClassDirectory(values.classes ?? join(dirname(values.farm), "classes"));
      const farm = loadFarmStackFile(values.farm, { classNames: classes.keys() });
      const capacity = farmCapacity(farm, classes);
      io.out(values.json ? JSON.stringify(capacity, null, 2) : renderFarmCapacity(capacity));
      return 0;
    }
    if (values.class === undefined) throw new UsageError("--class FILE (or --farm STACKFILE) is required");
    const size = values["sector-size"];
    if (size === undefined) throw new UsageError("--sector-size is required");
    if (!isSectorSizeName(size)) {
      throw new UsageError(`--sector-size: expected one of ${sectorSizeNames.join(", ")}, got "${size}"`);
    }
    const role = (values.role ?? "sealer") as HostRole;
    if (!roles.includes(role)) throw new UsageError(`--role: expected "sealer" or "post", got "${values.role}"`);
    const machineClass = loadMachineClass(values.class);
    const hostPlan = planHost(machineClass, role, size);
    const toml = renderWorkerToml(hostPlan);
    if (values.json) {
      io.out(JSON.stringify({ report: hostPlan.report, workerToml: hostPlan.workerToml, toml }, null, 2));
      return 0;
    }
    const report = renderCapacityReport(hostPlan.report)
      .trimEnd()
      .split("\n")
      .map((l) => `# ${l}`)
      .join("\n");
    io.out(`${report}\n#\n${toml}`);
    return 0;
  },
};
