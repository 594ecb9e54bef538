// The client side of JSON-RPC over HTTP that the Venus client (worker, CLI → manager) and the Lotus client
// (manager → chain node) share: one POST of a JSON body with an optional bearer token, the whole reply read as
// text, and a hang guard. Each caller keeps its own error vocabulary, so the timeout and transport errors are made
// by the caller's functions.
import http from "node:http";
import https from "node:https";

export interface JsonPost {
  endpoint: URL;
  agent: http.Agent;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string | undefined;
  body: string;
  timeoutMs: number;
  /** The error the request is destroyed with when no reply arrives within timeoutMs. */
  timeoutError: () => Error;
  /** Turns a socket or response error into the caller's error (errors already made by timeoutError pass as is). */
  transportError?: (e: Error & { code?: string }) => Error;
}

/** POSTs `body`; resolves with the HTTP status and the reply text, whatever the status. */
export function postJson(post: JsonPost): Promise<{ status: number; text: string }> {
  const secure = post.endpoint.protocol === "https:";
  const transportError = post.transportError ?? ((e: Error) => e);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(post.body)),
    };
    if (post.token) headers.authorization = `Bearer ${post.token}`;
    const req = (secure ? https : http).request(
      post.endpoint,
      { method: "POST", headers, agent: post.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", (e) => reject(transportError(e)));
      },
    );
    let timedOut: Error | undefined;
    req.setTimeout(post.timeoutMs, () => {
      timedOut = post.timeoutError();
      req.destroy(timedOut);
    });
    req.on("error", (e) => reject(e === timedOut ? e : transportError(e)));
    req.end(post.body);
  });
}
