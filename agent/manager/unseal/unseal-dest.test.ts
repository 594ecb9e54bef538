import assert from "node:assert/strict";
import { test } from "node:test";
import { UnsealState } from "../../shared/rpc/venus-types.js";
import { defaultUnsealDest, parseUnsealState, unpadded, unsealDestProblem, unsealStateName } from "./unseal-dest.js";

const cid = "baga6ea4seaqao7s73y24kcutaosvacpdjgfe5pw76ooefnyqw4ynr3d2y6x2mpq";

test("unseal destinations: file:///, http(s)://, store:///<cid>, store://<store>/<path>, market://; everything else named", () => {
  for (const ok of [
    "file:///srv/pieces/p.car",
    "file://localhost/srv/p",
    "http://10.0.0.5:8080/upload/p",
    "https://market.example/resource?id=1",
    `store:///${cid}`,
    defaultUnsealDest(cid),
    "store://attached-1/pieces/p.car",
    `market://droplet-store/${cid}?host=10.0.0.7:41235&token=t`,
    `market://droplet-store/${cid}?host=m.example&scheme=https`,
  ])
    assert.equal(unsealDestProblem(ok, cid), null, ok);
  const cases: [string, RegExp][] = [
    ["not a url", /is not a URL \(expected file:\/\/\/ABS\/PATH/],
    ["ftp://h/x", /unsupported scheme "ftp:"/],
    ["market://store/other-cid?host=h", new RegExp(`expected market://<store>/${cid}\\?host=HOST`)],
    [`market://store/${cid}`, /\?host=HOST/],
    [`market://store/${cid}?host=h&scheme=ftp`, /scheme="ftp", expected http or https/],
    ["file://host/x", /expected file:\/\/\/ABS\/PATH/],
    ["file:///srv/dir/", /expected file:\/\/\/ABS\/PATH/],
    ["file:///srv/%zz", /expected file:\/\/\/ABS\/PATH/],
    [`store:///baga-other`, new RegExp(`expected store:///${cid}`)],
    ["store:///", new RegExp(`expected store:///${cid}`)],
    ["store://attached-1/", /expected store:\/\/<store>\/<relative file path>/],
  ];
  for (const [url, re] of cases) assert.match(unsealDestProblem(url, cid) ?? "(accepted)", re, url);
});

test("unpadded sizes and offsets: 127 of every 128 bytes", () => {
  assert.equal(unpadded(2048), 2032);
  assert.equal(unpadded(128), 127);
  assert.equal(unpadded(0), 0);
  assert.equal(unpadded(34359738368), 34091302912);
});

test("UnsealState names both ways", () => {
  assert.deepEqual(Object.values(UnsealState).map(unsealStateName), ["Set", "Assigned", "Finished", "Failed"]);
  assert.equal(parseUnsealState("failed"), UnsealState.Failed);
  assert.equal(parseUnsealState("1"), UnsealState.Assigned);
  assert.equal(parseUnsealState("Done"), undefined);
});
