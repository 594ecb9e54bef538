// The Venus.* RPC surface shared by the manager (server) and the worker and CLI (clients).
export * from "./bytes.js";
export * from "./json-rpc.js";
export * from "./venus-client.js";
export * from "./venus-methods.js";
export * from "./venus-replies.js";
export * from "./venus-types.js";
