import { findConnectionById, listVisibleConnections } from "./connections/repository";
import { authorizedFetch, type CredentialSource } from "./credentials/authorized-fetch";
import type { Disconnect } from "./credentials/disconnect";
import type { CredentialReader, CredentialRequest, CredentialResult } from "./credentials/reader";
import { type McpRequest, registerMcpAccess } from "./mcp/access";
import { isMcpProvider } from "./mcp/provider";
import { assertApiOrigin } from "./providers/api-origins";
import { isProviderName } from "./providers/names";
import type { ProviderRegistry } from "./providers/registry";
import { toConnection } from "./routes/views";
import { bearerAuthorization } from "./shared/credential-header";
import { ConnectionRequiredError, ConnectionsError } from "./shared/errors";
import { guardedResponse } from "./shared/outbound";
import type { Database } from "./store/store";
import { reportStoreUnavailableInAll } from "./store/unavailable";
import { tracedRequest } from "./telemetry";
import type { Connections, ConnectionWithValue } from "./types";

export type ApiDeps = Pick<
  Connections,
  "routes" | "redirectUri" | "worker" | "webhookDeliveries"
> & {
  db(): Promise<Database>;
  /** Resolves once the store is open, the keyring proven and MCP servers prepared. */
  ready(): Promise<void>;
  providers: ProviderRegistry;
  reader: CredentialReader;
  disconnect: Disconnect;
  close(): Promise<void>;
};

/**
 * The backend API a host calls, registered with what the MCP adapters need of it. Store outages
 * are translated once, around the finished objects: every method throws store_unavailable, never
 * the driver's error (which may quote the query), while the database is away.
 */
export function createApi(deps: ApiDeps): Connections {
  let started = false;
  const ready = async () => {
    if (started) return;
    await deps.ready();
    started = true;
  };

  async function getCredential(request: CredentialRequest): Promise<CredentialResult> {
    await ready();
    const provider = await deps.providers.find(request.provider, request);
    if (provider) await deps.providers.prepare(provider);
    return deps.reader.forRequest(request, { provider });
  }

  /** The request's credential, and the one forced refresh the 401 policy may take. */
  function sourceFor(request: CredentialRequest): CredentialSource {
    return {
      provider: request.provider,
      current: () => getCredential(request),
      // Through the request's own cache entry, so the next read already has the new token.
      refreshed: async () => {
        const provider = await deps.providers.find(request.provider, request);
        return deps.reader.forRequest(request, { forceRefresh: true, provider });
      },
    };
  }

  async function withValue(request: CredentialRequest): Promise<ConnectionWithValue> {
    const credential = await getCredential(request);
    const current = await findConnectionById(await deps.db(), credential.connectionId);
    if (!current) throw new ConnectionsError("not_found", "The connection was removed");
    const value = credential.type === "secret" ? credential.secret : credential.accessToken;
    return { ...toConnection(current), value, credential };
  }

  const api: Connections = {
    routes: deps.routes,
    redirectUri: deps.redirectUri,
    worker: deps.worker,
    async ready() {
      await ready();
    },
    getCredential,
    async fetch(request, input, init = {}) {
      const target = new URL(input);
      await ready();
      const provider = await deps.providers.find(request.provider, request);
      if (!provider) throw new ConnectionRequiredError(request.provider);
      assertApiOrigin(provider, target);
      const policy = provider.kind === "oauth2" ? provider.outbound : undefined;
      return authorizedFetch(sourceFor(request), {
        send: (credential) => {
          const headers = new Headers(init.headers);
          const value = credential.type === "secret" ? credential.secret : credential.accessToken;
          headers.set("authorization", bearerAuthorization(value, request.provider));
          // A stranger's server (an MCP server's URL): pinned to public addresses, and its
          // redirects handed back rather than followed past the check.
          const labels = { provider: request.provider, operation: "api" } as const;
          return tracedRequest(init.method ?? "GET", target, labels, () =>
            policy
              ? guardedResponse(target, { ...init, headers }, policy)
              : fetch(target, { ...init, headers }),
          );
        },
        resendable: init.body === undefined || typeof init.body === "string",
      });
    },
    async listConnections(filter) {
      await ready();
      if (filter.provider !== undefined && !isProviderName(filter.provider)) return [];
      const rows = await listVisibleConnections(await deps.db(), {
        tenantId: filter.tenantId,
        ...(filter.provider ? { provider: filter.provider } : {}),
        ...(filter.userId ? { userId: filter.userId } : {}),
      });
      return rows.map(toConnection);
    },
    async getConnection(id) {
      await ready();
      const row = await findConnectionById(await deps.db(), id);
      return row ? toConnection(row) : null;
    },
    getUserConnection: (request) => withValue({ ...request, visibility: "user" }),
    getWorkspaceConnection: (request) => withValue({ ...request, visibility: "workspace" }),
    async disconnect(id) {
      await ready();
      const row = await findConnectionById(await deps.db(), id);
      if (!row) throw new ConnectionsError("not_found", "No such connection");
      await deps.disconnect.disconnect(await deps.providers.find(row.provider, row), row);
    },
    webhookDeliveries: deps.webhookDeliveries,
    close: deps.close,
  };

  /** An MCP provider the caller may use: the host's own, or one their tenant added. */
  async function mcpProvider(request: McpRequest) {
    await ready();
    const provider = await deps.providers.find(request.provider, request);
    if (!isMcpProvider(provider)) {
      throw new ConnectionsError("unknown_provider", `${request.provider} is not an MCP server`, {
        provider: request.provider,
      });
    }
    return provider;
  }

  const connections = reportStoreUnavailableInAll(api);
  const mcp = reportStoreUnavailableInAll({ provider: mcpProvider });
  registerMcpAccess(connections, {
    provider: mcp.provider,
    tokens: (request) => reportStoreUnavailableInAll(sourceFor(request)),
    redirectUri: deps.redirectUri,
  });
  return connections;
}
