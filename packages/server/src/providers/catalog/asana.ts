import type { AccountIdentity, OAuthProvider } from "../types";
import { type CatalogOptions, text, withOptions } from "./shared";

export type AsanaOptions = CatalogOptions;

/**
 * Asana: authorization code grant with PKCE, space-separated scopes ("default" is the legacy
 * full-access scope), one-hour access tokens with a refresh token, and a revocation endpoint that
 * takes `token` as RFC 7009 does.
 */
export function asana(options: AsanaOptions = {}): OAuthProvider {
  return withOptions(
    {
      kind: "oauth2",
      name: "asana",
      displayName: "Asana",
      docsUrl: "https://developers.asana.com/docs/oauth",
      authorizationEndpoint: "https://app.asana.com/-/oauth_authorize",
      tokenEndpoint: "https://app.asana.com/-/oauth_token",
      revocationEndpoint: "https://app.asana.com/-/oauth_revoke",
      scopes: ["default"],
      scopeSeparator: " ",
      apiOrigins: ["https://app.asana.com"],
      clientAuth: "client_secret_post",
      pkce: true,
      identity: { url: "https://app.asana.com/api/1.0/users/me", parse: parseAsanaMe },
    },
    options,
  );
}

/** GET /api/1.0/users/me wraps the user in `data`. */
export function parseAsanaMe(body: unknown): AccountIdentity {
  return {
    accountId: text(body, "data", "gid"),
    name: text(body, "data", "name"),
    handle: text(body, "data", "email"),
  };
}
