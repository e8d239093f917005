import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { ConnectionsError, InsufficientScopeError } from "../errors";
import type { McpProvider } from "./provider";

export type McpAuthProviderDeps = {
  /** The provider's name, known before the provider itself is. */
  name: string;
  redirectUri: string;
  /** The MCP provider, looked up on first use: a server added at run time lives in the store. */
  provider(): Promise<McpProvider>;
  /** A fresh access token from the vault (refreshed by the kit when due) and its scopes. */
  credential(): Promise<{ accessToken: string; expiresAt: Date | null; scopes: string[] }>;
  /** One forced refresh, for a token the server rejected before its time. */
  forceRefresh(): Promise<void>;
  /** The status of the server's last answer, when the transport's fetch is ours (mcpTransport). */
  lastStatus?: () => number | null;
};

/**
 * The MCP SDK's `OAuthClientProvider`, backed by our vault. The SDK never sees a refresh token,
 * a client secret or a code: it only ever gets the current access token, so refreshing stays
 * ours (single flight, leases, rotation). When the SDK would send the user to authorize, there
 * is no consent we can give on their behalf: that is a ConnectionRequiredError, or an
 * InsufficientScopeError when the server asked for scopes the connection lacks (a step-up).
 */
export function createMcpAuthProvider(deps: McpAuthProviderDeps): OAuthClientProvider {
  // The SDK reads clientMetadata synchronously; by then tokens() has resolved the provider.
  let resolved: McpProvider | undefined;
  const provider = async () => {
    resolved ??= await deps.provider();
    return resolved;
  };
  return {
    get redirectUrl() {
      return deps.redirectUri;
    },
    get clientMetadata() {
      return {
        redirect_uris: [deps.redirectUri],
        client_name: resolved?.displayName ?? deps.name,
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: resolved?.clientAuth ?? "none",
      };
    },
    async clientInformation() {
      const known = await provider();
      const found = known.mcp.discovery();
      if (!known.clientId || !found) return undefined;
      // Stamped with the issuer, so the SDK never presents it to another server.
      return { client_id: known.clientId, issuer: found.authorizationServer.issuer };
    },
    async tokens() {
      await provider();
      const { accessToken, expiresAt } = await deps.credential();
      return {
        access_token: accessToken,
        token_type: "Bearer",
        ...(expiresAt
          ? { expires_in: Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000)) }
          : {}),
      };
    },
    saveTokens() {
      // Tokens only come from our own connect flow and refresh; the SDK has none to save.
    },
    async discoveryState() {
      const found = (await provider()).mcp.discovery();
      if (!found) return undefined;
      return {
        authorizationServerUrl: found.authorizationServer.issuer,
        resourceMetadataUrl: found.resourceMetadataUrl,
        resourceMetadata: found.resourceMetadata,
        authorizationServerMetadata: found.authorizationServer,
      } as ReturnType<NonNullable<OAuthClientProvider["discoveryState"]>> & object;
    },
    async redirectToAuthorization(authorizationUrl) {
      // The SDK lands here after a 401, and (with its own fetch) after a 403 insufficient_scope.
      // Our transport's fetch raises the 403 itself, so under it this is always a 401.
      const status = deps.lastStatus?.() ?? null;
      if (status !== 401) {
        const asked = (authorizationUrl.searchParams.get("scope") ?? "").split(" ").filter(Boolean);
        // Without a challenge scope the SDK asks for everything the resource supports: that is a
        // 401's default, not a step-up.
        const supported = (await provider()).mcp.discovery()?.resourceMetadata.scopes_supported;
        const everything = supported !== undefined && sameScopes(asked, supported);
        const { scopes } = await deps.credential();
        if (!everything && asked.some((scope) => !scopes.includes(scope))) {
          throw new InsufficientScopeError(deps.name, asked);
        }
      }
      // The server refused a token it should accept: one forced refresh. The SDK fails this call
      // (it expected a redirect) and the next one carries the new token.
      await deps.forceRefresh();
    },
    saveCodeVerifier() {},
    codeVerifier() {
      throw new ConnectionsError(
        "invalid_request",
        `Connect ${deps.name} through the kit's connect flow, not the MCP SDK`,
      );
    },
  };
}

function sameScopes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((scope) => b.includes(scope));
}
