import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import { InsufficientScopeError } from "../errors";
import { insufficientScopeOf } from "../oauth/bearer-challenge";
import { bearerAuthorization } from "../shared/credential-header";
import { assertFetchable, capStream } from "../shared/outbound";
import { createMcpAuthProvider, type McpAuthProviderDeps } from "./auth-provider";
import type { McpProvider } from "./provider";

/**
 * The SDK's Streamable HTTP transport with our vault behind it and our fetch under it. Seeing
 * each answer is what the auth provider alone cannot do: a 403 insufficient_scope becomes an
 * InsufficientScopeError before the SDK tries to authorize, a 401 gets one forced refresh and one
 * retry with the refreshed token, and every request passes the SSRF guard (redirects are not
 * followed), not only discovery's.
 */
export function createMcpTransport(
  provider: McpProvider,
  deps: Omit<McpAuthProviderDeps, "provider" | "underKitTransport">,
): StreamableHTTPClientTransport {
  const send: FetchLike = async (url, init) => {
    const target = new URL(url);
    await assertFetchable(target, provider.mcp.policy);
    const redirect = init?.redirect === "error" ? "error" : "manual";
    return capMessages(await fetch(target, { ...init, redirect }), target.origin);
  };
  const guarded: FetchLike = async (url, init) => {
    let response = await send(url, init);
    const resendable = init?.body === undefined || typeof init.body === "string";
    if (response.status === 401 && resendable && new Headers(init?.headers).has("authorization")) {
      // Refused before its expiry (revoked, or the server restarted): one forced refresh and one
      // retry, as connections.fetch does, so the SDK never fails the call for it.
      await response.body?.cancel();
      const { accessToken } = await deps.forceRefresh();
      const headers = new Headers(init?.headers);
      headers.set("authorization", bearerAuthorization(accessToken, deps.name));
      response = await send(url, { ...init, headers });
    }
    const needed = insufficientScopeOf(response);
    if (!needed) return response;
    await response.body?.cancel();
    throw new InsufficientScopeError(deps.name, needed);
  };
  const authProvider = createMcpAuthProvider({
    ...deps,
    provider: async () => provider,
    underKitTransport: true,
  });
  return new StreamableHTTPClientTransport(new URL(provider.mcp.url), {
    authProvider,
    fetch: guarded,
  });
}

/** A server's reply, or one event of its stream, larger than this is cut off with an error. */
export const MAX_MCP_MESSAGE_BYTES = 4 * 1024 * 1024;

/** The reply with its body capped as it is read, so a hostile server cannot fill our memory. */
function capMessages(response: Response, origin: string): Response {
  if (!response.body) return response;
  const perEvent = /^text\/event-stream\b/i.test(response.headers.get("content-type") ?? "");
  const body = capStream(response.body, { maxBytes: MAX_MCP_MESSAGE_BYTES, origin, perEvent });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
