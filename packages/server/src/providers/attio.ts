import type { AccountIdentity, OAuthProvider } from "./types";

export const attioScopes = [
  "record_permission:read",
  "record_permission:read-write",
  "object_configuration:read",
  "object_configuration:read-write",
  "user_management:read",
  "task:read",
  "task:read-write",
  "list:read",
  "list:read-write",
  "note:read",
  "note:read-write",
] as const;

export type AttioOptions = {
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  scopes?: string[] | undefined;
  /** Scopes a step-up may add beyond `scopes`, e.g. ["task:read-write"] (none by default). */
  extraScopes?: string[] | undefined;
  /** Where Attio's authorize and token endpoints live; a sandbox in tests and the offline demo. */
  appUrl?: string | undefined;
  /** Where Attio's REST API lives (identity endpoint, and where connections.fetch may go). */
  apiUrl?: string | undefined;
  /** Where connections.fetch() may send the token; default: apiUrl's origin. */
  apiOrigins?: string[] | undefined;
};

/**
 * Attio, as its OAuth guide documents it: authorize at app.attio.com/authorize, token at
 * app.attio.com/oauth/token, client secret in the body.
 * https://docs.attio.com/rest-api/tutorials/connect-an-app-through-oauth
 */
export function attio(options: AttioOptions = {}): OAuthProvider {
  const appUrl = trimSlash(options.appUrl ?? "https://app.attio.com");
  const apiUrl = trimSlash(options.apiUrl ?? "https://api.attio.com");
  return {
    kind: "oauth2",
    name: "attio",
    displayName: "Attio",
    docsUrl: "https://docs.attio.com/rest-api/endpoint-reference/oauth/oauth-20/authorize-endpoint",
    authorizationEndpoint: `${appUrl}/authorize`,
    tokenEndpoint: `${appUrl}/oauth/token`,
    revocationEndpoint: `${appUrl}/oauth/revoke`,
    scopes: options.scopes ?? [
      "task:read",
      "user_management:read",
      "object_configuration:read",
      "record_permission:read",
    ],
    ...(options.extraScopes ? { extraScopes: options.extraScopes } : {}),
    scopeSeparator: " ",
    clientAuth: "client_secret_post",
    pkce: true,
    ...(options.clientId ? { clientId: options.clientId } : {}),
    ...(options.clientSecret ? { clientSecret: options.clientSecret } : {}),
    identity: { url: `${apiUrl}/v2/self`, parse: parseAttioSelf },
    apiOrigins: options.apiOrigins ?? [new URL(apiUrl).origin],
  };
}

/** GET /v2/self names the workspace the token was granted for. */
export function parseAttioSelf(body: unknown): AccountIdentity {
  const self = (body ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof self[key] === "string" ? (self[key] as string) : null);
  return {
    accountId: text("workspace_id"),
    name: text("workspace_name"),
    handle: text("workspace_slug"),
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
