import { type ClientRegistry, isRedirectUriAllowed } from "../clients";
import { OAuthError, UnsafeAuthorizationError } from "../errors";
import { defaultScopes, isAttioScope, parseScope } from "../scopes";
import type { AuthorizationRequest } from "./grants";
import { readParam, requireParam } from "./params";
import { isS256Challenge } from "./pkce";

export type AuthorizationRequestCheck =
  | { outcome: "valid"; request: AuthorizationRequest }
  /** Client or redirect URI untrusted: show an error page, never redirect (RFC 6749 §4.1.2.1). */
  | { outcome: "unsafe"; error: UnsafeAuthorizationError }
  /** Trusted redirect URI, bad request: tell the client through the redirect. */
  | { outcome: "redirect"; redirectUri: string; state: string | null; error: OAuthError };

/** Decides what GET /authorize does with its query; no I/O, so every branch is unit-testable. */
export function checkAuthorizationRequest(
  params: URLSearchParams,
  clients: ClientRegistry,
  resources?: readonly string[],
): AuthorizationRequestCheck {
  const unsafe = (message: string): AuthorizationRequestCheck => ({
    outcome: "unsafe",
    error: new UnsafeAuthorizationError(message),
  });
  if (params.getAll("client_id").length > 1 || params.getAll("redirect_uri").length > 1) {
    return unsafe("client_id and redirect_uri must each be sent once.");
  }
  const clientId = params.get("client_id");
  if (!clientId) return unsafe("The request has no client_id.");
  const client = clients.get(clientId);
  if (!client) return unsafe(`No app is registered with client_id "${clientId}".`);
  const sentRedirectUri = params.get("redirect_uri") || null;
  // RFC 6749 §3.1.2.3: redirect_uri may be left out only when exactly one is registered.
  const redirectUri =
    sentRedirectUri ?? (client.redirectUris.length === 1 ? client.redirectUris[0]! : null);
  if (redirectUri === null) return unsafe("The request has no redirect_uri.");
  if (!isRedirectUriAllowed(client, redirectUri)) {
    return unsafe(`The redirect_uri "${redirectUri}" is not registered for ${client.name}.`);
  }
  const state = params.getAll("state")[0] || null;
  try {
    const request = readTrustedRequest(params, clientId, redirectUri, sentRedirectUri !== null);
    return { outcome: "valid", request: { ...request, resource: readResource(params, resources) } };
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return { outcome: "redirect", redirectUri, state, error };
  }
}

/**
 * RFC 8707 §2: with resources configured, `resource` is required (the MCP authorization spec
 * makes clients send it) and must be one of them; without, it is ignored.
 */
export function readResource(
  params: URLSearchParams,
  resources: readonly string[] | undefined,
): string | null {
  if (!resources) return null;
  const resource = readParam(params, "resource");
  if (resource === null) throw new OAuthError("invalid_target", "resource is required");
  if (!resources.includes(resource)) {
    throw new OAuthError("invalid_target", `this server issues no tokens for ${resource}`);
  }
  return resource;
}

function readTrustedRequest(
  params: URLSearchParams,
  clientId: string,
  redirectUri: string,
  redirectUriSent: boolean,
): Omit<AuthorizationRequest, "resource"> {
  const responseType = requireParam(params, "response_type");
  if (responseType !== "code") {
    throw new OAuthError("unsupported_response_type", 'only response_type "code" is supported');
  }
  return {
    clientId,
    redirectUri,
    redirectUriSent,
    codeChallenge: readCodeChallenge(params),
    scopes: readScopes(params),
    state: readParam(params, "state"),
  };
}

/** PKCE is optional (the Taskr tutorial does not send it) but, when sent, S256 only. */
function readCodeChallenge(params: URLSearchParams): string | null {
  const challenge = readParam(params, "code_challenge");
  const method = readParam(params, "code_challenge_method");
  if (challenge === null) {
    if (method !== null) {
      throw new OAuthError("invalid_request", "code_challenge_method needs a code_challenge");
    }
    return null;
  }
  // RFC 7636 §4.3: a missing method means "plain", which this server refuses like any other.
  if (method !== "S256") {
    throw new OAuthError("invalid_request", "code_challenge_method must be S256");
  }
  if (!isS256Challenge(challenge)) {
    throw new OAuthError("invalid_request", "code_challenge must be 43 base64url characters");
  }
  return challenge;
}

function readScopes(params: URLSearchParams): string[] {
  const scope = readParam(params, "scope");
  const scopes = scope === null ? [] : parseScope(scope);
  if (scopes.length === 0) return [...defaultScopes];
  const unknown = scopes.filter((name) => !isAttioScope(name));
  if (unknown.length > 0) {
    throw new OAuthError("invalid_scope", `unknown scope: ${unknown.join(", ")}`);
  }
  return scopes;
}
