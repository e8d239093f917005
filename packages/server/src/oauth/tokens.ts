import type * as oauth from "oauth4webapi";
import type { OAuthCredential } from "../connections/credential";

/**
 * A token response → what we seal. A refresh answer without a refresh token keeps the old one
 * (RFC 6749 §6: the server MAY issue a new one).
 */
export function credentialFromTokens(
  tokens: oauth.TokenEndpointResponse,
  previous?: OAuthCredential,
  now = Date.now(),
): OAuthCredential {
  const refreshToken = tokens.refresh_token ?? previous?.refreshToken;
  const extras: Record<string, string> = { ...previous?.extras };
  for (const [key, value] of Object.entries(tokens)) {
    if (!KNOWN_FIELDS.has(key) && typeof value === "string") extras[key] = value;
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
