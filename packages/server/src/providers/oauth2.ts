import { ConnectionsError } from "../shared/errors";
import { checkEndpointUrl, defaultOutboundPolicy, type OutboundPolicy } from "../shared/outbound";
import { parseOpenIdUserinfo } from "./openid-userinfo";

/** The fields of RFC 8414 §2 (and OpenID Connect Discovery §3) a provider record is made from. */
export type AuthorizationServerMetadata = {
  issuer: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  revocation_endpoint?: string;
  userinfo_endpoint?: string;
  token_endpoint_auth_methods_supported?: string[];
  code_challenge_methods_supported?: string[];
  authorization_response_iss_parameter_supported?: boolean;
};

import type { ClientAuthMethod, OAuthProvider } from "./types";

export type OAuth2Options = {
  name: string;
  displayName: string;
  /** The issuer identifier, e.g. "https://auth.example.com"; metadata is read from beneath it. */
  issuer: string;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  scopes?: string[] | undefined;
  /** Scopes a step-up may add beyond `scopes` (see OAuthProvider.extraScopes). */
  extraScopes?: string[] | undefined;
  /** Where `connections.fetch()` may send the token (see OAuthProvider.apiOrigins). */
  apiOrigins?: string[] | undefined;
  iconUrl?: string | undefined;
  /**
   * Lets the metadata name plain-http, loopback or private endpoints on other origins than the
   * issuer's (intranets). The issuer's own origin is trusted as configured either way.
   */
  allowPrivateNetwork?: boolean | undefined;
};

/**
 * The decision half of discovery: metadata (RFC 8414 §2) → a provider record. The metadata is
 * the issuer's word about URLs the browser is sent to and the server calls with secrets: each
 * endpoint must be https (`javascript:` would run in the app's origin), and endpoints off the
 * issuer's origin must be public addresses, checked again before every call.
 */
export function oauth2(
  options: OAuth2Options,
  metadata: AuthorizationServerMetadata,
): OAuthProvider {
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
    outbound: policy,
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
  metadata: AuthorizationServerMetadata,
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
export function pkceFromMetadata(metadata: AuthorizationServerMetadata): boolean {
  const methods = metadata.code_challenge_methods_supported;
  return methods === undefined || methods.includes("S256");
}
