import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { ConnectionsError } from "../errors";

/** Limits on every request discovery and registration send to a server named by a URL. */
export type OutboundPolicy = {
  timeoutMs: number;
  /** Bodies larger than this are refused (metadata documents are a few kilobytes). */
  maxBytes: number;
  /** Loopback and private addresses are refused unless this is set (tests, intranets). */
  allowPrivateNetwork: boolean;
  /** Origins let through although private or plain http; every other URL is still checked. */
  allowedOrigins?: ReadonlySet<string>;
};

export const defaultOutboundPolicy: OutboundPolicy = {
  timeoutMs: 5_000,
  maxBytes: 256 * 1024,
  allowPrivateNetwork: false,
};

// RFC 6890 special-purpose ranges that must not be reachable from a URL a stranger chose.
const privateRanges = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
] as const) {
  privateRanges.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
] as const) {
  privateRanges.addSubnet(network, prefix, "ipv6");
}

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isPrivateAddress(mapped);
  const family = isIP(address);
  if (family === 0) return true;
  return privateRanges.check(address, family === 4 ? "ipv4" : "ipv6");
}

const refused = (url: string, reason: string) =>
  new ConnectionsError("mcp_discovery_failed", `Refused to fetch ${url}: ${reason}`);

/**
 * SSRF guard: https only (http only with allowPrivateNetwork, for loopback test servers), and
 * every address the host resolves to must be public. A resolver that answers differently on
 * the next lookup (DNS rebinding) is not stopped by this check alone; see docs/mcp.md.
 */
export async function assertFetchable(url: URL, policy: OutboundPolicy): Promise<void> {
  const relaxed = policy.allowPrivateNetwork || policy.allowedOrigins?.has(url.origin) === true;
  if (url.protocol !== "https:" && !(url.protocol === "http:" && relaxed)) {
    throw refused(url.href, "only https URLs are fetched");
  }
  if (relaxed) return;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  if (addresses.length === 0 || addresses.some(isPrivateAddress)) {
    throw refused(url.href, "the host resolves to a private or loopback address");
  }
}

async function readLimited(response: Response, maxBytes: number, url: string): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw refused(url, `the body is larger than ${maxBytes} bytes`);
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw refused(url, `the body is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export type OutboundResponse = { status: number; headers: Headers; text: string };

/** fetch() behind the guard: no redirects followed, a deadline, and a size limit. */
export async function guardedFetch(
  url: string | URL,
  init: RequestInit,
  policy: OutboundPolicy,
): Promise<OutboundResponse> {
  const target = new URL(url);
  await assertFetchable(target, policy);
  let response: Response;
  try {
    response = await fetch(target, {
      ...init,
      redirect: "manual",
      signal: AbortSignal.timeout(policy.timeoutMs),
    });
  } catch (error) {
    throw new ConnectionsError("provider_unreachable", `${target.origin} did not answer`, {
      cause: error,
    });
  }
  const text = await readLimited(response, policy.maxBytes, target.href);
  return { status: response.status, headers: response.headers, text };
}

/** RFC 9111 §5.2.2.1: max-age in seconds; no-store or no header means not cached. */
export function maxAgeMs(headers: Headers): number {
  const value = headers.get("cache-control") ?? "";
  if (/\bno-(store|cache)\b/i.test(value)) return 0;
  const match = /\bmax-age=(\d+)/i.exec(value);
  return match?.[1] ? Number(match[1]) * 1000 : 0;
}
