// `sealfarm dev`: the whole farm on this machine. A manager (SQLite + devnet with short delays) and one worker
// agent (several sealing threads and a PoSt thread) in this process, state under `<root>` so a second run with the
// same options continues where the first stopped (other options are refused: dev-record.ts). Done when N sectors
// are Active and a WindowPoSt verified; with `keep`, the farm then serves until the stop signal. While it runs,
// `<root>/running.json` lets the CLI find it (running-farm.ts).
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { stringify } from "smol-toml";
import { configPath, loadManagerConfig } from "../manager/config/load-manager-config.js";
import { importDeal } from "../manager/deals/deal.service.js";
import { type RunningManager, startManager } from "../manager/manager.js";
import type { WdPoStInput } from "../shared/rpc/venus-types.js";
import { loadWorkerConfig } from "../worker/config/load-worker-config.js";
import { defaultProofsBin } from "../worker/default-bin.js";
import { processorHasStage } from "../worker/processors/probe-stage.js";
import { WorkerAgent } from "../worker/worker-agent.js";
import { type DevOptions, dealPayload, planDev } from "./dev-plan.js";
import { prepareDevDirectory } from "./dev-record.js";
import {
  type DevProgress,
  type DevSummary,
  keepHint,
  renderKeptFarm,
  renderLiveView,
  renderSummary,
} from "./dev-view.js";
import { removeRunningFarm, runningFarmIn, writeRunningFarm } from "./running-farm.js";

export interface DevIo {
  out(text: string): void;
  err(text: string): void;
  isTTY: boolean;
  write(raw: string): void;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

export interface DevRunOptions extends Omit<DevOptions, "managerPort" | "workerPort"> {
  json: boolean;
  /** Delete the farm in `root` first (only a directory dev made). */
  fresh: boolean;
  /** After the proofs verify, keep the manager and worker running until the stop signal. */
  keep: boolean;
  /** How the user runs sealfarm ("sealfarm", "node bin/sealfarm.js"), for the commands --keep prints. */
  cli: string;
  /** True when `root` is ./.sealfarm/dev of the user's directory (the CLI then finds the farm unaided). */
  discoverable: boolean;
}

export async function runDev(o: DevRunOptions, io: DevIo, stopSignal: AbortSignal): Promise<number> {
  const started = Date.now();
  // Two runs on one directory would be two managers on one database: the second stops before touching anything.
  const other = runningFarmIn(o.root);
  if (other !== undefined) {
    io.err(
      `sealfarm dev: a farm already runs in ${o.root} (pid ${other.pid}, manager ${other.managerUrl}); stop it with Ctrl-C first, or add --dir DIR for another farm`,
    );
    return 1;
  }
  const verdict = prepareDevDirectory(o.root, o, o.fresh, `${o.cli} dev${o.discoverable ? "" : ` --dir ${o.root}`}`);
  if (!verdict.ok) {
    io.err(verdict.message);
    return 1;
  }
  mkdirSync(o.root, { recursive: true });
  const logFile = `${o.root}/dev.log`;
  const log = (line: string) => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);
  const managerPort = (await portFree(1789)) ? 1789 : 0;
  const workerPort = (await portFree(17890)) ? 17890 : 0;
  const plan = planDev({ ...o, managerPort, workerPort });
  const bin = defaultProofsBin();
  const missing: string[] = [];
  for (const s of ["add_pieces", "tree_d", "pc1", "pc2", "c1", "c2", "window_post"])
    if (!(await processorHasStage(bin, s))) missing.push(s);
  if (missing.length > 0)
    io.err(`warning: ${bin} does not serve processor stage(s) ${missing.join(", ")}; dev cannot finish`);

  mkdirSync(plan.managerHome, { recursive: true });
  writeFileSync(configPath(plan.managerHome), `# written by sealfarm dev\n${stringify(plan.managerToml)}`);
  const manager: RunningManager = await startManager({ config: loadManagerConfig(plan.managerHome) });
  let agent: WorkerAgent | undefined;
  const summary: DevSummary = {
    ok: false,
    sectorSize: o.sectorSize,
    sectorsTarget: o.sectors,
    sectorsActive: 0,
    sectorsAborted: 0,
    dealsSealed: 0,
    proveCommitsVerified: 0,
    windowPostsVerified: 0,
    elapsedSeconds: 0,
    stages: {},
    problem: null,
  };
  let drawn = 0;
  if (o.snapup === true) summary.snapup = { upgraded: 0, upgradedPostsVerified: 0 };
  // One small deal, imported once: a second run finds it and goes on. A SnapUp farm imports it once its CC
  // sectors prove, so that it goes into one of them.
  const importTheDeal = async () => {
    const deals = await manager.ctx.db.selectFrom("deals").select("id").where("miner", "=", 1000).execute();
    if (deals.length > 0) return;
    writeFileSync(plan.dealFile, dealPayload(plan.dealBytes));
    const d = await importDeal(manager.ctx, plan.dealFile, 1000);
    log(`imported deal ${d.id}: piece ${d.pieceCid} (${d.payloadSize} bytes)`);
  };
  try {
    if (o.snapup !== true) await importTheDeal();
    const toml = plan.workerToml as { sector_manager: { rpc_client: { addr: string } } };
    toml.sector_manager.rpc_client.addr = manager.url;
    mkdirSync(`${o.root}/worker`, { recursive: true });
    writeFileSync(plan.workerFile, `# written by sealfarm dev\n${stringify(plan.workerToml)}`);
    const loaded = loadWorkerConfig(plan.workerFile, { defaultBin: bin });
    for (const w of loaded.warnings) log(`warning: ${w}`);
    agent = await WorkerAgent.start({ config: loaded.config, defaultBin: bin, log });
    writeRunningFarm(o.root, {
      pid: process.pid,
      managerUrl: manager.url,
      managerHome: plan.managerHome,
      workerUrl: agent.rpcUrl,
    });
    if (!o.json)
      io.out(`sealfarm dev: manager ${manager.url}, worker ${agent.rpcUrl}, state in ${o.root} (log: ${logFile})`);

    let lastPrint = 0;
    let sampleSector = 1;
    for (;;) {
      const list = await manager.ctx.db
        .selectFrom("sectors")
        .select(["state", "number"])
        .where("miner", "=", 1000)
        .execute();
      const sectorsView = await agent.rpc.callVenus("ListSectors", [null]);
      // Faulty is Active with a missed or failed WindowPoSt (a loaded machine can miss a window): still sealed.
      const sealed = (s: { State: string }) => s.State === "Active" || s.State === "Faulty";
      const active = sectorsView.filter(sealed).length;
      const aborted = sectorsView.filter((s) => s.State === "Aborted").length;
      const posts = await manager.ctx.db
        .selectFrom("wdpost_jobs")
        .select(["id", "finished_at"])
        .where("succeeded", "=", 1)
        .where("finished_at", ">=", started)
        .execute();
      const progress: DevProgress = {
        target: o.sectors,
        active,
        inProgress: list.length - active - aborted,
        aborted,
        postVerified: posts.length,
        elapsedMs: Date.now() - started,
      };
      summary.sectorsActive = active;
      summary.sectorsAborted = aborted;
      summary.dealsSealed = sectorsView.filter((s) => sealed(s) && s.Deals > 0).length;
      sampleSector = sectorsView.find((s) => s.State === "Active")?.ID.Number ?? sampleSector;
      summary.proveCommitsVerified = active;
      summary.windowPostsVerified = posts.length;
      const threads = agent.list();
      if (!o.json) {
        const view = renderLiveView(threads, progress);
        if (io.isTTY) {
          io.write(
            `${drawn > 0 ? `\x1b[${drawn}A` : ""}${view
              .split("\n")
              .map((l) => `\x1b[2K${l}`)
              .join("\n")}\n`,
          );
          drawn = view.split("\n").length;
        } else if (Date.now() - lastPrint > 5000) {
          io.out(view.split("\n")[0] ?? "");
          lastPrint = Date.now();
        }
      }
      if (summary.snapup !== undefined && active >= o.sectors) {
        await importTheDeal();
        const upgraded = await manager.ctx.db
          .selectFrom("sectors")
          .select(["number", "snap_at"])
          .where("miner", "=", 1000)
          .where("snap_state", "=", "upgraded")
          .execute();
        // A WindowPoSt that proved an update replica (its input names the sector as upgraded) and verified.
        const upgradedPosts = await manager.ctx.db
          .selectFrom("wdpost_jobs")
          .select("input")
          .where("succeeded", "=", 1)
          .where("finished_at", ">=", started)
          .execute();
        summary.snapup = {
          upgraded: upgraded.length,
          upgradedPostsVerified: upgradedPosts.filter((j) =>
            (JSON.parse(j.input) as WdPoStInput).Sectors.some((x) => x.Upgrade),
          ).length,
        };
      }
      const snapDone = summary.snapup === undefined || summary.snapup.upgradedPostsVerified > 0;
      if (active >= o.sectors && posts.length > 0 && snapDone) {
        summary.ok = true;
        break;
      }
      const paused = threads.find((t) => t.thread_state.state === "Paused" && t.last_error !== null);
      if (paused !== undefined) {
        summary.problem = `thread ${paused.index} paused: ${paused.last_error}`;
        break;
      }
      if (aborted > 0 && active + aborted >= o.sectors) {
        summary.problem = `${aborted} sector(s) aborted (see ${logFile} and \`sealfarm sectors list\`)`;
        break;
      }
      if (active >= o.sectors && missing.includes("window_post")) {
        summary.problem =
          "every sector is Active, but sealfarm-proofs has no window_post stage, so no WindowPoSt can verify";
        break;
      }
      if (stopSignal.aborted) {
        summary.problem = "interrupted (run sealfarm dev again to continue)";
        break;
      }
      await new Promise<void>((r) => {
        const wake = () => {
          clearTimeout(t);
          r();
        };
        const t = setTimeout(() => {
          stopSignal.removeEventListener("abort", wake);
          r();
        }, 500);
        stopSignal.addEventListener("abort", wake, { once: true });
      });
    }
    for (const [stage, v] of Object.entries(agent.metrics.stageSummary()))
      summary.stages[stage] = {
        count: v.count,
        totalSeconds: v.seconds,
        meanSeconds: v.count === 0 ? 0 : v.seconds / v.count,
      };
    summary.elapsedSeconds = (Date.now() - started) / 1000;
    const kept = o.keep && summary.ok;
    if (o.json) io.out(JSON.stringify(summary));
    else io.out(renderSummary(summary));
    if (kept) {
      const commands = renderKeptFarm({
        cli: o.cli,
        managerUrl: manager.url,
        workerUrl: agent.rpcUrl,
        miner: 1000,
        sector: sampleSector,
        discoverable: o.discoverable,
      });
      // With --json, stdout stays one JSON object: the commands go to stderr.
      if (o.json) io.err(commands);
      else io.out(commands);
      await new Promise<void>((r) =>
        stopSignal.aborted ? r() : stopSignal.addEventListener("abort", () => r(), { once: true }),
      );
      io.err("sealfarm dev: stopping the farm");
    } else {
      const hint = o.keep
        ? "sealfarm dev --keep: the farm did not finish, so it is not kept running."
        : keepHint(o.cli);
      if (o.json) io.err(hint);
      else io.out(`\n${hint}`);
    }
  } finally {
    removeRunningFarm(o.root);
    if (agent !== undefined) await agent.stop();
    await manager.close();
  }
  if (summary.ok) return 0;
  return stopSignal.aborted ? 130 : 1;
}
