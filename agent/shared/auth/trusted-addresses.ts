// The addresses allowed without a token (auth.trusted, CIDR), matched with node's BlockList.
import { BlockList, isIPv4, isIPv6 } from "node:net";

export function trustedList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const c of cidrs) {
    const [addr = "", prefix] = c.split("/");
    const type = isIPv4(addr) ? "ipv4" : "ipv6";
    list.addSubnet(addr, prefix === undefined ? (type === "ipv4" ? 32 : 128) : Number(prefix), type);
  }
  return list;
}

export function isTrusted(list: BlockList, address: string | undefined): boolean {
  if (address === undefined) return false;
  // IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d.
  const v4 = address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
  if (isIPv4(v4)) return list.check(v4, "ipv4");
  return list.check(address, "ipv6");
}

/** Why `cidr` is not an address or an address/prefix, or null when it is one. */
export function cidrProblem(cidr: string): string | null {
  const [addr = "", prefix, ...more] = cidr.split("/");
  const type = isIPv4(addr) ? "ipv4" : isIPv6(addr) ? "ipv6" : undefined;
  const max = type === "ipv4" ? 32 : 128;
  if (type === undefined || more.length > 0 || (prefix !== undefined && !/^[0-9]{1,3}$/.test(prefix)))
    return `expected an address or a CIDR like "10.0.0.0/8", got ${JSON.stringify(cidr)}`;
  if (prefix !== undefined && Number(prefix) > max)
    return `expected a prefix length 0..${max} for an ${type} address, got ${JSON.stringify(cidr)}`;
  return null;
}
