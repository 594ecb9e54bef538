// The manager's two clocks under the test's control. The devnet derives its height from the time since genesis,
// and timeouts (WindowPoSt heartbeats) compare `ctx.now()` with the wall clock, so a window of a few hundred ms
// can close, or a heartbeat expire, while a loaded machine is still proving. A test about windows or timeouts
// holds the chain or jumps the clock itself instead. The chain is the devnet the manager runs in its own process:
// holding it stops the devnet's own clock, so the manager (which reads the head over the Lotus API) and the
// devnet (which includes messages and checks deadlines by that clock) agree on the height.

import { deadlineAt } from "../../agent/manager/chain/devnet-server/devnet-state.js";
import type { RunningManager } from "../../agent/manager/manager.js";

export interface HeldChain {
  readonly height: number;
  /** The deadline window open at the held height (it stays open until the test moves the chain). */
  deadline(): { index: number; open: number; close: number };
  /** The first epoch after the held height at which deadline `index` opens. */
  nextOpen(index: number): number;
  /** Moves the chain forward to `height` and runs one pump cycle there (jobs created, closed windows expired). */
  to(height: number): Promise<void>;
}

/** From now on the devnet stays at its current height until `to` moves it. */
export function holdChain(m: RunningManager): HeldChain {
  const devnet = m.ctx.chain.devnet;
  if (devnet === undefined) throw new Error('holdChain needs the manager\'s own devnet ([chain] kind = "devnet")');
  const settings = devnet.server.state().settings;
  let height = devnet.head();
  devnet.holdAt(height);
  return {
    get height() {
      return height;
    },
    deadline: () => deadlineAt(settings, height),
    nextOpen: (index) => {
      const window = settings.provingPeriod / settings.deadlines;
      let open = height - (height % settings.provingPeriod) + index * window;
      while (open <= height) open += settings.provingPeriod;
      return open;
    },
    to: async (h) => {
      if (h < height) throw new Error(`the chain cannot go back from ${height} to ${h}`);
      height = h;
      devnet.holdAt(h);
      await m.tick();
    },
  };
}

export interface JumpableClock {
  /** Moves the manager's clock forward by `ms` (it keeps running with the wall clock from there). */
  jump(ms: number): void;
}

/** The manager's `ctx.now()` runs with the wall clock, but the test can jump it forward (past a timeout). */
export function jumpableClock(m: RunningManager): JumpableClock {
  const wall = m.ctx.now;
  let skew = 0;
  m.ctx.now = () => wall() + skew;
  return {
    jump: (ms) => {
      skew += ms;
    },
  };
}

export interface PausableClock {
  /** The clock to hand the manager's devnet (`startManager({ devnetClock })`): the wall clock minus the pauses. */
  readonly now: () => number;
  /** Stops the clock where it is: the chain's height stays, across manager restarts too (same clock). */
  pause(): void;
  /** Lets it run again from where it stopped (no jump over the pause). */
  resume(): void;
}

/**
 * A devnet clock that can stand still. Unlike `holdChain`, which holds one running devnet, it outlives the manager:
 * a manager stopped and started again on it finds the chain at the height it left, so a deadline cannot pass
 * unproven while nothing is there to prove it.
 */
export function pausableClock(): PausableClock {
  let pausedTotal = 0;
  let pausedAt: number | undefined;
  return {
    now: () => (pausedAt ?? Date.now()) - pausedTotal,
    pause: () => {
      pausedAt ??= Date.now();
    },
    resume: () => {
      if (pausedAt === undefined) return;
      pausedTotal += Date.now() - pausedAt;
      pausedAt = undefined;
    },
  };
}
