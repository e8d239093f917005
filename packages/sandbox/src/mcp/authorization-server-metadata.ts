import { Hono } from "hono";
import { supportedScopes } from "../scopes";
import type { McpContext } from "./context";

/** RFC 8414 §2, plus the Client ID Metadata Document flag the MCP spec reads. */
export function mcpAuthorizationServerMetadata(context: McpContext): Record<string, unknown> {
  const { issuer, knobs: oauthKnobs } = context.oauth;
  const { knobs } = context;
  const methods = { S256: ["S256"], "plain-only": ["plain"], absent: null }[
    knobs.codeChallengeMethods
  ];
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    ...(knobs.dynamicRegistration ? { registration_endpoint: `${issuer}/register` } : {}),
    response_types_supported: ["code"],
    grant_types_supported: ["authorization_code", "refresh_token"],
    ...(methods ? { code_challenge_methods_supported: methods } : {}),
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
    scopes_supported: supportedScopes,
    client_id_metadata_document_supported: knobs.clientIdMetadataDocuments,
    authorization_response_iss_parameter_supported: oauthKnobs.sendIssuer,
    ...(knobs.authorizationServerMetadata === "openid"
      ? {
          // OpenID Connect Discovery 1.0 §3 requires these; the sandbox issues no id_token.
          jwks_uri: `${issuer}/jwks`,
          subject_types_supported: ["public"],
          id_token_signing_alg_values_supported: ["RS256"],
        }
      : {}),
  };
}

export function cacheControl(maxAgeSeconds: number | null): string {
  return maxAgeSeconds === null ? "no-store" : `max-age=${maxAgeSeconds}`;
}

/**
 * RFC 8414 §3.1 inserts the well-known segment before the issuer's path; OpenID Connect
 * Discovery appends it after. The MCP spec has clients try both for OpenID, so both are served.
 */
export function authorizationServerMetadataRoutes(context: McpContext) {
  const issuerPath = new URL(context.oauth.issuer).pathname.replace(/\/+$/, "");
  const serve = (kind: "oauth" | "openid") => (c: import("hono").Context) => {
    if (context.knobs.authorizationServerMetadata !== kind) return c.notFound();
    context.stats.authorizationServerMetadataRequests += 1;
    c.header("Cache-Control", cacheControl(context.knobs.metadataMaxAgeSeconds));
    return c.json(mcpAuthorizationServerMetadata(context));
  };
  return new Hono()
    .get(`/.well-known/oauth-authorization-server${issuerPath}`, serve("oauth"))
    .get(`/.well-known/openid-configuration${issuerPath}`, serve("openid"))
    .get(`${issuerPath}/.well-known/openid-configuration`, serve("openid"));
}
