import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { createClientRegistry, type SandboxClient } from "../clients";
import type { SandboxContext } from "../context";
import { errorResponse } from "../error-responses";
import { OAuthError } from "../errors";
import { createKnobs, type SandboxKnobs } from "../knobs";
import { authorizeRoutes } from "../oauth/authorize";
import { readClientCredentials } from "../oauth/client-auth";
import { createGrantStore } from "../oauth/grants";
import { revokeRoutes } from "../oauth/revoke";
import { tokenRoutes } from "../oauth/token";
import { type SandboxState, stateOf } from "../state-file";
import { createStats } from "../stats";
import { createWorkspace } from "../workspace";
import { authorizationServerMetadataRoutes } from "./authorization-server-metadata";
import { resolveMetadataDocumentClient } from "./client-metadata-document";
import { createMcpStats, type McpContext } from "./context";
import { createMcpKnobs, type McpKnobs } from "./knobs";
import { registrationRoutes } from "./registration";
import { resourceServerRoutes } from "./resource-server";

export type McpSandboxAppOptions = {
  /** The listener's origin, e.g. "http://127.0.0.1:3052". */
  origin: string;
  /** The issuer's path, e.g. "/tenant1"; "" (default) puts the issuer at the origin. */
  issuerPath?: string;
  /** Where the MCP endpoint lives (default "/mcp"). */
  mcpPath?: string;
  /** Pre-registered clients (none by default: clients register or use a metadata document). */
  clients?: SandboxClient[];
  /** The authorization server's knobs; MCP mode defaults to 5-minute rotating tokens. */
  knobs?: Partial<SandboxKnobs>;
  mcpKnobs?: Partial<McpKnobs>;
  workspaceName?: string;
  /** Registered clients, grants and tokens from before a restart (see `state()`). */
  savedState?: SandboxState;
};

export type McpSandboxApp = ReturnType<typeof createMcpSandboxApp>;

/** The MCP authorization spec's short-lived, rotating tokens. */
const mcpTokenDefaults: Partial<SandboxKnobs> = {
  accessTokenTtlSeconds: 300,
  rotateRefreshToken: true,
};

/**
 * Answers one token request from a registered client with invalid_client and forgets the
 * client, as a server does that lost its registrations. Cleared after it fires once.
 */
const forgetClientOnce = (context: McpContext) =>
  createMiddleware(async function forgetClientOnce(c, next) {
    if (!context.knobs.forgetClientOnce) return next();
    const body = new URLSearchParams(await c.req.raw.clone().text());
    const clientId = (() => {
      try {
        return readClientCredentials(c.req.header("authorization"), body).clientId;
      } catch {
        return null;
      }
    })();
    if (!clientId || !context.oauth.clients.has(clientId)) return next();
    context.knobs.forgetClientOnce = false;
    context.oauth.clients.delete(clientId);
    throw new OAuthError("invalid_client", "this client is not registered");
  });

export function createMcpSandboxApp(options: McpSandboxAppOptions) {
  const origin = options.origin.replace(/\/+$/, "");
  const issuerPath = (options.issuerPath ?? "").replace(/\/+$/, "");
  const mcpPath = options.mcpPath ?? "/mcp";
  const resourceUrl = `${origin}${mcpPath}`;
  const clients = options.clients ?? [];
  const oauth: SandboxContext = {
    issuer: `${origin}${issuerPath}`,
    clients: createClientRegistry(clients, options.savedState?.clients),
    knobs: createKnobs({ ...mcpTokenDefaults, ...options.knobs }),
    stats: createStats(),
    store: createGrantStore(Date.now, options.savedState?.grants),
    workspace: createWorkspace(options.workspaceName ?? "Acme Sandbox"),
    resources: [resourceUrl],
  };
  const context: McpContext = {
    oauth,
    knobs: createMcpKnobs(options.mcpKnobs),
    stats: createMcpStats(),
    origin,
    mcpPath,
    resourceUrl,
    scopes: ["task:read"],
    registrationRequests: [],
  };
  const authorizationServer = new Hono();
  authorizationServer.use("/authorize", resolveMetadataDocumentClient(context));
  authorizationServer.use("/oauth/token", forgetClientOnce(context));
  authorizationServer.route("/", authorizeRoutes(oauth));
  authorizationServer.route("/", tokenRoutes(oauth));
  authorizationServer.route("/", revokeRoutes(oauth));
  authorizationServer.route("/", registrationRoutes(context));

  const app = new Hono();
  app.route("/", resourceServerRoutes(context));
  app.route("/", authorizationServerMetadataRoutes(context));
  app.route(issuerPath || "/", authorizationServer);
  app.notFound((c) => c.json({ error: { code: "not_found", message: "no such endpoint" } }, 404));
  app.onError(errorResponse);
  return {
    app,
    /** The MCP server URL a client is given. */
    url: resourceUrl,
    issuer: oauth.issuer,
    /** The authorization server's knobs (token lifetime, rotation, scripted failures…). */
    knobs: oauth.knobs,
    mcpKnobs: context.knobs,
    stats: oauth.stats,
    mcpStats: context.stats,
    clients: oauth.clients,
    registrationRequests: context.registrationRequests,
    revokeAll: () => oauth.store.revokeAll(),
    expireAccessTokens: () => oauth.store.expireAccessTokens(),
    /** What a restart needs to keep honouring the registrations and tokens issued so far. */
    state: () => stateOf(oauth.clients, clients, oauth.store),
  };
}
