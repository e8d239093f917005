import { parseBearerChallenge } from "../oauth/bearer-challenge";
import { ConnectionsError } from "../shared/errors";
import {
  checkEndpointUrl,
  guardedFetch,
  maxAgeMs,
  type OutboundPolicy,
  originOf,
  unsafeUrl,
} from "../shared/outbound";
import { hostOf, inSpan } from "../telemetry";

export type ProtectedResourceMetadata = {
  resource: string;
  authorization_servers?: string[];
  scopes_supported?: string[];
};

export type AuthorizationServerMetadata = {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint?: string;
  registration_endpoint?: string;
  code_challenge_methods_supported?: string[];
  token_endpoint_auth_methods_supported?: string[];
  scopes_supported?: string[];
  client_id_metadata_document_supported?: boolean;
  authorization_response_iss_parameter_supported?: boolean;
};

export type McpDiscovery = {
  /** The MCP server's canonical URI: the RFC 8707 `resource` we send. */
  resource: string;
  resourceMetadataUrl: string;
  resourceMetadata: ProtectedResourceMetadata;
  authorizationServer: AuthorizationServerMetadata;
  /** Challenge `scope`, else the resource's `scopes_supported`, else none (MCP "Scope Selection Strategy"). */
  scopes: string[];
  /** When the cached documents go stale (the smallest Cache-Control max-age). */
  expiresAt: number;
};

const failed = (message: string) => new ConnectionsError("mcp_discovery_failed", message);

type JsonDocument = { body: Record<string, unknown>; maxAgeMs: number };

/** A cache of metadata documents by URL, honouring Cache-Control max-age. */
export type DocumentCache = Map<string, { expiresAt: number; document: JsonDocument }>;

async function fetchJson(
  url: string,
  policy: OutboundPolicy,
  cache: DocumentCache,
): Promise<JsonDocument | null> {
  const cached = cache.get(url);
  if (cached && cached.expiresAt > Date.now()) return cached.document;
  const response = await guardedFetch(
    url,
    { headers: { accept: "application/json" } },
    policy,
    "metadata",
  );
  if (response.status !== 200) return null;
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    throw failed(`${originOf(url)} sent metadata that is not JSON`);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw failed(`${originOf(url)} sent metadata that is not a JSON object`);
  }
  const document = { body: body as Record<string, unknown>, maxAgeMs: maxAgeMs(response.headers) };
  if (document.maxAgeMs > 0)
    cache.set(url, { expiresAt: Date.now() + document.maxAgeMs, document });
  return document;
}

/** MCP "Authorization Server Discovery": a request without a token, to read the 401's challenge. */
async function probe(serverUrl: string, policy: OutboundPolicy): Promise<Record<string, string>> {
  const response = await guardedFetch(
    serverUrl,
    {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 0, method: "ping" }),
    },
    policy,
    "mcp",
  );
  if (response.status !== 401) return {};
  return parseBearerChallenge(response.headers.get("www-authenticate")) ?? {};
}

/** RFC 9728 §3.1: the well-known segment goes between the host and the resource's path. */
export function resourceMetadataUrls(serverUrl: string): string[] {
  const url = new URL(serverUrl);
  const path = url.pathname.replace(/\/+$/, "");
  const root = `${url.origin}/.well-known/oauth-protected-resource`;
  return path ? [`${root}${path}`, root] : [root];
}

/**
 * RFC 8414 §3.1 path insertion, then OpenID Connect Discovery (inserted, then appended), in the
 * order the MCP spec's "Authorization Server Metadata Discovery" lists them.
 */
export function authorizationServerMetadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, "");
  if (!path) {
    return [
      `${url.origin}/.well-known/oauth-authorization-server`,
      `${url.origin}/.well-known/openid-configuration`,
    ];
  }
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}/.well-known/openid-configuration${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
}

/** RFC 9728 §3.3: the metadata must be about the server we asked for. */
export function checkResourceMetadata(
  serverUrl: string,
  body: Record<string, unknown>,
): ProtectedResourceMetadata {
  if (
    typeof body.resource !== "string" ||
    !URL.canParse(body.resource) ||
    new URL(body.resource).href !== new URL(serverUrl).href
  ) {
    throw failed(`the resource metadata of ${originOf(serverUrl)} is about another resource`);
  }
  const servers = body.authorization_servers;
  if (!Array.isArray(servers) || typeof servers[0] !== "string") {
    throw failed(`the resource metadata of ${originOf(serverUrl)} names no authorization server`);
  }
  return body as ProtectedResourceMetadata;
}

/** The endpoints the kit reads from an authorization server's metadata. */
const ENDPOINT_FIELDS = [
  "authorization_endpoint",
  "token_endpoint",
  "revocation_endpoint",
  "registration_endpoint",
] as const;

/**
 * RFC 8414 §3.3: the issuer must be the one we derived the URL from; the MCP spec's PKCE
 * section: S256 must be listed (an absent list means no PKCE, and we must refuse). Everything in
 * it is a stranger's word: each endpoint must be an https URL (a `javascript:` authorization
 * endpoint would run in the app's origin once a browser is sent there), and must sit on the
 * issuer's own origin unless the server promises `iss` on its responses (RFC 9207), which the
 * callback then checks. Otherwise metadata naming an honest server's authorization endpoint and
 * an attacker's token endpoint would have us send the honest server's code and our PKCE
 * verifier to the attacker (RFC 9700 §4.4, mix-up).
 */
export function checkAuthorizationServerMetadata(
  issuer: string,
  body: Record<string, unknown>,
  policy: OutboundPolicy,
): AuthorizationServerMetadata {
  if (body.issuer !== issuer) {
    throw failed(`the metadata at ${originOf(issuer)} names another issuer`);
  }
  if (typeof body.authorization_endpoint !== "string" || typeof body.token_endpoint !== "string") {
    throw failed(`${originOf(issuer)} publishes no authorization or token endpoint`);
  }
  const issuerOrigin = new URL(issuer).origin;
  const issChecked = body.authorization_response_iss_parameter_supported === true;
  for (const field of ENDPOINT_FIELDS) {
    if (body[field] === undefined) continue;
    const url = checkEndpointUrl(body[field], policy, `${originOf(issuer)}'s ${field}`);
    if (!issChecked && url.origin !== issuerOrigin) {
      throw unsafeUrl(
        `${originOf(issuer)}'s ${field}`,
        `it is on ${url.origin}, not the issuer's origin, and the server does not send iss (RFC 9207)`,
      );
    }
  }
  const methods = body.code_challenge_methods_supported;
  if (!Array.isArray(methods) || !methods.includes("S256")) {
    throw new ConnectionsError(
      "mcp_pkce_unsupported",
      `${originOf(issuer)} does not offer PKCE with S256, which the MCP authorization spec requires`,
    );
  }
  return body as unknown as AuthorizationServerMetadata;
}

export function selectScopes(
  challenge: Record<string, string>,
  resource: ProtectedResourceMetadata,
): string[] {
  if (challenge.scope) return challenge.scope.split(" ").filter(Boolean);
  return resource.scopes_supported ?? [];
}

/** The whole discovery, in the MCP authorization spec's order. */
export function discoverMcpServer(
  ...args: Parameters<typeof discoverMcpServerUntraced>
): Promise<McpDiscovery> {
  return inSpan("connections.mcp.discovery", { "server.address": hostOf(args[0]) }, () =>
    discoverMcpServerUntraced(...args),
  );
}

async function discoverMcpServerUntraced(
  serverUrl: string,
  policy: OutboundPolicy,
  cache: DocumentCache = new Map(),
): Promise<McpDiscovery> {
  const challenge = await probe(serverUrl, policy);
  const candidates = challenge.resource_metadata
    ? [challenge.resource_metadata]
    : resourceMetadataUrls(serverUrl);
  let resourceMetadataUrl: string | undefined;
  let resourceDocument: JsonDocument | null = null;
  for (const url of candidates) {
    resourceDocument = await fetchJson(url, policy, cache);
    if (resourceDocument) {
      resourceMetadataUrl = url;
      break;
    }
  }
  if (!resourceDocument || !resourceMetadataUrl) {
    throw failed(`${originOf(serverUrl)} publishes no protected resource metadata (RFC 9728)`);
  }
  const resourceMetadata = checkResourceMetadata(serverUrl, resourceDocument.body);
  const issuer = resourceMetadata.authorization_servers![0]!;
  checkEndpointUrl(issuer, policy, `${originOf(serverUrl)}'s authorization server`);
  let serverDocument: JsonDocument | null = null;
  for (const url of authorizationServerMetadataUrls(issuer)) {
    serverDocument = await fetchJson(url, policy, cache);
    if (serverDocument) break;
  }
  if (!serverDocument) throw failed(`${originOf(issuer)} publishes no RFC 8414 or OpenID metadata`);
  const authorizationServer = checkAuthorizationServerMetadata(issuer, serverDocument.body, policy);
  const ages = [resourceDocument.maxAgeMs, serverDocument.maxAgeMs];
  return {
    resource: resourceMetadata.resource,
    resourceMetadataUrl,
    resourceMetadata,
    authorizationServer,
    scopes: selectScopes(challenge, resourceMetadata),
    expiresAt: Date.now() + Math.min(...ages),
  };
}
