// `sealfarm worker resume --index N [--state S]`: resume a paused thread, optionally at state S (e.g. TreeDBuilt
// for an expired ticket, Aborted to drop the sector).

import { isWdPostState } from "../../worker/planner/wdpost.js";
import { allSealingStates } from "../../worker/thread/plan-spec.js";
import { flag, parseArgs } from "../cli-args.js";
import { type Command, UsageError } from "../command.js";
import { callWorkerThread } from "../worker-url.js";

export const workerResume: Command = {
  path: ["worker", "resume"],
  summary: "resume a paused sealing thread, optionally at a given state",
  usage: "usage: sealfarm worker resume --index N [--state S] [--url URL] [--token T]",
  async run(argv, io) {
    const args = parseArgs(argv, ["url", "token", "index", "state"]);
    const state = flag(args, "state");
    // Any plan's state passes here; the worker checks that it fits the thread's plan.
    const states = allSealingStates();
    if (state !== undefined && !states.includes(state) && !isWdPostState(state))
      throw new UsageError(`--state: expected one of ${states.join(", ")}, got ${JSON.stringify(state)}`);
    if (!(await callWorkerThread(args, "VenusWorker.WorkerResume", [state ?? null]))) {
      io.err(
        `thread ${flag(args, "index")}: not resumed (no such thread, it is not paused, or the state does not fit its plan)`,
      );
      return 1;
    }
    io.out(`thread ${flag(args, "index")}: resumed${state === undefined ? "" : ` at ${state}`}`);
    return 0;
  },
};
