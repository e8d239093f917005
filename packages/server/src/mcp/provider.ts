import type { OAuthProvider } from "../providers/types";
import { ConnectionsError } from "../shared/errors";
import { defaultOutboundPolicy, type OutboundPolicy, originOf } from "../shared/outbound";
import type { Database } from "../store/store";
import type { Vault } from "../vault";
import { type DocumentCache, discoverMcpServer, type McpDiscovery } from "./discovery";
import {
  chooseRegistration,
  clientMetadata,
  type McpClient,
  registerDynamically,
  registrationAuthMethod,
} from "./registration";
import { deleteRegistration, findRegistration, saveRegistration } from "./registrations-repository";

export type McpOptions = {
  /** kebab-case, as every provider name. */
  name: string;
  /** The MCP server's URL, e.g. "https://mcp.example.com/mcp". */
  url: string;
  displayName?: string | undefined;
  iconUrl?: string | undefined;
  /** Overrides the scopes discovery selects. */
  scopes?: string[] | undefined;
  /** A client registered out of band: used before any other registration approach. */
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  /**
   * The authorization server that client is registered with. Its credentials go to no other:
   * if the server's metadata later names another, connecting fails rather than sending them
   * there. Required with a clientSecret; without one, the issuer the first discovery finds.
   */
  issuer?: string | undefined;
  /** Lets discovery reach loopback and private addresses, and http URLs (tests, intranets). */
  allowPrivateNetwork?: boolean | undefined;
  /** Origins let through the SSRF guard although private or http; every other URL is checked. */
  allowedOrigins?: ReadonlySet<string> | undefined;
  /**
   * Scopes a step-up may add (see OAuthProvider.extraScopes). Default: the resource's
   * `scopes_supported`, none when it lists none.
   */
  extraScopes?: string[] | "any" | undefined;
  /** Per request sent during discovery and registration (default 5 s). */
  timeoutMs?: number | undefined;
};

/** What preparing needs from the `createConnections` instance. */
export type McpPrepareContext = {
  db: Database;
  vault: Vault;
  /** The redirect URI and Client ID Metadata Document of the kit at one issuer (RFC 9700 §4.4.2.2). */
  redirectUriFor(issuer: string): string;
  clientMetadataUrlFor(issuer: string): string;
  clientName: string;
  clientUri: string;
  /** Registrations under way in this process, by issuer, so servers sharing one register once. */
  registering: Map<string, Promise<McpClient>>;
};

export type McpHandle = {
  url: string;
  options: McpOptions;
  /** The SSRF guard's settings for every request to this server and its authorization server. */
  policy: OutboundPolicy;
  /** Discovers and registers on first use; `rediscover` re-runs discovery once its cache is stale. */
  prepare(context: McpPrepareContext, options?: { rediscover?: boolean }): Promise<void>;
  discovery(): McpDiscovery | null;
  client(): McpClient | null;
};

/** What the kit knows of an MCP server provider: its record, and the handle that fills it in. */
export type McpServerProvider = OAuthProvider & { mcp: McpHandle };

/** A remote MCP server as a provider: what `mcp()` returns, for `createConnections({ providers })`. */
export type McpProvider = OAuthProvider & { readonly mcp: { readonly url: string } };

export function isMcpProvider(provider: unknown): provider is McpServerProvider {
  return typeof provider === "object" && provider !== null && "mcp" in provider;
}

/**
 * A remote MCP server as a provider. `createConnections` takes providers synchronously and
 * discovery is I/O, so the record starts empty (listed as not configured) and fills itself in
 * on `connections.ready()` and again before a connect; see docs/mcp.md.
 */
export function mcp(options: McpOptions): McpProvider {
  return createMcpProvider(options);
}

/** The same, as the kit's own parts see it. */
export function createMcpProvider(options: McpOptions): McpServerProvider {
  const policy: OutboundPolicy = {
    ...defaultOutboundPolicy,
    allowPrivateNetwork: options.allowPrivateNetwork ?? false,
    ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
    timeoutMs: options.timeoutMs ?? defaultOutboundPolicy.timeoutMs,
  };
  const cache: DocumentCache = new Map();
  let discovery: McpDiscovery | null = null;
  let client: McpClient | null = null;
  let clientRejected = false;
  let preRegisteredIssuer = options.issuer;
  let running: Promise<void> | null = null;

  const provider: McpServerProvider = {
    kind: "oauth2",
    name: options.name,
    displayName: options.displayName ?? options.name,
    ...(options.iconUrl ? { iconUrl: options.iconUrl } : {}),
    authorizationEndpoint: "",
    tokenEndpoint: "",
    scopes: options.scopes ?? [],
    scopeSeparator: " ",
    clientAuth: "none",
    pkce: true,
    // Its metadata named the token and revocation endpoints: the SSRF guard before each call.
    outbound: policy,
    // The server's token is for the server (RFC 8707): connections.fetch sends it nowhere else.
    ...(URL.canParse(options.url) ? { apiOrigins: [new URL(options.url).origin] } : {}),
    quirks: {
      // The one place we see the token endpoint's answer: an invalid_client means the server
      // forgot our registration, which the next connect redoes (once per rejection).
      tokenResponse: (body) => {
        if (body.error === "invalid_client" && client?.method === "dynamic") clientRejected = true;
        return body;
      },
    },
    mcp: {
      url: options.url,
      options,
      policy,
      discovery: () => discovery,
      client: () => client,
      prepare(context, prepareOptions = {}) {
        const stale =
          !discovery || (prepareOptions.rediscover === true && discovery.expiresAt <= Date.now());
        if (!stale && !clientRejected && client) return Promise.resolve();
        running ??= run(context, stale).finally(() => {
          running = null;
        });
        return running;
      },
    },
  };

  async function run(context: McpPrepareContext, rediscover: boolean): Promise<void> {
    const found =
      rediscover || !discovery ? await discoverMcpServer(options.url, policy, cache) : discovery;
    const registered = await registeredClient(context, found);
    discovery = found;
    client = registered;
    apply(context, found, registered);
  }

  async function registeredClient(
    context: McpPrepareContext,
    found: McpDiscovery,
  ): Promise<McpClient> {
    const metadata = found.authorizationServer;
    const clientMetadataUrl = context.clientMetadataUrlFor(metadata.issuer);
    const cimdAllowed =
      new URL(clientMetadataUrl).protocol === "https:" || policy.allowPrivateNetwork;
    const choice = chooseRegistration({
      ...(options.clientId ? { clientId: options.clientId } : {}),
      metadata,
      clientMetadataUrl: cimdAllowed ? clientMetadataUrl : null,
    });
    if (choice.method === "pre-registered") {
      preRegisteredIssuer ??= metadata.issuer;
      if (metadata.issuer !== preRegisteredIssuer) {
        throw new ConnectionsError(
          "issuer_mismatch",
          `${options.name}'s client is registered with ${originOf(preRegisteredIssuer)}, but the server now names ${originOf(metadata.issuer)}: its credentials are not sent there`,
          { provider: options.name },
        );
      }
      return {
        method: "pre-registered",
        clientId: options.clientId!,
        ...(options.clientSecret ? { clientSecret: options.clientSecret } : {}),
        clientAuth: options.clientSecret ? registrationAuthMethod(metadata) : "none",
      };
    }
    if (choice.method === "client-id-metadata-document") {
      return {
        method: "client-id-metadata-document",
        clientId: choice.clientId,
        clientAuth: "none",
      };
    }
    const key = { issuer: metadata.issuer, redirectUri: context.redirectUriFor(metadata.issuer) };
    const inFlight = `${key.issuer}\n${key.redirectUri}`;
    if (clientRejected) {
      clientRejected = false;
      // Only the registration we were using is dropped; another provider may have redone it.
      const stored = await findRegistration(context.db, context.vault, key);
      if (stored && stored.clientId === client?.clientId) await deleteRegistration(context.db, key);
    }
    const pending = context.registering.get(inFlight);
    if (pending) return pending;
    const registering = (async () => {
      const stored = await findRegistration(context.db, context.vault, key);
      if (stored) return stored;
      const registered = await registerDynamically(
        choice.endpoint,
        clientMetadata({
          clientName: context.clientName,
          redirectUri: key.redirectUri,
          clientUri: context.clientUri,
          authMethod: registrationAuthMethod(metadata),
        }),
        policy,
      );
      await saveRegistration(
        context.db,
        context.vault,
        key,
        registered.client,
        registered.registrationAccessToken,
      );
      return registered.client;
    })().finally(() => context.registering.delete(inFlight));
    context.registering.set(inFlight, registering);
    return registering;
  }

  function apply(context: McpPrepareContext, found: McpDiscovery, registered: McpClient): void {
    const metadata = found.authorizationServer;
    // A client the kit registered itself gets a callback of its own at each issuer.
    if (registered.method === "pre-registered") delete provider.redirectUri;
    else provider.redirectUri = context.redirectUriFor(metadata.issuer);
    provider.issuer = metadata.issuer;
    provider.issParameterSupported =
      metadata.authorization_response_iss_parameter_supported === true;
    provider.authorizationEndpoint = metadata.authorization_endpoint;
    provider.tokenEndpoint = metadata.token_endpoint;
    if (metadata.revocation_endpoint) provider.revocationEndpoint = metadata.revocation_endpoint;
    else delete provider.revocationEndpoint;
    provider.scopes = options.scopes ?? found.scopes;
    // A step-up asks for what the server's 403 names; the resource says which scopes exist.
    provider.extraScopes = options.extraScopes ?? found.resourceMetadata.scopes_supported ?? [];
    provider.resource = found.resource;
    provider.clientId = registered.clientId;
    provider.clientAuth = registered.clientAuth;
    if (registered.clientSecret) provider.clientSecret = registered.clientSecret;
    else delete provider.clientSecret;
  }

  // Remembered in memory only, a first issuer would be forgotten at each restart, and the secret
  // sent to whatever authorization server the metadata names then.
  if (options.clientSecret && !options.issuer) {
    throw new ConnectionsError(
      "invalid_options",
      `mcp(${options.name}): a client secret is sent only to the authorization server it was issued by: set issuer`,
    );
  }
  if (!URL.canParse(options.url)) {
    throw new ConnectionsError(
      "invalid_options",
      `mcp(${options.name}): url must be an absolute URL`,
    );
  }
  return provider;
}
