import { parseOpenIdUserinfo } from "../openid-userinfo";
import type { OAuthProvider } from "../types";
import { type CatalogOptions, withOptions } from "./shared";

export type GoogleOptions = CatalogOptions;

/**
 * Google's OAuth 2.0 for web server apps, with OpenID Connect: the id_token is checked against a
 * nonce and the account is named from the userinfo endpoint. Google's issuer also comes back as
 * `iss` on the redirect, so it is set exactly.
 */
export function google(options: GoogleOptions = {}): OAuthProvider {
  return withOptions(
    {
      kind: "oauth2",
      name: "google",
      displayName: "Google",
      docsUrl: "https://developers.google.com/identity/protocols/oauth2/web-server",
      issuer: "https://accounts.google.com",
      authorizationEndpoint: "https://accounts.google.com/o/oauth2/v2/auth",
      tokenEndpoint: "https://oauth2.googleapis.com/token",
      revocationEndpoint: "https://oauth2.googleapis.com/revoke",
      scopes: ["openid", "email", "profile"],
      scopeSeparator: " ",
      apiOrigins: ["https://www.googleapis.com", "https://*.googleapis.com"],
      clientAuth: "client_secret_post",
      pkce: true,
      openid: true,
      authorizeParams: googleOfflineParams(),
      identity: {
        url: "https://openidconnect.googleapis.com/v1/userinfo",
        parse: parseOpenIdUserinfo,
      },
    },
    options,
  );
}

/**
 * Google returns a refresh token only with `access_type=offline`, and only on the first consent
 * unless `prompt=consent` asks again: without both, a reconnect would lose the refresh token.
 */
export function googleOfflineParams(): Record<string, string> {
  return { access_type: "offline", prompt: "consent" };
}
