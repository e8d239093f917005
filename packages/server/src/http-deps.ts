import type { Settings } from "./config";
import { type Connected, finishConnect } from "./connect/finish";
import { flowOutcome } from "./connect/outcome";
import { saveSecret } from "./connect/secret";
import { startConnect } from "./connect/start";
import { assertMayManage, findVisible, renameVisible } from "./connections/access";
import { listVisibleConnections } from "./connections/repository";
import type { HealthCheck } from "./credentials/check";
import type { Disconnect } from "./credentials/disconnect";
import type { CredentialReader } from "./credentials/reader";
import type { Emit } from "./events";
import { clientMetadataDocument } from "./mcp/client-metadata-document";
import type { McpServerRegistry } from "./mcp/servers";
import type { ProviderRegistry } from "./providers/registry";
import type { RoutesDeps } from "./routes";
import { toConnection } from "./routes/views";
import type { Database } from "./store/store";
import { reportStoreUnavailableInAll } from "./store/unavailable";
import type { Vault } from "./vault";

/**
 * What the routes call: the use cases, bound to this instance's parts and answering in the wire
 * contract's shapes. Store outages are translated here, the routes' one boundary.
 */
export function createHttpDeps(parts: {
  settings: Settings;
  db(): Promise<Database>;
  vault: Vault;
  providers: ProviderRegistry;
  reader: CredentialReader;
  check: HealthCheck;
  disconnect: Disconnect;
  mcpServers: McpServerRegistry;
  emit: Emit;
}): Pick<RoutesDeps, "connect" | "connections" | "providers"> {
  const { settings, db, vault, providers, emit } = parts;
  const startDeps = {
    db,
    vault,
    providers,
    redirectUri: settings.urls.redirectUri,
    appOrigin: settings.appOrigin,
  };
  const finishDeps = {
    db,
    vault,
    findProvider: providers.find,
    redirectUri: settings.urls.redirectUri,
    timeoutMs: settings.providerTimeoutMs,
    schedule: { refreshSkewMs: settings.refreshSkewMs, checkIntervalMs: settings.checkIntervalMs },
    onConnected: ({ row, created, previous }: Connected) =>
      created
        ? emit("connection.created", row)
        : emit("connection.reconnected", row, { recovered: previous?.status !== "active" }),
  };
  const connect = {
    start: (identity, name, request) => startConnect(startDeps, identity, name, request),
    finish: (callback) => finishConnect(finishDeps, callback),
    flow: async (identity, flowId) => flowOutcome(await db(), identity, flowId),
  } satisfies RoutesDeps["connect"];
  const connections = {
    list: async (identity) =>
      (
        await listVisibleConnections(await db(), {
          tenantId: identity.tenantId,
          userId: identity.userId,
        })
      ).map(toConnection),
    saveSecret: async (identity, input) => {
      const saved = await saveSecret(
        {
          db,
          vault,
          providers: providers.statics,
          onSaved: (row, created) =>
            emit(created ? "connection.created" : "connection.reconnected", row),
        },
        identity,
        input,
      );
      return { connection: toConnection(saved.row), created: saved.created };
    },
    rename: async (identity, id, name) =>
      toConnection(await renameVisible(await db(), identity, id, name)),
    disconnect: async (identity, id) => {
      const row = await findVisible(await db(), identity, id);
      assertMayManage(identity, row.visibility);
      await parts.disconnect.disconnect(await providers.find(row.provider, row), row);
    },
    check: async (identity, id) => {
      const row = await findVisible(await db(), identity, id);
      return toConnection(await parts.check(await providers.find(row.provider, row), row));
    },
  } satisfies RoutesDeps["connections"];
  const providerList = {
    providers: async (identity) => {
      const added = (await parts.mcpServers.list(identity)).map(({ provider }) => provider);
      return [...providers.statics.values(), ...added];
    },
    mcpServers: reportStoreUnavailableInAll({
      list: parts.mcpServers.list,
      add: parts.mcpServers.add,
      remove: (identity, id) =>
        parts.mcpServers.remove(identity, id, (provider, tenantId) =>
          parts.disconnect.disconnectAllOf(provider, tenantId),
        ),
    }),
    clientMetadataDocument: (key) =>
      clientMetadataDocument({
        clientName: settings.clientName,
        clientUri: settings.baseUrl,
        ...settings.urls.forKey(key),
      }),
  } satisfies RoutesDeps["providers"];
  return {
    connect: reportStoreUnavailableInAll(connect),
    connections: reportStoreUnavailableInAll(connections),
    providers: reportStoreUnavailableInAll(providerList),
  };
}
