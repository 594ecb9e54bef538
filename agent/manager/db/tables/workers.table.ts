// The worker registry fed by Venus.WorkerPing.

export interface WorkersTable {
  name: string;
  dest: string;
  version: string;
  threads: number;
  empty: number;
  paused: number;
  running: number;
  waiting: number;
  errors: number;
  last_ping: number;
}
