import { type Credential, openCredential } from "../connections/credential";
import { findConnectionByKey } from "../connections/repository";
import type { ProviderLookup } from "../providers/registry";
import type { Provider } from "../providers/types";
import { ConnectionRequiredError, ConnectionsError, ReauthRequiredError } from "../shared/errors";
import type { ConnectionRow } from "../store/schema";
import type { Database } from "../store/store";
import { isStoreUnavailable } from "../store/unavailable";
import type { Vault } from "../vault";
import type { ChangeFeed } from "./change-feed";
import { LruCache } from "./lru-cache";
import type { Refresher } from "./refresh";
import { refreshDueAt } from "./schedule";

export type CredentialRequest = {
  provider: string;
  tenantId: string;
  /** Whose user connection; when absent (or none exists) the workspace connection is used. */
  userId?: string | undefined;
  visibility?: "user" | "workspace" | undefined;
};

export type OAuthCredentialResult = {
  type: "oauth2";
  connectionId: string;
  accessToken: string;
  expiresAt: Date | null;
  scopes: string[];
  /** Provider-specific values from the token response, e.g. Salesforce's instance_url. */
  extras: Record<string, string>;
};

export type SecretCredentialResult = { type: "secret"; connectionId: string; secret: string };

export type CredentialResult = OAuthCredentialResult | SecretCredentialResult;

export type ReadOptions = {
  forceRefresh?: boolean;
  /** The provider, when the caller has looked it up already: only a refresh needs it. */
  provider?: Provider | undefined;
};

/** Finds the connection a request names: the user's own first, then the workspace's. */
export async function resolveConnection(
  db: Database,
  request: CredentialRequest,
): Promise<ConnectionRow> {
  const base = { tenantId: request.tenantId, provider: request.provider };
  const userRow =
    request.visibility !== "workspace" && request.userId
      ? await findConnectionByKey(db, { ...base, visibility: "user", userId: request.userId })
      : undefined;
  const row =
    userRow ??
    (request.visibility === "user"
      ? undefined
      : await findConnectionByKey(db, { ...base, visibility: "workspace", userId: "" }));
  if (!row) throw new ConnectionRequiredError(request.provider);
  return row;
}

type Cached = { result: CredentialResult; dueAt: number };
/** `epoch`: how many times the change feed had missed changes when it was cached. */
type Entry = Cached & { epoch: number };

// When the provider is down and the old token still works, callers get it for this long before
// the next attempt; the row's own backoff keeps the worker from hammering the provider.
const SERVE_STALE_MS = 2_000;

/**
 * Credentials, always usable: a warm one comes from memory with no I/O; one about to expire is
 * refreshed first, once per connection in this process and (through the lease) across instances.
 * Any instance's change to a connection evicts it here through the change feed; when the feed
 * may have missed changes (LISTEN lost and back), every entry is read from the database again.
 */
export function createCredentialReader(deps: {
  db(): Promise<Database>;
  vault: Vault;
  changes: Pick<ChangeFeed, "subscribe">;
  refreshSkewMs: number;
  findProvider: ProviderLookup;
  refresher: Refresher;
  /** Credentials kept warm (default 10,000). */
  cacheSize?: number;
}) {
  const cache = new LruCache<Entry>(deps.cacheSize ?? 10_000);
  const inFlight = new Map<string, Promise<CredentialResult>>();
  // Bumped on every change: a load that started before a change must not cache what it read.
  let generation = 0;
  // Bumped when changes may have gone unheard: older entries are no longer served as they are.
  let epoch = 0;
  deps.changes.subscribe({
    changed(change) {
      generation += 1;
      cache.deleteByPrefix(`${change.tenantId}\t${change.provider}\t`);
    },
    // A connection changed or removed unheard would be served from memory until it is due.
    missed() {
      generation += 1;
      epoch += 1;
    },
  });

  const keyOf = (request: CredentialRequest) =>
    `${request.tenantId}\t${request.provider}\t${request.visibility ?? ""}\t${request.userId ?? ""}`;

  function singleFlight(
    key: string,
    load: () => Promise<CredentialResult>,
  ): Promise<CredentialResult> {
    const pending = inFlight.get(key);
    if (pending) return pending;
    const promise = load().finally(() => inFlight.delete(key));
    inFlight.set(key, promise);
    return promise;
  }

  async function fresh(row: ConnectionRow, options: ReadOptions): Promise<Cached> {
    if (row.status !== "active") throw new ReauthRequiredError(row.provider);
    const credential = await openCredential(deps.vault, row);
    if (credential.type === "secret") {
      return {
        result: { type: "secret", connectionId: row.id, secret: credential.secret },
        dueAt: Number.POSITIVE_INFINITY,
      };
    }
    // The row's expiry column is what the worker and operators see and may move; it decides.
    const expiresAt = row.expiresAt?.getTime();
    const dueAt = refreshDueAt(
      { expiresAt, lifetimeMs: credential.lifetimeMs },
      deps.refreshSkewMs,
    );
    const forceRefresh = options.forceRefresh ?? false;
    if (!forceRefresh && Date.now() < dueAt) return { result: toResult(row, credential), dueAt };
    // Looked up only when refreshing: an added MCP server costs a query, the warm path none.
    const provider = options.provider ?? (await deps.findProvider(row.provider, row));
    if (provider?.kind !== "oauth2") return { result: toResult(row, credential), dueAt };
    try {
      const refreshed = await deps.refresher.refresh(provider, { row, credential });
      return {
        result: toResult(refreshed.row, refreshed.credential),
        dueAt: refreshDueAt(refreshed.credential, deps.refreshSkewMs),
      };
    } catch (error) {
      // A slow or failing provider is no reason to stop serving a token that still works.
      const stillValid = expiresAt === undefined || expiresAt > Date.now();
      if (isTransient(error) && stillValid && !forceRefresh) {
        return { result: toResult(row, credential), dueAt: Date.now() + SERVE_STALE_MS };
      }
      throw error;
    }
  }

  return {
    /** The credential a request names: the user's connection, else the workspace's. */
    forRequest(
      request: CredentialRequest,
      readOptions: ReadOptions = {},
    ): Promise<CredentialResult> {
      const key = keyOf(request);
      const hit = readOptions.forceRefresh ? undefined : cache.get(key);
      const warm = hit !== undefined && Date.now() < hit.dueAt;
      if (warm && hit.epoch === epoch) return Promise.resolve(hit.result);
      return singleFlight(`${key}${readOptions.forceRefresh ? "\tforce" : ""}`, async () => {
        const startedAt = generation;
        try {
          const cached = await fresh(
            await resolveConnection(await deps.db(), request),
            readOptions,
          );
          if (generation === startedAt) cache.set(key, { ...cached, epoch });
          return cached.result;
        } catch (error) {
          // Unconfirmed since LISTEN came back, but the database cannot say otherwise: as during
          // an outage, a warm token beats a 503. (Seen: the pool failing for a moment after
          // PostgreSQL restarts, with LISTEN already back.)
          if (isStoreUnavailable(error)) {
            if (warm) return hit.result;
          } else {
            // The database answered (removed, revoked, refused…): the entry must not outlive it.
            cache.delete(key);
          }
          throw error;
        }
      });
    },
    /** The credential of one known row (health checks, a retry after a 401). */
    forRow(row: ConnectionRow, readOptions: ReadOptions = {}): Promise<CredentialResult> {
      return singleFlight(
        `row\t${row.id}${readOptions.forceRefresh ? "\tforce" : ""}`,
        async () => (await fresh(row, readOptions)).result,
      );
    },
  };
}

export type CredentialReader = ReturnType<typeof createCredentialReader>;

function isTransient(error: unknown): boolean {
  return (
    error instanceof ConnectionsError &&
    (error.code === "provider_unreachable" || error.code === "provider_error")
  );
}

function toResult(row: ConnectionRow, credential: Extract<Credential, { type: "oauth2" }>) {
  return {
    type: "oauth2" as const,
    connectionId: row.id,
    accessToken: credential.accessToken,
    expiresAt: credential.expiresAt ? new Date(credential.expiresAt) : null,
    scopes: row.scopes,
    extras: credential.extras ?? {},
  };
}
