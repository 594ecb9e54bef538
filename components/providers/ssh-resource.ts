// The base of the four SSH resource classes (RemoteFile, RemoteRelease, SystemdService, RemoteScript): how each
// hands its arguments to the engine. Not serialized (only the provider object is), so it may use Pulumi freely.
import * as pulumi from "@pulumi/pulumi";
import type { SshConnection } from "./ssh-transport.js";

/** A resource's arguments: its provider's inputs, each an Input, but for the version the class adds itself. */
export type SshResourceArgs<I> = { [K in keyof Omit<I, "providerVersion">]: pulumi.Input<I[K]> };

export abstract class SshResource extends pulumi.dynamic.Resource {
  /**
   * `outputs` are the provider's outputs that are not inputs, seeded as undefined so the engine exposes them on
   * the resource. The private key rides in the connection, so the whole connection is a secret, input and output.
   */
  protected constructor(
    provider: pulumi.dynamic.ResourceProvider,
    type: string,
    name: string,
    args: { connection: pulumi.Input<SshConnection> },
    providerVersion: string,
    outputs: string[],
    opts: pulumi.CustomResourceOptions | undefined,
  ) {
    super(
      provider,
      name,
      {
        ...args,
        connection: pulumi.secret(args.connection),
        providerVersion,
        ...Object.fromEntries(outputs.map((key) => [key, undefined])),
      },
      { ...opts, additionalSecretOutputs: ["connection", ...(opts?.additionalSecretOutputs ?? [])] },
      "sealfarm",
      type,
    );
  }
}
