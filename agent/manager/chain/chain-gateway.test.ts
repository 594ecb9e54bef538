// The gateway against the devnet server (in process, on a clock the test moves): randomness with Lotus' sealing
// DSTs and entropy, a push repeated for the same record answered with the same CID, and outcomes that wait for
// the confidence.
import assert from "node:assert/strict";
import { test } from "node:test";
import { scratchDir } from "../../../test/support/scratch-dir.js";
import { resolveProofsBin } from "../proofs/proofs-binary.js";
import { createChainGateway, minerAddress } from "./chain-gateway.js";
import { startDevnetServer } from "./devnet-server/devnet-server.js";
import { idAddress } from "./filecoin/address.js";
import { sealedCid } from "./filecoin/cid.js";
import { ExitCode } from "./filecoin/exit-codes.js";
import { addressEntropy } from "./filecoin/randomness-entropy.js";
import { createLotusClient } from "./lotus/lotus-client.js";
import { DomainSeparationTag } from "./lotus/lotus-shapes.js";
import { preCommitBatchMessage } from "./sealing-messages.js";

const dir = scratchDir("sealfarm-gateway-");

test("the chain gateway over the devnet's Lotus API", async () => {
  // Genesis is created at the first start's clock (epoch 0), then the test moves the clock.
  let epoch = 0;
  const server = await startDevnetServer({ dir, proofsBin: resolveProofsBin(""), now: () => epoch * 1000 + 1 });
  epoch = 20;
  const client = createLotusClient({ url: server.url });
  const chain = createChainGateway(client);
  try {
    assert.equal(await chain.head(), 20);
    assert.equal(minerAddress(1000), "f01000");
    const entropy = addressEntropy(idAddress(1000));
    // The gateway's ticket is exactly the API's randomness with DST SealRandomness and the miner's CBOR address.
    assert.deepEqual(
      await chain.sealTicket(1000, 19),
      await client.stateGetRandomnessFromTickets(DomainSeparationTag.SealRandomness, 19, entropy),
    );
    assert.notDeepEqual(await chain.sealTicket(1000, 19), await chain.sealTicket(1001, 19));
    assert.notDeepEqual(await chain.interactiveSeed(1000, 19), await chain.windowPoStChallenge(1000, 19));

    const msg = preCommitBatchMessage({
      miner: "f01000",
      worker: "f0100",
      value: 10n ** 15n,
      sectors: [
        {
          sealProof: 5,
          sectorNumber: 9,
          sealedCid: sealedCid(new Uint8Array(32).fill(9)),
          sealRandEpoch: 19,
          dealIds: [],
          expiration: 10_000,
          unsealedCid: null,
        },
      ],
    });
    const cid = await chain.push("precommit-1000-1", msg, 10n ** 17n);
    assert.equal((await chain.push("precommit-1000-1", msg, 10n ** 17n)).toString(), cid.toString());
    assert.deepEqual(await chain.outcome(cid, 2), { state: "pending" });
    epoch = 21; // included
    assert.deepEqual(await chain.outcome(cid, 2), { state: "pending" });
    epoch = 23; // two epochs on top
    const landed = await chain.outcome(cid, 2);
    assert.equal(landed.state, "landed");
    assert.equal(landed.state === "landed" && landed.exitCode, ExitCode.Ok);
    assert.equal(landed.state === "landed" && landed.height, 21);
    assert.equal(server.state().messages.length, 1);
  } finally {
    client.close();
    await server.close();
  }
});
