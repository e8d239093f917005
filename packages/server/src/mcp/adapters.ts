import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { type McpRequest, mcpAccessOf } from "./access";
import { createMcpAuthProvider } from "./auth-provider";
import { createMcpTransport } from "./transport";

/**
 * A Streamable HTTP transport to the MCP server, for `client.connect(transport)`: tokens from
 * the vault, a 403 insufficient_scope raised as InsufficientScopeError, a 401 refreshed once,
 * every request through the SSRF guard. Prefer it to building one around mcpAuthProvider.
 *
 * @example
 * const client = new Client({ name: "my-app", version: "1.0.0" });
 * await client.connect(await mcpTransport(connections, { provider: "tasks", tenantId, userId }));
 */
export async function mcpTransport(
  connections: object,
  request: McpRequest,
): Promise<StreamableHTTPClientTransport> {
  const access = mcpAccessOf(connections);
  return createMcpTransport(await access.provider(request), {
    name: request.provider,
    redirectUri: access.redirectUri,
    tokens: access.tokens(request),
  });
}

/**
 * The MCP SDK's OAuthClientProvider for one connection to an MCP provider:
 * `new StreamableHTTPClientTransport(url, { authProvider })`. Tokens come from the vault and
 * are refreshed by the kit; with no connection, calls throw ConnectionRequiredError.
 */
export function mcpAuthProvider(connections: object, request: McpRequest): OAuthClientProvider {
  const access = mcpAccessOf(connections);
  return createMcpAuthProvider({
    name: request.provider,
    redirectUri: access.redirectUri,
    provider: () => access.provider(request),
    tokens: access.tokens(request),
  });
}

/**
 * The URL of the MCP server a provider stands for (a host's `mcp()` or one added at run time
 * that the user may see): what `StreamableHTTPClientTransport` is given with mcpAuthProvider.
 */
export async function mcpServerUrl(connections: object, request: McpRequest): Promise<URL> {
  return new URL((await mcpAccessOf(connections).provider(request)).mcp.url);
}
