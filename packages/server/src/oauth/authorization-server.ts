import * as oauth from "oauth4webapi";
import type { OAuthProvider } from "../providers/types";

/** Provider data → the objects oauth4webapi works with. */
export function authorizationServerOf(provider: OAuthProvider): oauth.AuthorizationServer {
  return {
    issuer: provider.issuer ?? new URL(provider.authorizationEndpoint).origin,
    authorization_endpoint: provider.authorizationEndpoint,
    token_endpoint: provider.tokenEndpoint,
    ...(provider.revocationEndpoint ? { revocation_endpoint: provider.revocationEndpoint } : {}),
  };
}

export function clientOf(provider: OAuthProvider): oauth.Client {
  return { client_id: provider.clientId ?? "" };
}

export function clientAuthOf(provider: OAuthProvider): oauth.ClientAuth {
  switch (provider.clientAuth) {
    case "client_secret_basic":
      return oauth.ClientSecretBasic(provider.clientSecret ?? "");
    case "client_secret_post":
      return oauth.ClientSecretPost(provider.clientSecret ?? "");
    case "none":
      return oauth.None();
  }
}

export type RequestOptions = {
  [oauth.allowInsecureRequests]?: boolean;
  signal: AbortSignal;
};

/**
 * Plain http is refused except on loopback, where the sandbox and local issuers live
 * (RFC 8252 §8.3 treats loopback as safe from network attackers).
 */
export function requestOptions(url: string, timeoutMs: number): RequestOptions {
  return {
    ...(isLoopbackHttp(url) ? { [oauth.allowInsecureRequests]: true } : {}),
    signal: AbortSignal.timeout(timeoutMs),
  };
}

export function isLoopbackHttp(url: string): boolean {
  const parsed = new URL(url);
  return (
    parsed.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(parsed.hostname)
  );
}
