import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { localAddressToward, managerEndpoint, workerIdentity } from "./worker-identity.js";

const base = { configuredName: undefined, rpcPort: 17890, file: "/etc/sealfarm/worker.toml" };

describe("workerIdentity (damocles: name and Dest from the local address toward the manager)", () => {
  // [what, the bind host, the local address toward the manager, the manager, the name and Dest reported]
  type Where = Omit<Parameters<typeof workerIdentity>[0], keyof typeof base> & { configuredName?: string };
  const accepted: Array<[string, Where, { name: string; dest: string }]> = [
    [
      "defaults the name to the local address and reports it with the RPC port on a wildcard bind",
      { rpcHost: "0.0.0.0", localAddress: "10.0.0.7", managerUrl: "http://10.0.0.2:1789" },
      { name: "10.0.0.7", dest: "10.0.0.7:17890" },
    ],
    [
      "keeps a configured name, and reports an IPv6 address in brackets",
      { configuredName: "sealer-01", rpcHost: "::", localAddress: "fd00::7", managerUrl: "http://[fd00::2]:1789" },
      { name: "sealer-01", dest: "[fd00::7]:17890" },
    ],
    [
      "reports a specific bind address as it is",
      { rpcHost: "10.1.0.7", localAddress: "10.0.0.7", managerUrl: "http://10.0.0.2:1789" },
      { name: "10.0.0.7", dest: "10.1.0.7:17890" },
    ],
    [
      "allows loopback when the manager is on loopback too",
      { rpcHost: "127.0.0.1", localAddress: "127.0.0.1", managerUrl: "http://127.0.0.1:1789" },
      { name: "127.0.0.1", dest: "127.0.0.1:17890" },
    ],
  ];
  for (const [what, input, want] of accepted)
    it(what, () => {
      assert.deepEqual(workerIdentity({ ...base, ...input }), want);
    });

  it("refuses a loopback Dest for a remote manager, naming the file, the key and the address to use", () => {
    assert.throws(
      () =>
        workerIdentity({
          ...base,
          rpcHost: "127.0.0.1",
          localAddress: "10.0.0.7",
          managerUrl: "http://10.0.0.2:1789",
        }),
      (e: Error) =>
        e.message.startsWith("/etc/sealfarm/worker.toml: worker.rpc_server.host: ") &&
        e.message.includes("cannot reach") &&
        e.message.includes("10.0.0.7"),
    );
  });
});

describe("managerEndpoint", () => {
  it("reads host and port, with the scheme's default port", () => {
    assert.deepEqual(managerEndpoint("http://10.0.0.2:1789"), { host: "10.0.0.2", port: 1789 });
    assert.deepEqual(managerEndpoint("https://[::1]:443"), { host: "::1", port: 443 });
    assert.deepEqual(managerEndpoint("https://manager.example"), { host: "manager.example", port: 443 });
  });
});

describe("localAddressToward (a real TCP connection)", () => {
  let server: net.Server;
  let port = 0;
  before(async () => {
    server = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    port = (server.address() as net.AddressInfo).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it("is the local address of the socket that reached the manager", async () => {
    assert.equal(await localAddressToward(`http://127.0.0.1:${port}`), "127.0.0.1");
  });

  it("names the manager when nothing listens there", async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const gone = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await assert.rejects(
      localAddressToward(`http://127.0.0.1:${gone}`),
      new RegExp(`cannot reach the manager at http://127.0.0.1:${gone} to learn this worker's address: .*ECONNREFUSED`),
    );
  });
});
