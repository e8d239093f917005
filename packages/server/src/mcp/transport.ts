import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import { InsufficientScopeError } from "../errors";
import { insufficientScopeOf } from "../oauth/bearer-challenge";
import { createMcpAuthProvider, type McpAuthProviderDeps } from "./auth-provider";
import { assertFetchable, defaultOutboundPolicy } from "./outbound";
import type { McpProvider } from "./provider";

/**
 * The SDK's Streamable HTTP transport with our vault behind it and our fetch under it. Seeing
 * each answer is what the auth provider alone cannot do: a 403 insufficient_scope becomes an
 * InsufficientScopeError before the SDK tries to authorize, a 401 gets one forced refresh and one
 * retry, and every request passes the SSRF guard, not only discovery's.
 */
export function createMcpTransport(
  provider: McpProvider,
  deps: Omit<McpAuthProviderDeps, "provider" | "lastStatus">,
): StreamableHTTPClientTransport {
  let lastStatus: number | null = null;
  const policy = {
    ...defaultOutboundPolicy,
    allowPrivateNetwork: provider.mcp.options.allowPrivateNetwork ?? false,
  };
  const send: FetchLike = async (url, init) => {
    await assertFetchable(new URL(url), policy);
    const response = await fetch(url, init);
    lastStatus = response.status;
    return response;
  };
  const guarded: FetchLike = async (url, init) => {
    let response = await send(url, init);
    if (response.status === 401 && new Headers(init?.headers).has("authorization")) {
      // Refused before its expiry (revoked, or the server restarted): one forced refresh and one
      // retry, as connections.fetch does, so the SDK never fails the call for it.
      await response.body?.cancel();
      await deps.forceRefresh();
      const headers = new Headers(init?.headers);
      headers.set("authorization", `Bearer ${(await deps.credential()).accessToken}`);
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
    lastStatus: () => lastStatus,
  });
  return new StreamableHTTPClientTransport(new URL(provider.mcp.url), {
    authProvider,
    fetch: guarded,
  });
}
