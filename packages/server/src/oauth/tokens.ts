import type * as oauth from "oauth4webapi";
import type { OAuthCredential } from "../connections/credential";
import { isHeaderSafe } from "../shared/credential-header";
import { ConnectionsError } from "../shared/errors";

/**
 * A token response → what we seal. A refresh answer without a refresh token keeps the old one
 * (RFC 6749 §6: the server MAY issue a new one).
 */
export function credentialFromTokens(
  tokens: oauth.TokenEndpointResponse,
  previous?: OAuthCredential,
  now = Date.now(),
): OAuthCredential {
  assertUsableToken(tokens.access_token, "access token");
  if (tokens.refresh_token !== undefined) assertUsableToken(tokens.refresh_token, "refresh token");
  const refreshToken = tokens.refresh_token ?? previous?.refreshToken;
  const extras: Record<string, string> = { ...previous?.extras };
  for (const [key, value] of Object.entries(tokens)) {
    if (Object.keys(extras).length >= MAX_EXTRAS) break;
    if (!KNOWN_FIELDS.has(key) && isKeptExtra(key, value)) extras[key] = value;
  }
  return {
    type: "oauth2",
    accessToken: tokens.access_token,
    tokenType: tokens.token_type,
    ...(refreshToken ? { refreshToken } : {}),
    ...(typeof tokens.expires_in === "number"
      ? { expiresAt: now + tokens.expires_in * 1000, lifetimeMs: tokens.expires_in * 1000 }
      : {}),
    ...(tokens.id_token ? { idToken: tokens.id_token } : {}),
    ...(Object.keys(extras).length > 0 ? { extras } : {}),
  };
}

/**
 * A token is sent in a header: one a header cannot carry is refused on arrival, not sealed to
 * fail (and be quoted by fetch's error) on every later use.
 */
function assertUsableToken(token: unknown, what: string): void {
  if (typeof token !== "string" || !isHeaderSafe(token)) {
    throw new ConnectionsError("provider_error", `The token endpoint sent an unusable ${what}`);
  }
}

// Provider-specific fields (instance_url, team ids) are kept for backend code, within bounds:
// a hostile token endpoint must not grow the sealed row with whatever it sends.
const MAX_EXTRAS = 16;
const MAX_EXTRA_KEY = 64;
const MAX_EXTRA_VALUE = 2048;

function isKeptExtra(key: string, value: unknown): value is string {
  return (
    typeof value === "string" &&
    key.length <= MAX_EXTRA_KEY &&
    value.length <= MAX_EXTRA_VALUE &&
    /^[A-Za-z0-9_.:-]+$/.test(key)
  );
}

const KNOWN_FIELDS = new Set([
  "access_token",
  "refresh_token",
  "token_type",
  "expires_in",
  "id_token",
  "scope",
]);

/** RFC 6749 §5.1: `scope` is returned when it differs from the request; else we got what we asked. */
export function grantedScopes(
  tokens: oauth.TokenEndpointResponse,
  requested: string[],
  separator: string,
): string[] {
  if (typeof tokens.scope !== "string") return requested;
  return tokens.scope.split(separator === " " ? /\s+/ : separator).filter(Boolean);
}
