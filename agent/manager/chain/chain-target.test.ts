import assert from "node:assert/strict";
import { test } from "node:test";
import { formatProblem } from "../../../components/core/config/config-error.js";
import { parseChainTarget, resolveLotusEndpoint, type TokenSource } from "./chain-target.js";

const F = "/home/sp/manager.toml";
const parse = (t: Record<string, unknown>) => {
  const { target, problems } = parseChainTarget(t, F, "/home/sp");
  return { target, problems: problems.map((p) => formatProblem(p)) };
};

test("[chain] without a URL is the devnet; with one, a Lotus node and where its token comes from", () => {
  assert.deepEqual(parse({}), { target: { kind: "devnet" }, problems: [] });
  assert.deepEqual(parse({ kind: "devnet", block_time: "1s" }), { target: { kind: "devnet" }, problems: [] });
  assert.deepEqual(parse({ url: "ws://10.0.0.5:1234/rpc/v1", token_file: "lotus.token" }), {
    target: { kind: "lotus", url: "http://10.0.0.5:1234/rpc/v1", token: { file: "/home/sp/lotus.token" } },
    problems: [],
  });
  assert.deepEqual(parse({ kind: "lotus", url: "https://node:1234/rpc/v1", token_env: "LOTUS_TOKEN" }).target, {
    kind: "lotus",
    url: "https://node:1234/rpc/v1",
    token: { env: "LOTUS_TOKEN" },
  });
  assert.deepEqual(parse({ api_info_env: "FULLNODE_API_INFO" }).target, {
    kind: "lotus-api-info",
    env: "FULLNODE_API_INFO",
  });
});

test("every [chain] mistake is reported, naming the file and key", () => {
  const { problems } = parse({
    kind: "lotsu",
    url: "ftp://x",
    token_file: "a",
    token_env: "B",
  });
  assert.deepEqual(problems, [`${F}: /chain/kind: expected "devnet" or "lotus", got "lotsu"`]);
  const lotus = parse({ kind: "lotus", url: "ftp://x", token_file: "a", token_env: "B" }).problems;
  assert.deepEqual(lotus, [
    `${F}: /chain/token_env: give the token once: token_file or token_env, not both`,
    `${F}: /chain/url: expected an http, https, ws or wss URL, got "ftp"`,
  ]);
  assert.deepEqual(parse({ kind: "lotus" }).problems, [
    `${F}: /chain/url: required for a Lotus node, e.g. "http://127.0.0.1:1234/rpc/v1" (or set api_info_env)`,
  ]);
  assert.deepEqual(parse({ kind: "devnet", url: "http://x" }).problems, [
    `${F}: /chain/url: not used with kind = "devnet" (remove it, or set kind = "lotus")`,
  ]);
  assert.deepEqual(parse({ url: 5 }).problems, [`${F}: /chain/url: expected a non-empty string, got 5`]);
});

test("the token is read from its file or the environment and never shows in an error", () => {
  const secret = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.sig";
  const files: Record<string, string> = { "/home/sp/lotus.token": `${secret}\n`, "/home/sp/empty": "  \n" };
  const read = (p: string) => {
    const v = files[p];
    if (v === undefined) throw Object.assign(new Error("nope"), { code: "ENOENT" });
    return v;
  };
  const lotus = (token: TokenSource) => ({ kind: "lotus", url: "http://n:1234/rpc/v1", token }) as const;
  assert.deepEqual(resolveLotusEndpoint(lotus({ file: "/home/sp/lotus.token" }), {}, read), {
    url: "http://n:1234/rpc/v1",
    token: secret,
  });
  assert.equal(resolveLotusEndpoint(lotus({ env: "LOTUS_TOKEN" }), { LOTUS_TOKEN: secret }, read).token, secret);
  assert.equal(resolveLotusEndpoint(lotus({ none: true }), {}, read).token, undefined);
  assert.throws(
    () => resolveLotusEndpoint(lotus({ file: "/home/sp/missing" }), {}, read),
    /token_file \/home\/sp\/missing: ENOENT/,
  );
  assert.throws(() => resolveLotusEndpoint(lotus({ file: "/home/sp/empty" }), {}, read), /empty/);
  assert.throws(() => resolveLotusEndpoint(lotus({ env: "LOTUS_TOKEN" }), {}, read), /\$LOTUS_TOKEN is not set/);
  const info = { kind: "lotus-api-info", env: "FULLNODE_API_INFO" } as const;
  assert.deepEqual(resolveLotusEndpoint(info, { FULLNODE_API_INFO: `${secret}:/ip4/10.0.0.5/tcp/1234/http` }, read), {
    url: "http://10.0.0.5:1234/rpc/v1",
    token: secret,
  });
  assert.throws(
    () => resolveLotusEndpoint(info, { FULLNODE_API_INFO: `${secret}:/ip4/10.0.0.5/udp/1/http` }, read),
    (e: Error) => !e.message.includes(secret) && /FULLNODE_API_INFO: expected FULLNODE_API_INFO like/.test(e.message),
  );
});
