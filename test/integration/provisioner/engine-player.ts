// Plays the Pulumi engine for end-to-end tests where no Pulumi CLI exists. Installed as the mocks of
// pulumi.runtime.setMocks, it does what the engine and its plugins would do with each registration:
// - a dynamic resource: deserializes the provider from its `__provider` input (the text stored in state) and runs
//   check → create, or, when a resource of that name exists in its state, check → diff → update only on changes;
// - a `command:remote:Command` (the command plugin is not installed here): runs its `create` over SSH with the
//   pinned host key, again only when its inputs changed, like the plugin;
// - a component: records it.
// `refresh()` runs every dynamic resource's read() from state, as `pulumi refresh` / `--refresh` would.
import { createRequire } from "node:module";
import type * as pulumi from "@pulumi/pulumi";
import ssh2 from "ssh2";

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

interface DynamicProvider {
  check?(olds: unknown, news: unknown): Promise<{ inputs?: Record<string, unknown>; failures?: unknown[] }>;
  diff?(id: string, olds: unknown, news: unknown): Promise<{ changes?: boolean; replaces?: string[] }>;
  create(inputs: unknown): Promise<{ id: string; outs?: Record<string, unknown> }>;
  read?(id: string, props: unknown): Promise<{ id?: string; props?: Record<string, unknown> }>;
  update?(id: string, olds: unknown, news: unknown): Promise<{ outs?: Record<string, unknown> }>;
}

export interface PlayedResource {
  type: string;
  name: string;
  id: string;
  inputs: Record<string, unknown>;
  outs: Record<string, unknown>;
  providerText?: string;
}

export interface Operation {
  op: "create" | "update" | "same";
  type: string;
  name: string;
}

/** Removes secret envelopes, as the engine does before handing inputs to a provider that does not accept secrets. */
export function unwrapSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[SECRET_SIG] !== undefined) return unwrapSecrets(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)]));
  }
  return v;
}

function loadProvider(text: string, projectDir: string): DynamicProvider {
  const mod: { exports: Record<string, () => DynamicProvider> } = { exports: {} };
  // The engine's nodejs provider host evaluates the text as a CommonJS module resolved from the project directory.
  new Function("module", "exports", "require", text)(mod, mod.exports, createRequire(`${projectDir}/index.js`));
  const factory = mod.exports.handler;
  if (!factory) throw new Error("serialized provider has no handler export");
  return factory();
}

function runOverSsh(conn: Record<string, unknown>, script: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    const pinned = String(conn.hostKey ?? "").split(/\s+/)[1];
    client.on("error", reject);
    client.on("ready", () => {
      client.exec(script, (err, stream) => {
        if (err) return reject(err);
        let out = "";
        let code = -1;
        stream.on("data", (d: Buffer) => {
          out += d.toString();
        });
        stream.stderr.on("data", (d: Buffer) => {
          out += d.toString();
        });
        stream.on("exit", (c: number) => {
          code = c;
        });
        stream.on("close", () => {
          client.end();
          resolve({ code, out });
        });
      });
    });
    client.connect({
      host: String(conn.host),
      port: Number(conn.port ?? 22),
      username: String(conn.user ?? "root"),
      privateKey: String(conn.privateKey),
      hostVerifier: (key: Buffer) => key.toString("base64") === pinned,
    });
  });
}

export class EnginePlayer {
  readonly state = new Map<string, PlayedResource>();
  readonly log: Operation[] = [];
  readonly failures: Error[] = [];

  constructor(private readonly projectDir: string) {}

  mocks(): pulumi.runtime.Mocks {
    return {
      newResource: async (args) => {
        try {
          return await this.register(args.type, args.name, args.inputs as Record<string, unknown>);
        } catch (err) {
          this.failures.push(err as Error);
          throw err;
        }
      },
      call: (args) => args.inputs,
    };
  }

  private key(type: string, name: string): string {
    return `${type}::${name}`;
  }

  private async register(type: string, name: string, raw: Record<string, unknown>) {
    const key = this.key(type, name);
    const prior = this.state.get(key);
    if (type.startsWith("pulumi-nodejs:dynamic/")) {
      const { __provider: providerText, ...rest } = raw;
      const provider = loadProvider(String(providerText), this.projectDir);
      const news = unwrapSecrets(rest) as Record<string, unknown>;
      const checked = provider.check ? await provider.check(prior?.inputs ?? {}, news) : { inputs: news };
      if (checked.failures && checked.failures.length > 0)
        throw new Error(`${name}: check failed: ${JSON.stringify(checked.failures)}`);
      const inputs = checked.inputs ?? news;
      let played: PlayedResource;
      if (!prior) {
        const created = await provider.create(inputs);
        played = { type, name, id: created.id, inputs, outs: created.outs ?? {}, providerText: String(providerText) };
        this.log.push({ op: "create", type, name });
      } else {
        const diff = provider.diff ? await provider.diff(prior.id, prior.outs, inputs) : { changes: true };
        if (diff.changes && diff.replaces && diff.replaces.length > 0)
          throw new Error(`${name}: the player does not replace resources (replaces ${diff.replaces.join(", ")})`);
        if (diff.changes && provider.update) {
          const updated = await provider.update(prior.id, prior.outs, inputs);
          played = { ...prior, inputs, outs: updated.outs ?? {}, providerText: String(providerText) };
          this.log.push({ op: "update", type, name });
        } else {
          played = { ...prior, inputs };
          this.log.push({ op: "same", type, name });
        }
      }
      this.state.set(key, played);
      return { id: played.id, state: played.outs };
    }
    if (type === "command:remote:Command") {
      const inputs = unwrapSecrets(raw) as Record<string, unknown>;
      const same = prior && JSON.stringify(prior.inputs) === JSON.stringify(inputs);
      if (!same) {
        const res = await runOverSsh(inputs.connection as Record<string, unknown>, String(inputs.create));
        if (res.code !== 0) throw new Error(`${name}: command failed (exit ${res.code}): ${res.out}`);
        this.state.set(key, { type, name, id: name, inputs, outs: { stdout: res.out } });
      }
      this.log.push({ op: same ? "same" : prior ? "update" : "create", type, name });
      return { id: name, state: { ...raw } };
    }
    this.state.set(key, { type, name, id: "", inputs: raw, outs: {} });
    return { id: undefined, state: {} };
  }

  /** Reads every dynamic resource from its host and keeps the live view as its state, like `pulumi refresh`. */
  async refresh(): Promise<Map<string, { id: string; drift: boolean; live: Record<string, unknown> }>> {
    const result = new Map<string, { id: string; drift: boolean; live: Record<string, unknown> }>();
    for (const [key, r] of this.state) {
      if (!r.providerText) continue;
      const provider = loadProvider(r.providerText, this.projectDir);
      const read = provider.read ? await provider.read(r.id, r.outs) : { id: r.id, props: r.outs };
      const live = { ...r, id: read.id ?? "", outs: read.props ?? r.outs };
      const diff = provider.diff ? await provider.diff(r.id, live.outs, r.inputs) : { changes: false };
      result.set(r.name, { id: live.id, drift: live.id === "" || diff.changes === true, live: live.outs });
      this.state.set(key, live);
    }
    return result;
  }

  take(): Operation[] {
    return this.log.splice(0, this.log.length);
  }
}
