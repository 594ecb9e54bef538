import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Failure } from "../failure.js";
import { parseUploadDest } from "./upload-dest.js";
import { uploadPiece } from "./upload-piece.js";

const manager = "http://127.0.0.1:1789";

describe("upload destination URLs", () => {
  const ok = (url: string) => {
    const p = parseUploadDest(url, manager);
    assert.ok(p.ok, `${url}: ${p.ok ? "" : p.error}`);
    return p.dest;
  };
  const bad = (url: string) => {
    const p = parseUploadDest(url, manager);
    assert.ok(!p.ok, `${url} should be refused`);
    return p.error;
  };
  it("parses file, http(s), store:///<cid> and store://<name>/<path>", () => {
    assert.deepEqual(ok("file:///srv/pieces/a%20b.bin"), { kind: "file", path: "/srv/pieces/a b.bin" });
    assert.deepEqual(ok("file://localhost/srv/p"), { kind: "file", path: "/srv/p" });
    assert.deepEqual(ok("http://10.0.0.5:8080/put?x=1"), { kind: "http", url: "http://10.0.0.5:8080/put?x=1" });
    assert.deepEqual(ok("https://market.example/p/1"), { kind: "http", url: "https://market.example/p/1" });
    assert.deepEqual(ok("store:///baga6ea4seaqabc"), {
      kind: "piecestore",
      cid: "baga6ea4seaqabc",
      url: "http://127.0.0.1:1789/piecestore/baga6ea4seaqabc",
    });
    assert.equal(
      (parseUploadDest("store:///bafk", "https://m.example:99/rpc/v0") as { dest: { url: string } }).dest.url,
      "https://m.example:99/piecestore/bafk",
    );
    assert.deepEqual(ok("store://persist-1/unsealed/piece.bin"), {
      kind: "store",
      store: "persist-1",
      path: "unsealed/piece.bin",
    });
    // damocles' market destination: PUT to the market's /resource endpoint, the token as a Bearer header.
    assert.deepEqual(ok("market://store1/baga6ea4seaqabc?host=10.0.0.7:41235&scheme=https&token=tk"), {
      kind: "market",
      url: "https://10.0.0.7:41235/resource?resource-id=baga6ea4seaqabc&store=store1",
      token: "tk",
    });
    assert.deepEqual(ok("market://s/baga?host=m.example"), {
      kind: "market",
      url: "http://m.example/resource?resource-id=baga&store=s",
      token: undefined,
    });
  });
  it("refuses malformed and unsupported URLs, naming the URL and why", () => {
    assert.match(bad("market:///baga?host=h"), /expected market:\/\/<market store>\/<piece cid>/);
    assert.match(bad("market://store1/baga"), /must name the market's host/);
    assert.match(bad("market://store1/baga?host=h&scheme=ftp"), /scheme="ftp": expected http or https/);
    assert.match(bad("ftp://h/p"), /ftp:\/\/ is not supported/);
    assert.match(bad("file:///a%zz"), /malformed URL/);
    assert.match(bad("/just/a/path"), /not a URL/);
    assert.match(bad("http://"), /malformed URL|no host/);
    assert.match(bad("file://otherhost/p"), /name no host/);
    assert.match(bad("file:///srv/dir/"), /absolute path of a file/);
    assert.match(bad("file:///srv/../etc/passwd"), /may not contain \.\./);
    assert.match(bad("store:///"), /store:\/\/\/<piece cid>/);
    assert.match(bad("store:///a/b"), /store:\/\/\/<piece cid>/);
    assert.match(bad("store://persist-1/"), /store:\/\/<store name>\/<relative path/);
    assert.match(bad("store://persist-1/a/../../x"), /without \.\./);
  });
});

describe("uploading a piece", () => {
  const dir = mkdtempSync(join(tmpdir(), "sealfarm-upload-"));
  const piece = join(dir, "piece");
  const data = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 251));
  let server: http.Server;
  let base = "";
  const got: Array<{ method: string; url: string; auth: string | undefined; body: Buffer }> = [];
  before(async () => {
    writeFileSync(piece, data);
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        got.push({
          method: req.method ?? "",
          url: req.url ?? "",
          auth: req.headers.authorization,
          body: Buffer.concat(chunks),
        });
        if (req.url?.startsWith("/fail")) return void res.writeHead(503).end("store is full");
        res.writeHead(req.url?.startsWith("/piecestore/") ? 201 : 200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("file:/// copies through a temp name and leaves only the finished file", async () => {
    const out = join(dir, "out", "nested", "piece.bin");
    await uploadPiece(piece, { kind: "file", path: out }, { attached: [] });
    assert.deepEqual(readFileSync(out), data);
    assert.deepEqual(readdirSync(join(dir, "out", "nested")), ["piece.bin"]);
    // Again over an existing file: replaced whole.
    writeFileSync(out, "old");
    await uploadPiece(piece, { kind: "file", path: out }, { attached: [] });
    assert.deepEqual(readFileSync(out), data);
  });

  it("issue 15: an unseal output equal to (or resolving to) the sealed file or a cache file is refused; the replica is kept", async () => {
    const loc = join(dir, "persist-guard");
    const sealed = join(loc, "sealed", "s-t01000-1");
    const aux = join(loc, "cache", "s-t01000-1", "p_aux");
    mkdirSync(join(loc, "cache", "s-t01000-1"), { recursive: true });
    mkdirSync(join(loc, "sealed"), { recursive: true });
    writeFileSync(sealed, "replica");
    writeFileSync(aux, "aux");
    mkdirSync(join(dir, "links"), { recursive: true });
    symlinkSync(join(loc, "sealed"), join(dir, "links", "to-sealed"));
    const attached = [{ name: "p1", location: loc, readonly: false }];
    const refused = async (dest: Parameters<typeof uploadPiece>[1]) =>
      assert.rejects(
        uploadPiece(piece, dest, { attached }),
        (e) =>
          e instanceof Failure &&
          e.level === "permanent" &&
          /refusing to overwrite a sealed file or cache/.test(e.message),
      );
    await refused({ kind: "file", path: sealed });
    await refused({ kind: "file", path: join(loc, "cache", "..", "sealed", "s-t01000-1") });
    await refused({ kind: "file", path: join(dir, "links", "to-sealed", "s-t01000-1") });
    await refused({ kind: "file", path: aux });
    await refused({ kind: "store", store: "p1", path: "sealed/s-t01000-1" });
    await refused({ kind: "store", store: "p1", path: "cache/s-t01000-1/sc-02-data-tree-r-last.dat" });
    assert.equal(readFileSync(sealed, "utf8"), "replica");
    assert.equal(readFileSync(aux, "utf8"), "aux");
    // Beside them is fine.
    await uploadPiece(piece, { kind: "store", store: "p1", path: "unsealed/piece" }, { attached });
    assert.deepEqual(readFileSync(join(loc, "unsealed", "piece")), data);
  });

  it("store://<name>/<path> copies into the attached store; an unknown store is permanent", async () => {
    const loc = join(dir, "persist");
    mkdirSync(loc);
    await uploadPiece(
      piece,
      { kind: "store", store: "p1", path: "pieces/x" },
      { attached: [{ name: "p1", location: loc, readonly: false }] },
    );
    assert.deepEqual(readFileSync(join(loc, "pieces", "x")), data);
    await assert.rejects(
      uploadPiece(piece, { kind: "store", store: "nope", path: "x" }, { attached: [] }),
      (e) => e instanceof Failure && e.level === "permanent" && /no attached store/.test(e.message),
    );
  });

  it("http:// PUTs the body; store:///<cid> PUTs to /piecestore/<cid> with the worker's token; market:// to /resource", async () => {
    got.length = 0;
    await uploadPiece(piece, { kind: "http", url: `${base}/upload/p1?k=v` }, { attached: [] });
    const p = parseUploadDest("store:///baga6ea4seaqxyz", base);
    assert.ok(p.ok);
    await uploadPiece(piece, p.dest, { attached: [], managerToken: "tok-1" });
    const m = parseUploadDest(`market://store-a/baga6ea4seaqxyz?host=${new URL(base).host}&token=mk-2`, base);
    assert.ok(m.ok);
    await uploadPiece(piece, m.dest, { attached: [], managerToken: "tok-1" });
    assert.deepEqual(
      got.map((g) => [g.method, g.url, g.auth]),
      [
        ["PUT", "/upload/p1?k=v", undefined],
        ["PUT", "/piecestore/baga6ea4seaqxyz", "Bearer tok-1"],
        ["PUT", "/resource?resource-id=baga6ea4seaqxyz&store=store-a", "Bearer mk-2"],
      ],
    );
    for (const g of got) assert.deepEqual(g.body, data);
  });

  it("an HTTP error answer or a refused connection is temporary and says what happened", async () => {
    await assert.rejects(
      uploadPiece(piece, { kind: "http", url: `${base}/fail` }, { attached: [] }),
      (e) => e instanceof Failure && e.level === "temporary" && /HTTP 503: store is full/.test(e.message),
    );
    await assert.rejects(
      uploadPiece(piece, { kind: "http", url: "http://127.0.0.1:1/x" }, { attached: [] }),
      (e) => e instanceof Failure && e.level === "temporary" && /PUT http:\/\/127\.0\.0\.1:1\/x/.test(e.message),
    );
  });
});
