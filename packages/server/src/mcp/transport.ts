import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import { authorizedFetch } from "../credentials/authorized-fetch";
import { bearerAuthorization } from "../shared/credential-header";
import { capStream, guardedResponse } from "../shared/outbound";
import { tracedRequest } from "../telemetry";
import {
  createMcpAuthProvider,
  type McpAuthProviderDeps,
  oauthCredentialOf,
} from "./auth-provider";
import type { McpServerProvider } from "./provider";

/**
 * The SDK's Streamable HTTP transport with our vault behind it and our fetch under it. Seeing
 * each answer is what the auth provider alone cannot do: every request carrying a token goes
 * through the kit's one credential policy (authorizedFetch: a 401 refreshed once and retried, a
 * 403 insufficient_scope an InsufficientScopeError before the SDK tries to authorize), and every
 * request passes the SSRF guard with its address pinned, redirects not followed.
 */
export function createMcpTransport(
  provider: McpServerProvider,
  deps: Omit<McpAuthProviderDeps, "provider" | "underKitTransport">,
): StreamableHTTPClientTransport {
  const send = async (url: string | URL, init: RequestInit | undefined) => {
    const target = new URL(url);
    const labels = { provider: deps.name, operation: "mcp" } as const;
    const response = await tracedRequest(init?.method ?? "GET", target, labels, () =>
      guardedResponse(target, init ?? {}, provider.mcp.policy),
    );
    return capMessages(response, target.origin);
  };
  const guarded: FetchLike = async (url, init) => {
    // A request the SDK sends without a token (metadata, perhaps on another origin) gets none.
    if (!new Headers(init?.headers).has("authorization")) return send(url, init);
    return authorizedFetch(deps.tokens, {
      send: async (credential) => {
        const headers = new Headers(init?.headers);
        const { accessToken } = await oauthCredentialOf(deps.name, async () => credential);
        headers.set("authorization", bearerAuthorization(accessToken, deps.name));
        return send(url, { ...init, headers });
      },
      resendable: init?.body === undefined || typeof init.body === "string",
    });
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
