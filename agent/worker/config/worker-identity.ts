// Who the worker says it is: its name and the address (WorkerPing `Dest`) the manager and the operator's CLI use to
// reach its RPC. damocles-worker opens a TCP connection to the manager and takes the local address of that socket:
// that is the interface the manager's traffic arrives on, so it is also the address the manager can reach back.
// The name defaults to that address; Dest is `<that address>:<rpc port>` when the RPC listens on every interface.
import net from "node:net";

/** The host and port a manager URL (`http://h:1789`, `https://[::1]:1789`) connects to. */
export function managerEndpoint(managerUrl: string): { host: string; port: number } {
  const u = new URL(managerUrl);
  const port = u.port === "" ? (u.protocol === "https:" ? 443 : 80) : Number(u.port);
  return { host: u.hostname.replace(/^\[|\]$/g, ""), port };
}

/** The local address of a TCP connection to the manager (damocles' `local_ip`), or an error that names the manager. */
export function localAddressToward(managerUrl: string, timeoutMs = 5000): Promise<string> {
  const { host, port } = managerEndpoint(managerUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const fail = (why: string) => {
      socket.destroy();
      reject(new Error(`cannot reach the manager at ${managerUrl} to learn this worker's address: ${why}`));
    };
    socket.setTimeout(timeoutMs, () => fail(`no connection after ${timeoutMs} ms`));
    socket.once("error", (e) => fail(e.message));
    socket.once("connect", () => {
      const local = socket.localAddress;
      socket.destroy();
      if (local === undefined) reject(new Error(`connected to ${managerUrl} but the socket has no local address`));
      else resolve(local.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1"));
    });
  });
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\./.test(h) || /^::ffff:127\./.test(h);
}

export function isWildcard(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "");
  return h === "0.0.0.0" || h === "::" || h === "";
}

const hostPort = (host: string, port: number) => (host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`);

export interface WorkerIdentity {
  name: string;
  /** `host:port` as WorkerPing sends it (no scheme). */
  dest: string;
}

/**
 * Pure: the name and Dest from the config and the local address toward the manager. A listener on every interface
 * is reported at the local address; one on a given address at that address. A loopback Dest is refused unless the
 * manager is on loopback too, because the manager (and `damocles-manager util worker` style tools) could not reach
 * it: damocles reports the local address whatever the bind, which can name an address nothing listens on.
 */
export function workerIdentity(o: {
  configuredName: string | undefined;
  rpcHost: string;
  rpcPort: number;
  localAddress: string;
  managerUrl: string;
  file: string;
}): WorkerIdentity {
  const managerOnLoopback = isLoopback(managerEndpoint(o.managerUrl).host);
  const destHost = isWildcard(o.rpcHost) ? o.localAddress : o.rpcHost;
  if (isLoopback(destHost) && !managerOnLoopback)
    throw new Error(
      `${o.file}: worker.rpc_server.host: ${JSON.stringify(o.rpcHost)} is a loopback address, which the manager at ${o.managerUrl} cannot reach; leave it unset (damocles' default 0.0.0.0: every interface, state-changing calls need a token from outside loopback) or set the address of the interface toward the manager (${o.localAddress})`,
    );
  if (isWildcard(destHost))
    throw new Error(`${o.file}: worker.rpc_server.host: cannot report a wildcard address to the manager`);
  return { name: o.configuredName ?? o.localAddress, dest: hostPort(destHost, o.rpcPort) };
}
