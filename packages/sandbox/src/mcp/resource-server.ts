import { Hono } from "hono";
import { seedTasks } from "../attio/tasks";
import type { AccessToken } from "../oauth/grants";
import { cacheControl } from "./authorization-server-metadata";
import type { McpContext } from "./context";
import { handleMcpRequest, toolScopes } from "./tools";

/** RFC 9728 §3.1: the well-known segment goes before the resource's path. */
export function resourceMetadataUrl(context: McpContext): string {
  const suffix = context.knobs.resourceMetadataAt === "path" ? context.mcpPath : "";
  return `${context.origin}/.well-known/oauth-protected-resource${suffix}`;
}

/** RFC 9728 §2. */
export function protectedResourceMetadata(context: McpContext): Record<string, unknown> {
  return {
    resource: context.resourceUrl,
    authorization_servers: [context.oauth.issuer],
    scopes_supported: [...new Set([...context.scopes, ...Object.values(toolScopes)])],
    bearer_methods_supported: ["header"],
    resource_name: "Attio sandbox MCP",
  };
}

/**
 * RFC 6750 §3 with RFC 9728 §5.1's resource_metadata and the MCP spec's scope hint. The knob
 * leaves the parameters out, so clients must find the metadata at its well-known URI.
 */
export function bearerChallenge(
  context: McpContext,
  error: "invalid_token" | "insufficient_scope" | null,
  scopes: readonly string[] = context.scopes,
): string {
  const parameters: string[] = [];
  if (error) parameters.push(`error="${error}"`);
  if (error === "insufficient_scope") {
    // RFC 6750 §3.1: the scope needed is part of this answer, knob or not.
    parameters.push(`scope="${scopes.join(" ")}"`);
    if (context.knobs.challengeParameters) {
      parameters.push(`resource_metadata="${resourceMetadataUrl(context)}"`);
    }
  } else if (context.knobs.challengeParameters) {
    parameters.push(`resource_metadata="${resourceMetadataUrl(context)}"`);
    parameters.push(`scope="${scopes.join(" ")}"`);
  }
  return parameters.length > 0 ? `Bearer ${parameters.join(", ")}` : "Bearer";
}

const bearerPattern = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

/** A token counts only if it is live and bound to this server (RFC 8707, MCP "Token Audience"). */
export function acceptedToken(
  context: McpContext,
  authorization: string | undefined,
): AccessToken | null {
  const match = bearerPattern.exec(authorization ?? "");
  const record = match?.[1] ? context.oauth.store.findAccessToken(match[1]) : null;
  if (!record || record.resource !== context.resourceUrl) return null;
  return record;
}

export function resourceServerRoutes(context: McpContext) {
  const tasks = seedTasks(context.oauth.workspace);
  const app = new Hono();
  const serveMetadata = (at: "path" | "root") => (c: import("hono").Context) => {
    if (context.knobs.resourceMetadataAt !== at) return c.notFound();
    context.stats.resourceMetadataRequests += 1;
    c.header("Cache-Control", cacheControl(context.knobs.metadataMaxAgeSeconds));
    return c.json(protectedResourceMetadata(context));
  };
  app.get(`/.well-known/oauth-protected-resource${context.mcpPath}`, serveMetadata("path"));
  app.get("/.well-known/oauth-protected-resource", serveMetadata("root"));
  app.all(context.mcpPath, async (c) => {
    context.stats.mcpRequests += 1;
    const authorization = c.req.header("authorization");
    const token = acceptedToken(context, authorization);
    if (!token) {
      context.stats.unauthorizedMcpRequests += 1;
      c.header(
        "WWW-Authenticate",
        bearerChallenge(context, authorization ? "invalid_token" : null),
      );
      return c.json(
        { error: "invalid_token", error_description: "a valid bearer token is required" },
        401,
      );
    }
    const needed = await scopesNeeded(c.req.raw);
    if (needed.some((scope) => !token.scopes.includes(scope))) {
      context.stats.insufficientScopeRequests += 1;
      // MCP "Scope Challenge Handling": name what the call needs, with what is already granted
      // unless the knob says only the needed (both are allowed; clients must take the union).
      const scopes =
        context.knobs.stepUpScopes === "needed"
          ? needed
          : [...new Set([...token.scopes, ...needed])];
      c.header("WWW-Authenticate", bearerChallenge(context, "insufficient_scope", scopes));
      return c.json(
        { error: "insufficient_scope", error_description: `this call needs ${needed.join(" ")}` },
        403,
      );
    }
    return handleMcpRequest(c.req.raw, tasks);
  });
  return app;
}

/** The scopes the tools called in a JSON-RPC message (or batch) need. */
async function scopesNeeded(request: Request): Promise<string[]> {
  if (request.method !== "POST") return [];
  const body: unknown = await request
    .clone()
    .json()
    .catch(() => null);
  const messages = Array.isArray(body) ? body : [body];
  return messages.flatMap((message) => {
    const call = message as { method?: unknown; params?: { name?: unknown } } | null;
    if (call?.method !== "tools/call" || typeof call.params?.name !== "string") return [];
    const scope = toolScopes[call.params.name];
    return scope ? [scope] : [];
  });
}
