import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type { CredentialSource } from "../credentials/authorized-fetch";
import type { OAuthCredentialResult } from "../credentials/reader";
import { isHeaderSafe } from "../shared/credential-header";
import {
  ConnectionRequiredError,
  ConnectionsError,
  InsufficientScopeError,
  ReauthRequiredError,
} from "../shared/errors";
import type { McpServerProvider } from "./provider";

export type McpAuthProviderDeps = {
  /** The provider's name, known before the provider itself is. */
  name: string;
  redirectUri: string;
  /** The MCP provider, looked up on first use: a server added at run time lives in the store. */
  provider(): Promise<McpServerProvider>;
  /** Tokens from the vault (refreshed by the kit when due), and one forced refresh. */
  tokens: CredentialSource;
  /**
   * Under mcpTransport, whose fetch raises a 403 step-up itself and has already refreshed and
   * retried a 401 once: reaching the SDK's authorize step means the server refuses fresh tokens.
   */
  underKitTransport?: boolean;
};

/** The OAuth credential a source holds: a secret cannot stand for an MCP server's token. */
export async function oauthCredentialOf(
  name: string,
  read: () => ReturnType<CredentialSource["current"]>,
): Promise<OAuthCredentialResult> {
  const credential = await read();
  if (credential.type !== "oauth2") throw new ConnectionRequiredError(name);
  return credential;
}

/**
 * The MCP SDK's `OAuthClientProvider`, backed by our vault. The SDK never sees a refresh token,
 * a client secret or a code: it only ever gets the current access token, so refreshing stays
 * ours (single flight, leases, rotation). When the SDK would send the user to authorize, there
 * is no consent we can give on their behalf: that is a ConnectionRequiredError, or an
 * InsufficientScopeError when the server asked for scopes the connection lacks (a step-up).
 */
export function createMcpAuthProvider(deps: McpAuthProviderDeps): OAuthClientProvider {
  // The SDK reads clientMetadata synchronously; by then tokens() has resolved the provider.
  let resolved: McpServerProvider | undefined;
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
      const { accessToken, expiresAt } = await oauthCredentialOf(deps.name, deps.tokens.current);
      // The SDK builds the Authorization header from it: a value a header cannot carry would
      // make fetch quote it in its error.
      if (!isHeaderSafe(accessToken)) {
        throw new ConnectionsError("invalid_credential", `Connect ${deps.name} again`, {
          provider: deps.name,
        });
      }
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
      if (deps.underKitTransport) throw new ReauthRequiredError(deps.name);
      // With the SDK's own fetch this follows a 401 or a 403 insufficient_scope, and the scope
      // it would ask for is all that tells them apart. Scopes the connection lacks: a step-up
      // (the usual 403 names granted and needed scopes). All held: a refused token, refreshed
      // once; the SDK fails this call (it expected a redirect) and the next one carries it.
      const asked = (authorizationUrl.searchParams.get("scope") ?? "").split(" ").filter(Boolean);
      const { scopes } = await oauthCredentialOf(deps.name, deps.tokens.current);
      if (asked.some((scope) => !scopes.includes(scope))) {
        throw new InsufficientScopeError(deps.name, asked);
      }
      await deps.tokens.refreshed();
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
