// `sealfarm manager tls init --home DIR --names HOST[,HOST…]`: generates the manager's self-signed TLS
// certificate and key (tls.crt, tls.key mode 0600 in the home), and prints its fingerprint with the manager.toml
// and worker.toml lines that turn it on and pin it. The provisioner does the same per farm (components/).
import { existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { generateSelfSignedCert } from "../../../components/core/tls/self-signed-cert.js";
import { flag, managerHome, parseArgs } from "../cli-args.js";
import { type Command, UsageError } from "../command.js";

export const managerTlsInit: Command = {
  path: ["manager", "tls", "init"],
  summary: "generate the manager's self-signed TLS certificate and print its pin",
  usage:
    "usage: sealfarm manager tls init --names HOST[,HOST…] [--home DIR] [--force]\n\nHOST: the DNS names and IP addresses workers use to reach the manager.",
  async run(argv, io) {
    const args = parseArgs(argv, ["home", "names"], ["force"]);
    const names = (flag(args, "names") ?? "").split(",").filter((n) => n !== "");
    if (names.length === 0) throw new UsageError("--names HOST is required (the manager's address as workers see it)");
    const home = resolve(managerHome(args));
    const certFile = join(home, "tls.crt");
    const keyFile = join(home, "tls.key");
    if (!args.flags.has("force") && (existsSync(certFile) || existsSync(keyFile)))
      throw new UsageError(`${certFile} or ${keyFile} exists; --force replaces them (workers must be re-pinned)`);
    const cert = generateSelfSignedCert(names);
    writeFileSync(keyFile, cert.keyPem, { mode: 0o600 });
    writeFileSync(certFile, cert.certPem, { mode: 0o644 });
    io.out(`${certFile}: ${cert.fingerprint}`);
    io.out(`manager.toml:\n[tls]\nlisten = "0.0.0.0:1790"\ncert_file = "tls.crt"\nkey_file = "tls.key"`);
    io.out(
      `worker.toml (copy tls.crt to the worker):\n[sector_manager.rpc_client]\naddr = "https://${names[0]}:1790"\n[sealfarm.tls]\nmanager_ca_file = "/etc/sealfarm/manager-tls.crt"\nmanager_fingerprint = "${cert.fingerprint}"`,
    );
    return 0;
  },
};
