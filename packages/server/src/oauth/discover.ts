import * as oauth from "oauth4webapi";
import { type OAuth2Options, oauth2 } from "../providers/oauth2";
import type { OAuthProvider } from "../providers/types";
import { requestOptions } from "./authorization-server";

export type DiscoverOptions = OAuth2Options & {
  /** "oauth2" reads RFC 8414 `/.well-known/oauth-authorization-server` (default); "oidc" reads `/.well-known/openid-configuration`. */
  algorithm?: "oauth2" | "oidc" | undefined;
  timeoutMs?: number | undefined;
};

/**
 * Any standards-following OAuth 2.0 / OpenID provider, from its published metadata.
 * `createConnections` takes providers synchronously, so discovery happens before it, once, at
 * start: `providers: [await discoverOAuth2Provider({ ... })]`. A failing discovery stops the start.
 */
export async function discoverOAuth2Provider(options: DiscoverOptions): Promise<OAuthProvider> {
  const issuer = new URL(options.issuer);
  const algorithm = options.algorithm ?? "oauth2";
  const response = await oauth.discoveryRequest(issuer, {
    ...requestOptions(issuer.href, options.timeoutMs ?? 10_000),
    algorithm,
  });
  const metadata = await oauth.processDiscoveryResponse(issuer, response);
  return oauth2(options, metadata);
}
