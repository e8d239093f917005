import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { Hono } from "hono";
import { z } from "zod";
import { findConnectionById, listVisibleConnections } from "./connections/repository";
import { disconnectAllOf, disconnectConnection } from "./connections/service";
import { type Connection, toConnection } from "./connections/view";
import { createChangeFeed } from "./credentials/change-feed";
import {
  type CredentialRequest,
  type CredentialResult,
  createCredentialReader,
} from "./credentials/get-credential";
import { ConnectionRequiredError, ConnectionsError, InsufficientScopeError } from "./errors";
import type { ConnectionEvent, OnEvent } from "./events";
import type { Identify } from "./identity";
import { createMcpAuthProvider } from "./mcp/auth-provider";
import { clientMetadataDocument } from "./mcp/client-metadata-document";
import { isMcpProvider, type McpPrepareContext } from "./mcp/provider";
import { createMcpServerRegistry } from "./mcp/servers";
import { createMcpTransport } from "./mcp/transport";
import { insufficientScopeOf } from "./oauth/bearer-challenge";
import { kitUrls } from "./oauth/redirect-uris";
import { assertApiOrigin } from "./providers/api-origins";
import { isProviderName } from "./providers/names";
import type { Provider } from "./providers/types";
import { createRoutes } from "./routes/routes";
import type { Runtime } from "./runtime";
import { bearerAuthorization } from "./shared/credential-header";
import { dataKeysRepository } from "./store/data-keys-repository";
import { pgliteStore } from "./store/pglite-store";
import type { Database, Store } from "./store/store";
import { reportStoreUnavailable, reportStoreUnavailableIn } from "./store/unavailable";
import {
  checkKeyring,
  createVault,
  DEV_KEYRING_FILE,
  envKeyProvider,
  type KeyProvider,
  parseKeyring,
  resolveKeyring,
} from "./vault";
import { reportVaultUnavailable } from "./vault/unavailable";
import { createWebhookSender, type WebhookEndpoint, type WebhookSender } from "./webhooks/webhooks";
import { createWorker, type WorkerOptions } from "./worker/worker";

export type ConnectionsOptions = {
  /** The app's public URL, e.g. "http://localhost:3050". */
  baseUrl: string;
  /** Where `routes` is mounted; the OAuth redirect URI is baseUrl + mount + "/callback". */
  mount?: string;
  /** The origin the browser app runs on (popup results are posted only there). Default: baseUrl's. */
  appOrigin?: string;
  /** Default: PGlite in `<dataDir>/connections`. */
  store?: Store;
  /** Folder for the embedded defaults (PGlite data, development keyring). Default ".data". */
  dataDir?: string;
  /** Keyring "v2:<base64>,v1:<base64>" or a KeyProvider. Default: X_VAULT_KEYS, else a dev keyring. */
  vault?: { keys?: string | KeyProvider };
  providers: Provider[];
  identify: Identify;
  onEvent?: OnEvent;
  /** Timeout for each call to a provider (default 10 s). */
  providerTimeoutMs?: number;
  /** Refresh this long before a token expires (default 5 minutes). */
  refreshSkewMs?: number;
  /** How long one instance may hold a connection's refresh lease (default 30 s). */
  refreshLeaseMs?: number;
  /** How often the worker health-checks a connection (default 6 hours). */
  checkIntervalMs?: number;
  /** Credentials kept warm in memory (default 10,000). */
  cacheSize?: number;
  worker?: WorkerOptions;
  /** Endpoints that receive every event, signed with HMAC-SHA256 (see verifyWebhookSignature). */
  webhooks?: WebhookEndpoint[];
  /** How MCP authorization servers name this app when it registers (default: baseUrl's host). */
  clientName?: string;
  /**
   * MCP servers users add at run time (`POST /mcp-servers`). `allowPrivateNetwork` lets them name
   * any loopback or private address and plain http (tests, intranets); off by default (SSRF).
   * `allowedOrigins` lets exactly those origins through, e.g. a local MCP server of your own.
   */
  mcp?: { allowPrivateNetwork?: boolean; allowedOrigins?: string[] };
};

const optionsSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }),
  mount: z.string().regex(/^\/[\w\-/]*[^/]$/, "must start with / and not end with /"),
  appOrigin: z.url().optional(),
  providerTimeoutMs: z.number().int().positive(),
  refreshSkewMs: z.number().int().nonnegative(),
  refreshLeaseMs: z.number().int().positive(),
  checkIntervalMs: z.number().int().positive(),
  mcp: z.object({ allowedOrigins: z.array(z.url({ protocol: /^https?$/ })) }),
  webhooks: z.array(
    z.object({
      url: z.url({ protocol: /^https?$/ }),
      secret: z.string().min(16, "must be at least 16 characters"),
    }),
  ),
});

/** Whose connection to an MCP server: the user's own when `userId` is given, else the workspace's. */
export type McpRequest = { provider: string; tenantId: string; userId?: string };

export type ConnectionWithValue = Connection & {
  /** The access token or the secret, fresh: what backend code sends to the provider. */
  value: string;
  credential: CredentialResult;
};

/** The backend for connections: mount `routes`, then ask for credentials from backend code. */
export function createConnections(options: ConnectionsOptions) {
  const settings = validate(options);
  const dataDir = options.dataDir ?? ".data";
  const store = options.store ?? pgliteStore({ dir: join(dataDir, "connections") });
  let opened: Promise<Database> | undefined;
  const db = () => {
    opened ??= store.open();
    return opened;
  };
  const { keys, source: keyringSource } = keyProviderFrom(options.vault?.keys, dataDir);
  const dataKeys = dataKeysRepository(db);
  const vault = reportVaultUnavailable(createVault({ keys, dataKeys }));
  const providers = providerMap(options.providers);

  const webhooks = createWebhookSender({
    db,
    endpoints: settings.webhooks,
    timeoutMs: settings.providerTimeoutMs,
  });
  const changes = createChangeFeed();
  const runtime: Runtime = {
    db,
    vault,
    providers,
    emit: (event) =>
      dispatch(options.onEvent, webhooks, { ...event, at: new Date().toISOString() }),
    changes,
    instanceId: randomUUID(),
    timeoutMs: settings.providerTimeoutMs,
    refreshSkewMs: settings.refreshSkewMs,
    leaseMs: settings.refreshLeaseMs,
    checkIntervalMs: settings.checkIntervalMs,
    // A name no provider could have (a NUL byte, a path) never reaches a query.
    findProvider: async (name, owner) => {
      if (!isProviderName(name)) throw new ConnectionsError("unknown_provider", "Unknown provider");
      return providers.get(name) ?? (await mcpServers.find(name, owner));
    },
  };
  const reader = createCredentialReader(runtime, { cacheSize: options.cacheSize ?? 10_000 });
  const worker = createWorker(runtime, reader, { ...options.worker, webhooks });
  const urls = kitUrls(new URL(settings.mount, settings.baseUrl).toString());
  const redirectUri = urls.redirectUri;
  const appOrigin = new URL(settings.appOrigin ?? settings.baseUrl).origin;
  const mcpClient = {
    clientName: options.clientName ?? new URL(settings.baseUrl).host,
    clientUri: settings.baseUrl,
  };
  const registering: McpPrepareContext["registering"] = new Map();
  runtime.prepareProvider = async (provider, prepareOptions) => {
    if (!isMcpProvider(provider)) return;
    const context = { db: await db(), vault, registering, ...mcpClient, ...urls };
    await provider.mcp.prepare(context, prepareOptions);
  };
  const mcpServers = createMcpServerRegistry({
    db,
    allowPrivateNetwork: options.mcp?.allowPrivateNetwork ?? false,
    allowedOrigins: new Set(settings.mcp.allowedOrigins.map((url) => new URL(url).origin)),
    reservedNames: new Set(providers.keys()),
    prepare: (provider) => runtime.prepareProvider!(provider),
    disconnectAll: (tenantId, provider) => disconnectAllOf(runtime, tenantId, provider),
  });
  const routes: Hono = createRoutes(runtime, {
    identify: options.identify,
    appOrigin,
    redirectUri,
    reader,
    mcpServers,
    // Always served: an MCP server added at run time may register us by these documents.
    clientMetadataDocument: (key) => clientMetadataDocument({ ...mcpClient, ...urls.forKey(key) }),
  }) as unknown as Hono;

  let ready: Promise<void> | undefined;

  /** A fresh credential: warm from memory, refreshed first when it is about to expire. */
  async function getCredential(request: CredentialRequest): Promise<CredentialResult> {
    if (!ready) await api.ready();
    const provider = await runtime.findProvider(request.provider, request);
    if (provider) await runtime.prepareProvider?.(provider);
    return reader.forRequest(request);
  }

  async function withValue(request: CredentialRequest): Promise<ConnectionWithValue> {
    const credential = await getCredential(request);
    const current = await findConnectionById(await db(), credential.connectionId);
    if (!current) throw new ConnectionsError("not_found", "The connection was removed");
    const value = credential.type === "secret" ? credential.secret : credential.accessToken;
    return { ...toConnection(current), value, credential };
  }

  /**
   * MCP servers are discovered at start, but one that is down must not stop the app: it stays
   * listed as not configured and discovery is retried on the next connect or credential request.
   */
  async function prepareMcpProviders(): Promise<void> {
    for (const provider of providers.values()) {
      if (!isMcpProvider(provider)) continue;
      await runtime.prepareProvider?.(provider).catch((error: Error) => {
        console.warn(`@x/server: MCP server ${provider.name} not ready: ${error.message}`);
      });
    }
  }

  /** Where an MCP adapter gets its tokens: the vault, through getCredential and its refresh. */
  function mcpTokenSource(request: McpRequest) {
    return {
      name: request.provider,
      redirectUri,
      credential: reportStoreUnavailable(async () => {
        const credential = await getCredential(request);
        if (credential.type !== "oauth2") throw new ConnectionRequiredError(request.provider);
        return credential;
      }),
      // Through the request's own cache entry, so the next read already has the new token.
      forceRefresh: reportStoreUnavailable(async () => {
        await getCredential(request);
        const refreshed = await reader.forRequest(request, { forceRefresh: true });
        if (refreshed.type !== "oauth2") throw new ConnectionRequiredError(request.provider);
        return refreshed;
      }),
    };
  }

  /** An MCP provider the caller may use: the host's own, or one their tenant added. */
  const findMcpProvider = reportStoreUnavailable(async (request: McpRequest) => {
    if (!ready) await api.ready();
    const provider = await runtime.findProvider(request.provider, request);
    if (!isMcpProvider(provider)) {
      throw new ConnectionsError("unknown_provider", `${request.provider} is not an MCP server`, {
        provider: request.provider,
      });
    }
    return provider;
  });

  const api = {
    routes,
    redirectUri,
    /** Opens the store, runs migrations and checks the keyring; failures stop the start. */
    ready(): Promise<void> {
      ready ??= (async () => {
        await db();
        await checkKeyring(keys, dataKeys, keyringSource);
        await changes.start(store);
        await prepareMcpProviders();
      })();
      return ready;
    },
    /** The background refresher and health checker: `worker.start()` in one or more instances. */
    worker,
    getCredential,
    /**
     * fetch() with the connection's credential as a Bearer token, only to the provider's
     * `apiOrigins` (else `origin_not_allowed`, before anything is sent); a 401 gets one forced
     * refresh and one retry; a 403 `insufficient_scope` throws InsufficientScopeError (a step-up).
     */
    async fetch(
      request: CredentialRequest,
      input: string | URL,
      init: RequestInit = {},
    ): Promise<Response> {
      const target = new URL(input);
      const provider = await runtime.findProvider(request.provider, request);
      if (!provider) throw new ConnectionRequiredError(request.provider);
      assertApiOrigin(provider, target);
      // An MCP server's (or a discovered provider's) address is checked again at each call.
      if (provider.kind === "oauth2") await provider.outboundGuard?.(target);
      const send = (credential: CredentialResult) => {
        const headers = new Headers(init.headers);
        const value = credential.type === "secret" ? credential.secret : credential.accessToken;
        headers.set("authorization", bearerAuthorization(value, request.provider));
        return fetch(target, { ...init, headers });
      };
      // A secret cannot be stepped up: its 403 is the caller's to read.
      const answer = async (response: Response) => {
        const needed = credential.type === "oauth2" ? insufficientScopeOf(response) : null;
        if (!needed) return response;
        await response.body?.cancel();
        throw new InsufficientScopeError(request.provider, needed);
      };
      const credential = await getCredential(request);
      const first = await send(credential);
      if (first.status !== 401 || credential.type !== "oauth2") return answer(first);
      await first.body?.cancel();
      const row = await findConnectionById(await db(), credential.connectionId);
      if (!row) throw new ConnectionRequiredError(request.provider);
      return answer(await send(await reader.forRow(row, { forceRefresh: true })));
    },
    async listConnections(filter: {
      tenantId: string;
      providerName?: string;
      userId?: string;
    }): Promise<Connection[]> {
      await api.ready();
      if (filter.providerName !== undefined && !isProviderName(filter.providerName)) return [];
      const rows = await listVisibleConnections(await db(), {
        tenantId: filter.tenantId,
        ...(filter.providerName ? { provider: filter.providerName } : {}),
        ...(filter.userId ? { userId: filter.userId } : {}),
      });
      return rows.map(toConnection);
    },
    async getConnection(id: string): Promise<Connection | null> {
      await api.ready();
      const row = await findConnectionById(await db(), id);
      return row ? toConnection(row) : null;
    },
    /** The user's own connection, fresh. Never null: throws ConnectionRequiredError instead. */
    getUserConnection(request: { provider: string; tenantId: string; userId: string }) {
      return withValue({ ...request, visibility: "user" });
    },
    /** The tenant's workspace connection, fresh. Never null: throws ConnectionRequiredError. */
    getWorkspaceConnection(request: { provider: string; tenantId: string }) {
      return withValue({ ...request, visibility: "workspace" });
    },
    /** Revokes at the provider where possible, then deletes. */
    async disconnect(id: string): Promise<void> {
      await api.ready();
      const row = await findConnectionById(await db(), id);
      if (!row) throw new ConnectionsError("not_found", "No such connection");
      await disconnectConnection(runtime, row);
    },
    /**
     * The MCP SDK's OAuthClientProvider for one user's connection to an MCP provider:
     * `new StreamableHTTPClientTransport(url, { authProvider })`. Tokens come from the vault and
     * are refreshed by the kit; with no connection, calls throw ConnectionRequiredError.
     */
    mcpAuthProvider(request: McpRequest) {
      return createMcpAuthProvider({
        ...mcpTokenSource(request),
        provider: () => findMcpProvider(request),
      });
    },
    /**
     * A Streamable HTTP transport to the MCP server, for `client.connect(transport)`: tokens from
     * the vault, a 403 insufficient_scope raised as InsufficientScopeError, a 401 refreshed once,
     * every request through the SSRF guard. Prefer it to building one around mcpAuthProvider.
     */
    async mcpTransport(request: McpRequest) {
      return createMcpTransport(await findMcpProvider(request), mcpTokenSource(request));
    },
    /**
     * The URL of the MCP server a provider stands for (a host's `mcp()` or one added at run time
     * that the user may see): what `StreamableHTTPClientTransport` is given with mcpAuthProvider.
     */
    async mcpServerUrl(request: McpRequest): Promise<URL> {
      return new URL((await findMcpProvider(request)).mcp.url);
    },
    /** The outgoing webhook delivery log, newest first. */
    webhookDeliveries(limit?: number) {
      return webhooks.deliveries(limit);
    },
    async close(): Promise<void> {
      await worker.stop();
      await changes.stop();
      await store.close();
    },
  };
  // Hosts catch ConnectionsError; during an outage these would throw the driver's error instead,
  // a 500 in the host's route that may log the query. (MCP lookups and tokens are wrapped above.)
  return reportStoreUnavailableIn(api, [
    "getCredential",
    "fetch",
    "getUserConnection",
    "getWorkspaceConnection",
    "listConnections",
    "getConnection",
    "disconnect",
    "webhookDeliveries",
  ]);
}

export type Connections = ReturnType<typeof createConnections>;

function validate(options: ConnectionsOptions) {
  const parsed = optionsSchema.safeParse({
    baseUrl: options.baseUrl,
    mount: options.mount ?? "/api/connections",
    appOrigin: options.appOrigin,
    providerTimeoutMs: options.providerTimeoutMs ?? 10_000,
    refreshSkewMs: options.refreshSkewMs ?? 5 * 60_000,
    refreshLeaseMs: options.refreshLeaseMs ?? 30_000,
    checkIntervalMs: options.checkIntervalMs ?? 6 * 60 * 60_000,
    webhooks: options.webhooks ?? [],
    mcp: { allowedOrigins: options.mcp?.allowedOrigins ?? [] },
  });
  if (parsed.success && parsed.data.refreshLeaseMs <= parsed.data.providerTimeoutMs) {
    throw new ConnectionsError(
      "invalid_options",
      "createConnections: refreshLeaseMs must be longer than providerTimeoutMs, or a slow refresh would lose its lease",
    );
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConnectionsError(
      "invalid_options",
      `createConnections: ${issue?.path.join(".") ?? "options"} ${issue?.message ?? "is invalid"}`,
    );
  }
  return parsed.data;
}

function providerMap(list: Provider[]): Map<string, Provider> {
  const map = new Map<string, Provider>();
  for (const provider of list) {
    if (!isProviderName(provider.name)) {
      throw new ConnectionsError(
        "invalid_options",
        `Provider name "${provider.name}" must be kebab-case, 64 characters at most`,
      );
    }
    if (map.has(provider.name)) {
      throw new ConnectionsError("invalid_options", `Two providers are named "${provider.name}"`);
    }
    map.set(provider.name, provider);
  }
  return map;
}

/** The keys, and where they came from: what a failed keyring check tells the operator to restore. */
function keyProviderFrom(
  keys: string | KeyProvider | undefined,
  dataDir: string,
): { keys: KeyProvider; source: string } {
  if (typeof keys === "object") return { keys, source: "the KeyProvider given as vault.keys" };
  if (typeof keys === "string") {
    return { keys: envKeyProvider(parseKeyring(keys, "vault.keys")), source: "vault.keys" };
  }
  const source =
    process.env.X_VAULT_KEYS !== undefined
      ? "X_VAULT_KEYS"
      : `the development keyring ${join(dataDir, DEV_KEYRING_FILE)}`;
  return { keys: envKeyProvider(resolveKeyring({ env: process.env, dir: dataDir })), source };
}

function dispatch(
  onEvent: OnEvent | undefined,
  webhooks: WebhookSender,
  event: ConnectionEvent,
): void {
  const failed = (what: string) => (error: unknown) => {
    console.error(
      `@x/server: ${what} failed for ${event.type}: ${(error as Error)?.name ?? "error"}`,
    );
  };
  if (onEvent)
    Promise.resolve()
      .then(() => onEvent(event))
      .catch(failed("onEvent"));
  if (webhooks.enabled) webhooks.enqueue(event).catch(failed("webhook delivery"));
}
