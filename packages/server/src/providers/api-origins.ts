import { ConnectionsError } from "../shared/errors";
import type { Provider } from "./types";

/**
 * Whether a provider's credential may go to this URL: its origin must be one the provider
 * declares. A pattern "https://*.example.com" stands for any subdomain of example.com over
 * https (Salesforce and Google serve their APIs from many hosts), never example.com itself.
 */
export function isApiOrigin(provider: Provider, url: URL): boolean {
  return (provider.apiOrigins ?? []).some((allowed) => originMatches(allowed, url));
}

function originMatches(pattern: string, url: URL): boolean {
  const wildcard = /^(https?):\/\/\*\.([^/:]+)(?::(\d+))?$/.exec(pattern);
  if (!wildcard) return URL.canParse(pattern) && new URL(pattern).origin === url.origin;
  const [, scheme, domain, port = ""] = wildcard;
  return (
    url.protocol === `${scheme}:` &&
    url.port === port &&
    url.hostname.endsWith(`.${domain!.toLowerCase()}`)
  );
}

/**
 * connections.fetch() sends a Bearer credential: only to the provider's own API. A URL that
 * reached backend code from a user or a third party must not carry a user's Attio token to an
 * echo server.
 */
export function assertApiOrigin(provider: Provider, url: URL): void {
  if (isApiOrigin(provider, url)) return;
  const allowed = provider.apiOrigins?.join(", ") || "none yet";
  throw new ConnectionsError(
    "origin_not_allowed",
    `${provider.displayName}'s credential is sent only to its API origins (${allowed}), not to ${url.origin}: add the origin to the provider's apiOrigins if it is one`,
    { provider: provider.name },
  );
}
