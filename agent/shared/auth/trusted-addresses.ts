// The addresses allowed without a token (auth.trusted, CIDR), matched with node's BlockList.
import { BlockList, isIP, isIPv4 } from "node:net";

/** Why `cidr` is not an address or an address/prefix (IPv4 /0-32, IPv6 /0-128), or null when it is one. */
export function cidrProblem(cidr: string): string | null {
  const m = /^([^/]*)(?:\/([0-9]{1,3}))?$/.exec(cidr);
  const version = m === null ? 0 : isIP(m[1] ?? "");
  if (m === null || version === 0)
    return `expected an IP address or CIDR like "10.0.0.0/8" or "::1/128", got ${JSON.stringify(cidr)}`;
  const max = version === 4 ? 32 : 128;
  if (m[2] !== undefined && Number(m[2]) > max)
    return `expected a prefix length 0-${max} for an IPv${version} address, got ${JSON.stringify(cidr)}`;
  return null;
}

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
