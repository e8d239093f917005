import type { AccountIdentity, OAuthProvider } from "../types";
import { type CatalogOptions, text, withOptions } from "./shared";

export type HubSpotOptions = CatalogOptions;

/**
 * HubSpot's v3 OAuth endpoints (v1 is deprecated on 2027-02-16): credentials in the form body,
 * PKCE accepted, space-separated scopes, 30-minute access tokens with a long-lived refresh
 * token. Revocation is DELETE of the refresh token, not RFC 7009, so none is configured.
 */
export function hubspot(options: HubSpotOptions = {}): OAuthProvider {
  return withOptions(
    {
      kind: "oauth2",
      name: "hubspot",
      displayName: "HubSpot",
      docsUrl: "https://developers.hubspot.com/docs/api-reference/auth-oauth-v3/guide",
      authorizationEndpoint: "https://app.hubspot.com/oauth/authorize",
      tokenEndpoint: "https://api.hubapi.com/oauth/v3/token",
      scopes: ["oauth"],
      scopeSeparator: " ",
      apiOrigins: ["https://api.hubapi.com"],
      clientAuth: "client_secret_post",
      pkce: true,
      identity: {
        url: "https://api.hubapi.com/account-info/v3/details",
        parse: parseHubSpotAccount,
      },
    },
    options,
  );
}

/**
 * GET /account-info/v3/details: the portal (HubSpot account) the app was installed in. It has
 * no display name, so the connection keeps the provider's until the user renames it.
 */
export function parseHubSpotAccount(body: unknown): AccountIdentity {
  return { accountId: text(body, "portalId"), name: null, handle: text(body, "portalId") };
}
