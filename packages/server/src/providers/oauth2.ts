import * as oauth from "oauth4webapi";
import { ConnectionsError } from "../errors";
import { requestOptions } from "../oauth/authorization-server";
import {
  assertFetchable,
  checkEndpointUrl,
  defaultOutboundPolicy,
  type OutboundPolicy,
} from "../shared/outbound";
import { parseOpenIdUserinfo } from "./openid-userinfo";
import type { ClientAuthMethod, OAuthProvider } from "./types";

export type OAuth2Options = {
  name: string;
  displayName: string;
  /** The issuer identifier, e.g. "https://auth.example.com"; metadata is read from beneath it. */
  issuer: string;
  clientId?: string;
  clientSecret?: string;
  scopes?: string[];
  /** Scopes a step-up may add beyond `scopes` (see OAuthProvider.extraScopes). */
  extraScopes?: string[];
  /** Where `connections.fetch()` may send the token (see OAuthProvider.apiOrigins). */
  apiOrigins?: string[];
  iconUrl?: string;
  /**
   * Lets the metadata name plain-http, loopback or private endpoints on other origins than the
   * issuer's (intranets). The issuer's own origin is trusted as configured either way.
   */
  allowPrivateNetwork?: boolean;
};

export type DiscoverOptions = OAuth2Options & {
  /** "oauth2" reads RFC 8414 `/.well-known/oauth-authorization-server` (default); "oidc" reads `/.well-known/openid-configuration`. */
  algorithm?: "oauth2" | "oidc";
  timeoutMs?: number;
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

/**
 * The decision half of discovery: metadata (RFC 8414 §2) → a provider record. The metadata is
 * the issuer's word about URLs the browser is sent to and the server calls with secrets: each
 * endpoint must be https (`javascript:` would run in the app's origin), and endpoints off the
 * issuer's origin must be public addresses, checked again before every call.
 */
export function oauth2(options: OAuth2Options, metadata: oauth.AuthorizationServer): OAuthProvider {
  if (!metadata.authorization_endpoint || !metadata.token_endpoint) {
    throw new ConnectionsError(
      "invalid_options",
      `${options.name}: the metadata of ${metadata.issuer} has no authorization or token endpoint`,
    );
  }
  const policy = metadataPolicy(options, metadata.issuer);
  for (const field of ENDPOINT_FIELDS) {
    if (metadata[field] !== undefined) {
      checkEndpointUrl(metadata[field], policy, `${options.name}'s ${field}`);
    }
  }
  const scopes = options.scopes ?? [];
  const openid = scopes.includes("openid");
  return {
    kind: "oauth2",
    name: options.name,
    displayName: options.displayName,
    ...(options.iconUrl ? { iconUrl: options.iconUrl } : {}),
    issuer: metadata.issuer,
    issParameterSupported: metadata.authorization_response_iss_parameter_supported === true,
    authorizationEndpoint: metadata.authorization_endpoint,
    tokenEndpoint: metadata.token_endpoint,
    ...(metadata.revocation_endpoint ? { revocationEndpoint: metadata.revocation_endpoint } : {}),
    scopes,
    ...(options.extraScopes ? { extraScopes: options.extraScopes } : {}),
    scopeSeparator: " ",
    clientAuth: clientAuthFromMetadata(metadata, options.clientSecret),
    pkce: pkceFromMetadata(metadata),
    ...(openid ? { openid: true } : {}),
    ...(options.clientId ? { clientId: options.clientId } : {}),
    ...(options.clientSecret ? { clientSecret: options.clientSecret } : {}),
    ...(metadata.userinfo_endpoint
      ? { identity: { url: metadata.userinfo_endpoint, parse: parseOpenIdUserinfo } }
      : {}),
    ...(options.apiOrigins ? { apiOrigins: options.apiOrigins } : {}),
    outboundGuard: (url) => assertFetchable(url, policy),
  };
}

const ENDPOINT_FIELDS = [
  "authorization_endpoint",
  "token_endpoint",
  "revocation_endpoint",
  "userinfo_endpoint",
] as const;

function metadataPolicy(options: OAuth2Options, issuer: string): OutboundPolicy {
  return {
    ...defaultOutboundPolicy,
    allowPrivateNetwork: options.allowPrivateNetwork ?? false,
    allowedOrigins: new Set(URL.canParse(issuer) ? [new URL(issuer).origin] : []),
  };
}

/**
 * RFC 8414 §2: an absent list means client_secret_basic. A client without a secret is public.
 * Basic is preferred when offered, as the RFC 6749 §2.3.1 default every server must support.
 */
export function clientAuthFromMetadata(
  metadata: oauth.AuthorizationServer,
  clientSecret: string | undefined,
): ClientAuthMethod {
  if (!clientSecret) return "none";
  const methods = metadata.token_endpoint_auth_methods_supported ?? ["client_secret_basic"];
  if (methods.includes("client_secret_basic")) return "client_secret_basic";
  if (methods.includes("client_secret_post")) return "client_secret_post";
  throw new ConnectionsError(
    "invalid_options",
    `${metadata.issuer} offers no client secret method we support (${methods.join(", ")})`,
  );
}

/** PKCE S256 unless the metadata lists challenge methods without it (RFC 7636, RFC 9700 §2.1.1). */
export function pkceFromMetadata(metadata: oauth.AuthorizationServer): boolean {
  const methods = metadata.code_challenge_methods_supported;
  return methods === undefined || methods.includes("S256");
}
