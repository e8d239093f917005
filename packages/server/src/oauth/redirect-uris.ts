import { createHash } from "node:crypto";

/** A callback key: 96 bits of the issuer's SHA-256, base64url. */
const KEY_PATTERN = /^[A-Za-z0-9_-]{16}$/;

export function issuerKey(issuer: string): string {
  return createHash("sha256").update(issuer).digest("base64url").slice(0, 16);
}

export function isIssuerKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

export type KitUrls = {
  /** The one redirect URI of the host's own providers, which the host registers with each. */
  redirectUri: string;
  /**
   * RFC 9700 §4.4.2.2: a redirect URI of its own per authorization server the kit registers
   * itself with (MCP servers), so a code issued by one cannot come back as another's.
   */
  redirectUriFor(issuer: string): string;
  /** The Client ID Metadata Document naming that redirect URI: the client_id at that issuer. */
  clientMetadataUrlFor(issuer: string): string;
  /** Both, for the key in a request path (the document route is served for any well-formed key). */
  forKey(key: string): { clientId: string; redirectUri: string };
};

/** `root` is the routes' public URL, baseUrl + mount. */
export function kitUrls(root: string): KitUrls {
  const forKey = (key: string) => ({
    clientId: `${root}/oauth-clients/${key}`,
    redirectUri: `${root}/callback/${key}`,
  });
  return {
    redirectUri: `${root}/callback`,
    redirectUriFor: (issuer) => forKey(issuerKey(issuer)).redirectUri,
    clientMetadataUrlFor: (issuer) => forKey(issuerKey(issuer)).clientId,
    forKey,
  };
}

/** The per-issuer key a redirect URI ends in, or null for the plain callback. */
export function callbackKeyOf(redirectUri: string): string | null {
  const last = new URL(redirectUri).pathname.split("/").pop() ?? "";
  return isIssuerKey(last) ? last : null;
}
