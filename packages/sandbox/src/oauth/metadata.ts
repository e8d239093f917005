import { Hono } from "hono";
import type { SandboxContext } from "../context";
import { supportedScopes } from "../scopes";
import { supportedAuthMethods } from "./client-auth";

/** RFC 8414. Read per request so it follows the tokenEndpointAuth knob. */
export function authorizationServerMetadata(context: SandboxContext) {
  const { issuer, knobs } = context;
  const authMethods = supportedAuthMethods(knobs.tokenEndpointAuth);
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token"],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint_auth_methods_supported: authMethods,
    scopes_supported: supportedScopes,
    // Follows sendIssuer, so turning it off simulates a provider without RFC 9207 rather than
    // one that advertises iss and then forgets it.
    authorization_response_iss_parameter_supported: knobs.sendIssuer,
  };
}

export function metadataRoutes(context: SandboxContext) {
  return new Hono().get("/.well-known/oauth-authorization-server", (c) =>
    c.json(authorizationServerMetadata(context)),
  );
}
