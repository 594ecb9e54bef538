// Waiting for the Pulumi runtime instead of sleeping: `waitForRPCs` resolves once every registration, output
// resolution and invoke the program started has finished (the runtime's own "RPC queue drained", which
// `pulumi.runtime.disconnect` waits for). It is exported by the runtime but marked internal, so absent from the
// typings: this module is the one place that reaches for it.
// @ts-expect-error waitForRPCs is exported by @pulumi/pulumi/runtime/settings.js but not declared in its .d.ts
import { waitForRPCs } from "@pulumi/pulumi/runtime/settings.js";

/** Resolves when the Pulumi runtime has no registration or resolution in flight. */
export function engineIdle(): Promise<void> {
  return (waitForRPCs as () => Promise<void>)();
}
