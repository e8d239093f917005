import type { AccountIdentity, OAuthProvider } from "../types";
import { type CatalogOptions, text, withOptions } from "./shared";

export type AtlassianOptions = CatalogOptions;

/**
 * Atlassian Cloud OAuth 2.0 (3LO) for Jira and Confluence: `audience=api.atlassian.com` and
 * `prompt=consent` on the authorize URL, `offline_access` for a refresh token, and rotating
 * refresh tokens (each refresh answers a new one and the old one dies). No PKCE, no RFC 7009
 * revocation endpoint. Calls go through api.atlassian.com/ex/jira/{cloudId}, listed by
 * /oauth/token/accessible-resources.
 */
export function atlassian(options: AtlassianOptions = {}): OAuthProvider {
  return withOptions(
    {
      kind: "oauth2",
      name: "atlassian",
      displayName: "Atlassian",
      docsUrl: "https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/",
      authorizationEndpoint: "https://auth.atlassian.com/authorize",
      tokenEndpoint: "https://auth.atlassian.com/oauth/token",
      scopes: ["read:me", "read:jira-work", "offline_access"],
      scopeSeparator: " ",
      apiOrigins: ["https://api.atlassian.com"],
      clientAuth: "client_secret_post",
      pkce: false,
      authorizeParams: atlassianAuthorizeParams(),
      identity: { url: "https://api.atlassian.com/me", parse: parseAtlassianMe },
    },
    options,
  );
}

/** Without the audience Atlassian refuses the request; without prompt=consent it may not ask. */
export function atlassianAuthorizeParams(): Record<string, string> {
  return { audience: "api.atlassian.com", prompt: "consent" };
}

/** GET https://api.atlassian.com/me (needs read:me). */
export function parseAtlassianMe(body: unknown): AccountIdentity {
  return {
    accountId: text(body, "account_id"),
    name: text(body, "name") ?? text(body, "nickname"),
    handle: text(body, "email"),
  };
}
