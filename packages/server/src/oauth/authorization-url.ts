import * as oauth from "oauth4webapi";
import type { OAuthProvider } from "../providers/types";
import { ConnectionsError } from "../shared/errors";

/** What a flow keeps sealed until the callback: the PKCE verifier and the OpenID nonce. */
export type FlowSecrets = { codeVerifier: string | null; oidcNonce: string | null };

/** Fresh ones, as the provider uses them (RFC 7636 §4.1; OpenID Connect Core §3.1.2.1). */
export function newFlowSecrets(provider: OAuthProvider): FlowSecrets {
  return {
    codeVerifier: provider.pkce ? oauth.generateRandomCodeVerifier() : null,
    oidcNonce: provider.openid ? oauth.generateRandomNonce() : null,
  };
}

/**
 * Where the user is sent to consent (RFC 6749 §4.1.1), with the S256 challenge (RFC 7636 §4.3),
 * the nonce and the resource indicator (RFC 8707 §2).
 */
export async function authorizationUrl(
  provider: OAuthProvider,
  request: { redirectUri: string; scopes: string[]; state: string; secrets: FlowSecrets },
): Promise<URL> {
  const url = authorizationEndpointOf(provider);
  const { secrets } = request;
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", provider.clientId ?? "");
  url.searchParams.set("redirect_uri", request.redirectUri);
  if (request.scopes.length > 0) {
    url.searchParams.set("scope", request.scopes.join(provider.scopeSeparator));
  }
  url.searchParams.set("state", request.state);
  if (secrets.codeVerifier) {
    const challenge = await oauth.calculatePKCECodeChallenge(secrets.codeVerifier);
    url.searchParams.set("code_challenge", challenge);
    url.searchParams.set("code_challenge_method", "S256");
  }
  if (secrets.oidcNonce) url.searchParams.set("nonce", secrets.oidcNonce);
  if (provider.resource) url.searchParams.set("resource", provider.resource);
  for (const [name, value] of Object.entries(provider.authorizeParams ?? {})) {
    url.searchParams.set(name, value);
  }
  return url;
}

/**
 * The browser is sent wherever this says, in the app's own popup or tab: anything but http(s)
 * (`javascript:`, `data:`) would run in the app's origin. Metadata is checked when it is read;
 * this is the last depth before the URL leaves the server.
 */
function authorizationEndpointOf(provider: OAuthProvider): URL {
  const url = URL.canParse(provider.authorizationEndpoint)
    ? new URL(provider.authorizationEndpoint)
    : null;
  if (url?.protocol !== "https:" && url?.protocol !== "http:") {
    throw new ConnectionsError(
      "unsafe_url",
      `${provider.displayName}'s authorization endpoint is not an http(s) URL`,
      { provider: provider.name },
    );
  }
  return url;
}
