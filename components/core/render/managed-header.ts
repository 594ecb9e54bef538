/** The first line of every file sealfarm writes to a host: a hand edit there is drift and will be reverted. */
export const MANAGED_HEADER =
  "# Managed by sealfarm (Pulumi). Local edits are reported as drift and overwritten by `pulumi up`.";
