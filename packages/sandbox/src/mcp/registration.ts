import { randomBytes } from "node:crypto";
import { Hono } from "hono";
import type { SandboxClient } from "../clients";
import { OAuthError } from "../errors";
import { generateSecret } from "../secrets";
import type { McpContext } from "./context";

type AuthMethod = NonNullable<SandboxClient["tokenEndpointAuthMethod"]>;

const authMethods: readonly AuthMethod[] = ["client_secret_basic", "client_secret_post", "none"];
const grantTypes = ["authorization_code", "refresh_token"];

export type Registration = { client: SandboxClient; response: Record<string, unknown> };

/** RFC 7591 §2 and §3.2.1: validates the client's metadata and decides what it is issued. No I/O. */
export function registerClient(body: unknown, now: number): Registration {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new OAuthError("invalid_client_metadata", "the body must be a JSON object");
  }
  const metadata = body as Record<string, unknown>;
  const redirectUris = metadata.redirect_uris;
  if (!Array.isArray(redirectUris) || redirectUris.length === 0) {
    throw new OAuthError("invalid_redirect_uri", "redirect_uris must be a non-empty array");
  }
  for (const uri of redirectUris) {
    if (typeof uri !== "string" || !URL.canParse(uri) || new URL(uri).hash) {
      throw new OAuthError("invalid_redirect_uri", `"${String(uri)}" is not an absolute URI`);
    }
  }
  // §2: client_secret_basic when the client leaves the method out.
  const method = (metadata.token_endpoint_auth_method ?? "client_secret_basic") as AuthMethod;
  if (!authMethods.includes(method)) {
    throw new OAuthError("invalid_client_metadata", `unsupported auth method ${String(method)}`);
  }
  const grants = (metadata.grant_types ?? ["authorization_code"]) as unknown[];
  if (!Array.isArray(grants) || grants.some((grant) => !grantTypes.includes(grant as string))) {
    throw new OAuthError("invalid_client_metadata", "grant_types may only hold code and refresh");
  }
  const clientName = typeof metadata.client_name === "string" ? metadata.client_name : "MCP client";
  const client: SandboxClient = {
    clientId: `sbx_client_${randomBytes(12).toString("base64url")}`,
    clientSecret: method === "none" ? "" : generateSecret("sbx_cs_"),
    tokenEndpointAuthMethod: method,
    name: clientName,
    redirectUris: redirectUris as string[],
  };
  return {
    client,
    response: {
      ...metadata,
      client_id: client.clientId,
      ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
      client_id_issued_at: Math.floor(now / 1000),
      ...(client.clientSecret ? { client_secret_expires_at: 0 } : {}),
      token_endpoint_auth_method: method,
      grant_types: grants,
      redirect_uris: redirectUris,
      client_name: clientName,
    },
  };
}

/** POST /register beneath the issuer (RFC 7591 §3). */
export function registrationRoutes(context: McpContext) {
  return new Hono().post("/register", async (c) => {
    if (!context.knobs.dynamicRegistration) return c.notFound();
    const body = await c.req.json().catch(() => {
      throw new OAuthError("invalid_client_metadata", "the body must be JSON");
    });
    context.registrationRequests.push(structuredClone(body));
    const { client, response } = registerClient(body, Date.now());
    context.oauth.clients.set(client.clientId, client);
    context.stats.registrations += 1;
    c.header("Cache-Control", "no-store");
    return c.json(response, 201);
  });
}
