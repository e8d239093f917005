import { type LookupAddress, type LookupOptions, lookup as lookupCallback } from "node:dns";
import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import { Agent, fetch as pinnedFetch } from "undici";
import { type HttpOperation, tracedRequest } from "../telemetry";
import { ConnectionsError } from "./errors";

/**
 * Limits on a request to a URL a third party named (metadata endpoints, an MCP server added by
 * a member, a token endpoint): every answer is read under a size cap and a deadline.
 */
export type OutboundPolicy = {
  timeoutMs: number;
  /** Bodies larger than this are refused (metadata and token answers are a few kilobytes). */
  maxBytes: number;
  /** Loopback, private and plain-http URLs are refused unless this is set (tests, intranets). */
  allowPrivateNetwork: boolean;
  /** Origins let through although private or plain http; every other URL is still checked. */
  allowedOrigins?: ReadonlySet<string>;
};

/** 256 KiB: far above any honest metadata document, token or registration answer. */
export const MAX_RESPONSE_BYTES = 256 * 1024;

export const defaultOutboundPolicy: OutboundPolicy = {
  timeoutMs: 5_000,
  maxBytes: MAX_RESPONSE_BYTES,
  allowPrivateNetwork: false,
};

// IPv6 global unicast is 2000::/3 (RFC 4291 §2.4); ipaddr.js names the special blocks inside it.
const globalUnicast = ipaddr.parseCIDR("2000::/3");

/**
 * Only global unicast addresses are public. An IPv4-mapped address is unwrapped and checked as
 * IPv4; every other form that embeds IPv4 (NAT64, 6to4, Teredo, SIIT) is refused outright, as
 * its embedded address may be internal on the network that translates it.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  if (parsed.range() !== "unicast") return false;
  return parsed.kind() === "ipv4" || (parsed as ipaddr.IPv6).match(globalUnicast);
}

/** True when the policy lets this URL be plain http or private: the whole policy, or its origin. */
export function isRelaxed(url: URL, policy: OutboundPolicy): boolean {
  return policy.allowPrivateNetwork || policy.allowedOrigins?.has(url.origin) === true;
}

/**
 * A URL as messages may name it: its origin only. A path is the URL's author's free text
 * ("/Your-session-expired--call-…"), and messages reach users and logs.
 */
export function originOf(url: string): string {
  return URL.canParse(url) ? new URL(url).origin : "a server";
}

export const unsafeUrl = (what: string, reason: string) =>
  new ConnectionsError("unsafe_url", `Refused ${what}: ${reason}`);

/**
 * A URL from someone else's document, before it is stored, fetched or shown to a browser: https
 * only (http where the policy relaxes that origin), and never a scheme a browser would run, such
 * as `javascript:` or `data:`. Returns the URL as parsed.
 */
export function checkEndpointUrl(value: unknown, policy: OutboundPolicy, what: string): URL {
  if (typeof value !== "string" || !URL.canParse(value)) {
    throw unsafeUrl(what, "it is not an absolute URL");
  }
  const url = new URL(value);
  const plainHttpAllowed = url.protocol === "http:" && isRelaxed(url, policy);
  if (url.protocol !== "https:" && !plainHttpAllowed) {
    throw unsafeUrl(what, "only https URLs are accepted");
  }
  if (url.username || url.password) throw unsafeUrl(what, "it carries credentials");
  return url;
}

/**
 * SSRF guard before every request: the scheme as checkEndpointUrl, and every address the host
 * resolves to must be public. A private address and a name that does not resolve get the same
 * answer, so the guard cannot be used to map internal DNS names. This check alone cannot stop a
 * resolver that answers differently on the next lookup (DNS rebinding): guardedResponse's
 * pinnedLookup checks the address the connection actually uses.
 */
export async function assertFetchable(url: URL, policy: OutboundPolicy): Promise<void> {
  checkEndpointUrl(url.href, policy, `to fetch ${url.origin}`);
  if (isRelaxed(url, policy)) return;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = ipaddr.isValid(host)
    ? [host]
    : await lookup(host, { all: true }).then(
        (found) => found.map((entry) => entry.address),
        () => [],
      );
  if (addresses.length === 0 || !addresses.every(isPublicAddress)) {
    throw unsafeUrl(`to fetch ${url.origin}`, "the host is not a public address");
  }
}

const tooLarge = (origin: string, maxBytes: number) =>
  new ConnectionsError(
    "response_too_large",
    `${origin} sent an answer larger than ${maxBytes} bytes`,
  );

/** The body, read only up to `maxBytes`: a larger one is cancelled mid-stream, never buffered. */
export async function readLimited(
  response: Response,
  maxBytes: number,
  origin: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(origin, maxBytes);
  }
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(origin, maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * The same response with its body read under the cap: what oauth4webapi and callers then parse
 * is in memory and bounded. Headers that described the wire encoding no longer apply.
 */
export async function boundedResponse(response: Response, maxBytes: number): Promise<Response> {
  const origin = URL.canParse(response.url) ? new URL(response.url).origin : "the server";
  const body = await readLimited(response, maxBytes, origin);
  const headers = new Headers(response.headers);
  headers.delete("content-encoding");
  headers.delete("content-length");
  const empty = response.status === 204 || response.status === 304;
  return new Response(empty ? null : body, { status: response.status, headers });
}

/**
 * A body that errors once more than `maxBytes` pass through it, for answers read as they arrive
 * (an MCP server's replies). An event stream's cap counts each event, not the whole stream, so a
 * long-lived stream of small events is never cut; any other body is capped whole.
 */
export function capStream(
  body: ReadableStream<Uint8Array>,
  options: { maxBytes: number; origin: string; perEvent: boolean },
): ReadableStream<Uint8Array> {
  let counted = 0;
  let previous = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        if (!options.perEvent) {
          counted += chunk.byteLength;
        } else {
          for (const byte of chunk) {
            // A blank line ends an event (WHATWG server-sent events, "\n\n" or "\r\n\r\n").
            counted = byte === 10 && previous === 10 ? 0 : counted + 1;
            if (byte !== 13) previous = byte;
          }
        }
        if (counted > options.maxBytes) {
          controller.error(tooLarge(options.origin, options.maxBytes));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
}

/**
 * Every connection to a host a stranger named is opened through this lookup: each address it
 * resolves to must be public at the moment the socket connects, so a name that answered a public
 * address to the check and answers 169.254.169.254 to the request (DNS rebinding) gets nowhere.
 */
export function pinnedLookup(
  hostname: string,
  options: LookupOptions,
  callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
): void {
  lookupCallback(hostname, { ...options, all: true }, (error, found: LookupAddress[]) => {
    if (error) return callback(error, "", 0);
    if (found.length === 0 || !found.every((entry) => isPublicAddress(entry.address))) {
      return callback(unsafeUrl(`to connect to ${hostname}`, "not a public address"), "", 0);
    }
    if (options.all) return callback(null, found);
    callback(null, found[0]!.address, found[0]!.family);
  });
}

const pinnedAgent = new Agent({ connect: { lookup: pinnedLookup as never } });

/**
 * fetch() to a URL a stranger named: the scheme and address checks first, redirects never
 * followed (each hop would need them again), and, unless the policy relaxes that origin, the
 * socket opened only to an address that is public when it connects.
 */
export async function guardedResponse(
  url: URL,
  init: RequestInit,
  policy: OutboundPolicy,
): Promise<Response> {
  await assertFetchable(url, policy);
  const request = { ...init, redirect: "manual" as const };
  if (isRelaxed(url, policy)) return fetch(url, request);
  // undici's own fetch with its own agent: the Node's built-in one may be another major.
  return (await pinnedFetch(url, {
    ...(request as Parameters<typeof pinnedFetch>[1]),
    dispatcher: pinnedAgent,
  })) as unknown as Response;
}

export type OutboundResponse = { status: number; headers: Headers; text: string };

/** guardedResponse with a deadline and the body read under the size limit. */
export async function guardedFetch(
  url: string | URL,
  init: RequestInit,
  policy: OutboundPolicy,
  operation: HttpOperation,
): Promise<OutboundResponse> {
  const target = new URL(url);
  let response: Response;
  try {
    response = await tracedRequest(init.method ?? "GET", target, { operation }, () =>
      guardedResponse(target, { ...init, signal: AbortSignal.timeout(policy.timeoutMs) }, policy),
    );
  } catch (error) {
    if (error instanceof ConnectionsError) throw error;
    throw new ConnectionsError("provider_unreachable", `${target.origin} did not answer`, {
      cause: error,
    });
  }
  const body = await readLimited(response, policy.maxBytes, target.origin);
  return {
    status: response.status,
    headers: response.headers,
    text: Buffer.from(body).toString("utf8"),
  };
}

/** RFC 9111 §5.2.2.1: max-age in seconds; no-store or no header means not cached. */
export function maxAgeMs(headers: Headers): number {
  const value = headers.get("cache-control") ?? "";
  if (/\bno-(store|cache)\b/i.test(value)) return 0;
  const match = /\bmax-age=(\d+)/i.exec(value);
  return match?.[1] ? Number(match[1]) * 1000 : 0;
}
