import { type CatalogOptions, withOptions } from "./catalog/shared";
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

/**
 * As every catalog factory's: `endpoints` points Attio elsewhere (the sandbox offline and in
 * tests), `apiOrigins` says where connections.fetch() may then send the token.
 */
export type AttioOptions = CatalogOptions;

/**
 * Attio, as its OAuth guide documents it: authorize at app.attio.com/authorize, token at
 * app.attio.com/oauth/token, client secret in the body; the REST API (and GET /v2/self, which
 * names the workspace) at api.attio.com.
 * https://docs.attio.com/rest-api/tutorials/connect-an-app-through-oauth
 */
export function attio(options: AttioOptions = {}): OAuthProvider {
  return withOptions(
    {
      kind: "oauth2",
      name: "attio",
      displayName: "Attio",
      docsUrl:
        "https://docs.attio.com/rest-api/endpoint-reference/oauth/oauth-20/authorize-endpoint",
      authorizationEndpoint: "https://app.attio.com/authorize",
      tokenEndpoint: "https://app.attio.com/oauth/token",
      revocationEndpoint: "https://app.attio.com/oauth/revoke",
      scopes: [
        "task:read",
        "user_management:read",
        "object_configuration:read",
        "record_permission:read",
      ],
      scopeSeparator: " ",
      clientAuth: "client_secret_post",
      pkce: true,
      identity: { url: "https://api.attio.com/v2/self", parse: parseAttioSelf },
      apiOrigins: ["https://api.attio.com"],
    },
    options,
  );
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
