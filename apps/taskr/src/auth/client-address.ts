import { isIPv6 } from "node:net";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

/**
 * The address a request is throttled by. `X-Forwarded-For` is anyone's to write, so only the
 * entries appended by the `trustedProxies` proxies in front of Taskr count: with one proxy,
 * the last entry (what that proxy saw); with none, the socket's peer.
 */
export function clientAddress(
  socketAddress: string,
  forwardedFor: string | undefined,
  trustedProxies: number,
): string {
  const hops = [
    ...(forwardedFor ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean),
    socketAddress,
  ];
  return hops[Math.max(0, hops.length - 1 - trustedProxies)]!;
}

/**
 * Addresses that one party holds together share a count: an IPv4-mapped address is its IPv4
 * address, and an IPv6 address is its /64 (the smallest block a host is usually given).
 */
export function addressBucket(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = "", tail = ""] = address.toLowerCase().split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array(Math.max(0, missing)).fill("0"), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

/** The request's throttling bucket; a request without a Node socket (app.request) shares one. */
export function requestAddress(c: Context, trustedProxies: number): string {
  let socketAddress = "unknown";
  try {
    socketAddress = getConnInfo(c).remote.address ?? socketAddress;
  } catch {
    // No Node server under this request: nothing to read.
  }
  return addressBucket(
    clientAddress(socketAddress, c.req.header("x-forwarded-for"), trustedProxies),
  );
}
