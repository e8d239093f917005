import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { Env } from "hono";
import { createApi } from "./api";
import { keyProviderFrom, readSettings } from "./config";
import { createChangeFeed } from "./credentials/change-feed";
import { createCredentialLifecycle } from "./credentials/lifecycle";
import { createEmitter } from "./events";
import { createHttpDeps } from "./http-deps";
import { createMcpPreparer, prepareAll } from "./mcp/prepare";
import { createMcpServerRegistry } from "./mcp/servers";
import { createProviderRegistry } from "./providers/registry";
import { createRoutes } from "./routes";
import type { Identify } from "./shared/identity";
import { dataKeysRepository } from "./store/data-keys-repository";
import { createPgliteStore } from "./store/pglite-store";
import { type Database, databaseStore } from "./store/store";
import type { Connections, ConnectionsOptions } from "./types";
import { checkKeyring, createVault } from "./vault";
import { reportVaultUnavailable } from "./vault/unavailable";
import { createWebhookSender } from "./webhooks/webhooks";
import { createWorker } from "./worker/worker";

/**
 * The backend for connections: mount `routes`, then ask for credentials from backend code.
 * This only wires the parts together; each takes just what it uses.
 *
 * @example
 * const connections = createConnections({ baseUrl, providers: [attio({ clientId, clientSecret })], identify });
 * app.route("/api/connections", connections.routes);
 */
// biome-ignore lint/suspicious/noExplicitAny: Hono's own default: any env a host app has
export function createConnections<HostEnv extends Env = any>(
  options: ConnectionsOptions<HostEnv>,
): Connections {
  const settings = readSettings(options);
  const { logger } = settings;
  const store = databaseStore(
    options.store ?? createPgliteStore({ dir: join(settings.dataDir, "connections") }),
  );
  let opened: Promise<Database> | undefined;
  const db = () => {
    opened ??= store.open();
    return opened;
  };
  const keyring = keyProviderFrom(options.vault?.keys, settings.dataDir, logger);
  const dataKeys = dataKeysRepository(db);
  const vault = reportVaultUnavailable(createVault({ keys: keyring.keys, dataKeys }));
  const changes = createChangeFeed();
  const timeoutMs = settings.providerTimeoutMs;
  const webhooks = createWebhookSender({ db, endpoints: settings.webhooks, timeoutMs });
  const emit = createEmitter({ onEvent: options.onEvent, webhooks, logger });

  const prepare = createMcpPreparer({
    db,
    vault,
    clientName: settings.clientName,
    clientUri: settings.baseUrl,
    urls: settings.urls,
  });
  const mcpServers = createMcpServerRegistry({
    db,
    allowPrivateNetwork: settings.mcp.allowPrivateNetwork,
    allowedOrigins: settings.allowedOrigins,
    maxServersPerUser: settings.mcp.maxServersPerUser,
    reservedNames: new Set(options.providers.map((provider) => provider.name)),
    prepare,
  });
  const providers = createProviderRegistry({
    providers: options.providers,
    findAdded: mcpServers.find,
    findManyAdded: mcpServers.findMany,
    prepare,
  });
  const { refresher, reader, check, disconnect } = createCredentialLifecycle({
    db,
    vault,
    changes,
    findProvider: providers.find,
    instanceId: randomUUID(),
    leaseMs: settings.refreshLeaseMs,
    timeoutMs,
    refreshSkewMs: settings.refreshSkewMs,
    checkIntervalMs: settings.checkIntervalMs,
    cacheSize: settings.cacheSize,
    onRefreshed: (row) => emit("connection.refreshed", row),
    onAuthFailed: (row, reason) => emit("connection.auth_failed", row, reason ? { reason } : {}),
    onRevoked: (row) => emit("connection.revoked", { ...row, status: "revoked" }),
    onDeleted: (row) => emit("connection.deleted", row),
  });
  const worker = createWorker({
    ...options.worker,
    db,
    providers,
    open: async (row) => (row.status === "active" ? refresher.opened(row) : null),
    refresh: refresher.refresh,
    check,
    deliverWebhooks: (limit) => webhooks.deliverDue(limit),
    // A claim outlives a refresh that runs to its timeout, so two workers never overlap.
    claimMs: 2 * (timeoutMs + settings.refreshLeaseMs),
    flowRetentionMs: 24 * 60 * 60_000,
    onError: (error) => logger.error({ err: error }, "@x/server worker: tick failed"),
  });

  let readying: Promise<void> | undefined;
  const ready = () => {
    readying ??= (async () => {
      await db();
      await checkKeyring(keyring.keys, dataKeys, keyring.source);
      await changes.start(store);
      await prepareAll(providers.statics.values(), prepare, logger);
    })();
    return readying;
  };
  const http = createHttpDeps({
    settings,
    db,
    vault,
    providers,
    reader,
    check,
    disconnect,
    mcpServers,
    emit,
  });
  const routes = createRoutes({
    // The routes run inside the host's app, under its env: what identify() was written for.
    identify: options.identify as Identify,
    appOrigin: settings.appOrigin,
    root: new URL(settings.mount, settings.baseUrl).toString(),
    logger,
    ...http,
  });
  return createApi({
    routes,
    redirectUri: settings.urls.redirectUri,
    worker,
    webhookDeliveries: (limit) => webhooks.deliveries(limit),
    db,
    ready,
    providers,
    reader,
    disconnect,
    async close() {
      await worker.stop();
      await changes.stop();
      await store.close();
    },
  });
}
