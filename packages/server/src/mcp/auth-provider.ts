import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { ConnectionRequiredError, ConnectionsError } from "../errors";
import type { McpProvider } from "./provider";

export type McpAuthProviderDeps = {
  provider: McpProvider;
  redirectUri: string;
  /** A fresh access token from the vault (refreshed by the kit when due). */
  accessToken(): Promise<{ accessToken: string; expiresAt: Date | null }>;
  /** One forced refresh, for a token the server rejected before its time. */
  forceRefresh(): Promise<void>;
};

/**
 * The MCP SDK's `OAuthClientProvider`, backed by our vault. The SDK never sees a refresh token,
 * a client secret or a code: it only ever gets the current access token, so refreshing stays
 * ours (single flight, leases, rotation). When the SDK would send the user to authorize, there
 * is no connection to use: that is a ConnectionRequiredError, as everywhere in the kit.
 */
export function createMcpAuthProvider(deps: McpAuthProviderDeps): OAuthClientProvider {
  const { provider } = deps;
  const discovery = () => provider.mcp.discovery();
  return {
    get redirectUrl() {
      return deps.redirectUri;
    },
    get clientMetadata() {
      return {
        redirect_uris: [deps.redirectUri],
        client_name: provider.displayName,
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: provider.clientAuth,
      };
    },
    clientInformation() {
      const found = discovery();
      if (!provider.clientId || !found) return undefined;
      // Stamped with the issuer, so the SDK never presents it to another server.
      return { client_id: provider.clientId, issuer: found.authorizationServer.issuer };
    },
    async tokens() {
      const { accessToken, expiresAt } = await deps.accessToken();
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
    discoveryState() {
      const found = discovery();
      if (!found) return undefined;
      return {
        authorizationServerUrl: found.authorizationServer.issuer,
        resourceMetadataUrl: found.resourceMetadataUrl,
        resourceMetadata: found.resourceMetadata,
        authorizationServerMetadata: found.authorizationServer,
      } as ReturnType<NonNullable<OAuthClientProvider["discoveryState"]>> & object;
    },
    async redirectToAuthorization() {
      // The server refused the token we sent. With a connection, one forced refresh: the SDK
      // fails this call (it expected a redirect) and the next one carries the new token.
      try {
        await deps.forceRefresh();
      } catch (error) {
        if (error instanceof ConnectionsError) throw error;
        throw new ConnectionRequiredError(provider.name);
      }
    },
    saveCodeVerifier() {},
    codeVerifier() {
      throw new ConnectionsError(
        "invalid_request",
        `Connect ${provider.name} through the kit's connect flow, not the MCP SDK`,
      );
    },
  };
}
