import type { AccountIdentity, OAuthProvider } from "../types";
import { type CatalogOptions, text, withOptions } from "./shared";

export type MicrosoftOptions = CatalogOptions & {
  /** "common" (default), "organizations", "consumers", or a tenant id or domain. */
  tenant?: string | undefined;
};

/**
 * Microsoft identity platform (Entra ID) v2.0 endpoints. The tenant is part of the URL. No
 * `openid` scope by default: with the multi-tenant "common" endpoint the id_token's issuer names
 * the user's tenant, which cannot be known before the sign-in. Identity comes from Graph /me.
 * No RFC 7009 revocation endpoint.
 */
export function microsoft(options: MicrosoftOptions = {}): OAuthProvider {
  const scopes = withOfflineAccess(options.scopes ?? ["User.Read"]);
  const base = `https://login.microsoftonline.com/${encodeURIComponent(options.tenant ?? "common")}/oauth2/v2.0`;
  return withOptions(
    {
      kind: "oauth2",
      name: "microsoft",
      displayName: "Microsoft",
      docsUrl: "https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow",
      authorizationEndpoint: `${base}/authorize`,
      tokenEndpoint: `${base}/token`,
      scopes,
      scopeSeparator: " ",
      apiOrigins: ["https://graph.microsoft.com"],
      clientAuth: "client_secret_post",
      pkce: true,
      authorizeParams: { response_mode: "query" },
      identity: { url: "https://graph.microsoft.com/v1.0/me", parse: parseMicrosoftMe },
    },
    { ...options, scopes },
  );
}

/** Microsoft issues a refresh token only when `offline_access` is among the scopes. */
export function withOfflineAccess(scopes: string[]): string[] {
  return scopes.includes("offline_access") ? scopes : [...scopes, "offline_access"];
}

/** GET https://graph.microsoft.com/v1.0/me. */
export function parseMicrosoftMe(body: unknown): AccountIdentity {
  return {
    accountId: text(body, "id"),
    name: text(body, "displayName"),
    handle: text(body, "userPrincipalName") ?? text(body, "mail"),
  };
}
