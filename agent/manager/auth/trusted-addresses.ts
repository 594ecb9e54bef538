// The addresses allowed without a token (auth.trusted, CIDR), matched with node's BlockList.
import { BlockList, isIPv4 } from "node:net";

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
