import type { OAuthProvider } from "../types";
import { type CatalogOptions, withOptions } from "./shared";

export type LinearOptions = CatalogOptions;

/**
 * Linear: comma-separated scopes, PKCE, and an RFC 7009-style revocation endpoint. Apps created
 * from October 2025 get expiring access tokens with refresh tokens. Linear's API is GraphQL only
 * (`viewer` needs a POST), so there is no identity endpoint and no name to show.
 */
export function linear(options: LinearOptions = {}): OAuthProvider {
  return withOptions(
    {
      kind: "oauth2",
      name: "linear",
      displayName: "Linear",
      docsUrl: "https://linear.app/developers/oauth-2-0-authentication",
      authorizationEndpoint: "https://linear.app/oauth/authorize",
      tokenEndpoint: "https://api.linear.app/oauth/token",
      revocationEndpoint: "https://api.linear.app/oauth/revoke",
      scopes: ["read"],
      scopeSeparator: ",",
      apiOrigins: ["https://api.linear.app"],
      clientAuth: "client_secret_post",
      pkce: true,
    },
    options,
  );
}
