import type { Hono, Env as HonoEnv } from "hono";
import type { CredentialRequest, CredentialResult } from "./credentials/reader";
import type { OnEvent } from "./events";
import type { Provider } from "./providers/types";
import type { Env } from "./routes/env";
import type { ConnectionView } from "./routes/schemas";
import type { Identify } from "./shared/identity";
import type { Logger } from "./shared/logger";
import type { Store } from "./store/store";
import type { KeyProvider } from "./vault";
import type { WebhookDelivery, WebhookEndpoint } from "./webhooks/webhooks";
import type { TickReport, WorkerOptions } from "./worker/worker";

/** A connection as callers see it: never a token. */
export type Connection = ConnectionView;

// biome-ignore lint/suspicious/noExplicitAny: Hono's own default: any env a host app has
export type ConnectionsOptions<HostEnv extends HonoEnv = any> = {
  /** The app's public URL, e.g. "http://localhost:3050". */
  baseUrl: string;
  /** Where `routes` is mounted; the OAuth redirect URI is baseUrl + mount + "/callback". */
  mount?: string | undefined;
  /** The origin the browser app runs on (popup results are posted only there). Default: baseUrl's. */
  appOrigin?: string | undefined;
  /** Default: PGlite in `<dataDir>/connections`. */
  store?: Store | undefined;
  /** Folder for the embedded defaults (PGlite data, development keyring). Default ".data". */
  dataDir?: string | undefined;
  /** Keyring "v2:<base64>,v1:<base64>" or a KeyProvider. Default: X_VAULT_KEYS, else a dev keyring. */
  vault?: { keys?: string | KeyProvider | undefined };
  providers: Provider[];
  identify: Identify<HostEnv>;
  onEvent?: OnEvent | undefined;
  /**
   * Where the kit reports what an operator should see (pino's shape: `logger.error(fields,
   * message)`). Unexpected errors in routes arrive here with their stack. Default: the console,
   * warnings and errors only.
   */
  logger?: Logger | undefined;
  /** Timeout for each call to a provider (default 10 s). */
  providerTimeoutMs?: number | undefined;
  /** Refresh this long before a token expires (default 5 minutes). */
  refreshSkewMs?: number | undefined;
  /**
   * How long a connection's refresh lease lasts unless its holder renews it (default 1 s). The
   * holder renews it four times per lease while its token request is in flight, so this is how
   * long an instance that died mid-refresh keeps the others waiting, not a cap on a slow
   * provider (`providerTimeoutMs` is). A holder stalled longer than three quarters of it loses
   * the lease, and another instance may send a second token request: see docs/architecture.md.
   */
  refreshLeaseMs?: number | undefined;
  /** How often the worker health-checks a connection (default 6 hours). */
  checkIntervalMs?: number | undefined;
  /** Credentials kept warm in memory (default 10,000). */
  cacheSize?: number | undefined;
  worker?: WorkerOptions | undefined;
  /** Endpoints that receive every event, signed with HMAC-SHA256 (see verifyWebhookSignature). */
  webhooks?: WebhookEndpoint[] | undefined;
  /** How MCP authorization servers name this app when it registers (default: baseUrl's host). */
  clientName?: string | undefined;
  /**
   * MCP servers users add at run time (`POST /mcp-servers`). `allowPrivateNetwork` lets them name
   * any loopback or private address and plain http (tests, intranets); off by default (SSRF).
   * `allowedOrigins` lets exactly those origins through, e.g. a local MCP server of your own.
   * `maxServersPerUser` caps how many one member may add for themselves (default 20).
   */
  mcp?:
    | {
        allowPrivateNetwork?: boolean | undefined;
        allowedOrigins?: string[] | undefined;
        maxServersPerUser?: number | undefined;
      }
    | undefined;
};

export type ConnectionWithValue = Connection & {
  /** The access token or the secret, fresh: what backend code sends to the provider. */
  value: string;
  credential: CredentialResult;
};

/** The background refresher and health checker: `worker.start()` in one or more instances. */
export interface ConnectionsWorker {
  /** One pass over what is due now; the schedule does this every `intervalMs`. */
  tick(): Promise<TickReport>;
  start(): void;
  /** Stops scheduling and waits for the tick in progress. */
  stop(): Promise<void>;
}

/** The routes' Hono app: what `app.route(mount, connections.routes)` takes. */
export type ConnectionsRoutes = Hono<Env>;

/** The backend for connections: mount `routes`, then ask for credentials from backend code. */
export interface Connections {
  readonly routes: ConnectionsRoutes;
  /** The kit's one redirect URI, to register with each of the host's providers. */
  readonly redirectUri: string;
  /** Opens the store, runs migrations and checks the keyring; failures stop the start. */
  ready(): Promise<void>;
  readonly worker: ConnectionsWorker;
  /** A fresh credential: warm from memory, refreshed first when it is about to expire. */
  getCredential(request: CredentialRequest): Promise<CredentialResult>;
  /**
   * fetch() with the connection's credential as a Bearer token, only to the provider's
   * `apiOrigins` (else `origin_not_allowed`, before anything is sent); a 401 gets one forced
   * refresh and one retry; a 403 `insufficient_scope` throws InsufficientScopeError (a step-up).
   */
  fetch(request: CredentialRequest, input: string | URL, init?: RequestInit): Promise<Response>;
  /** The tenant's connections (a user's own and the workspace's when `userId` is given). */
  listConnections(filter: {
    tenantId: string;
    provider?: string | undefined;
    userId?: string | undefined;
  }): Promise<Connection[]>;
  getConnection(id: string): Promise<Connection | null>;
  /** The user's own connection, fresh. Never null: throws ConnectionRequiredError instead. */
  getUserConnection(request: {
    provider: string;
    tenantId: string;
    userId: string;
  }): Promise<ConnectionWithValue>;
  /** The tenant's workspace connection, fresh. Never null: throws ConnectionRequiredError. */
  getWorkspaceConnection(request: {
    provider: string;
    tenantId: string;
  }): Promise<ConnectionWithValue>;
  /** Revokes at the provider where possible, then deletes. */
  disconnect(id: string): Promise<void>;
  /** The outgoing webhook delivery log, newest first. */
  webhookDeliveries(limit?: number): Promise<WebhookDelivery[]>;
  close(): Promise<void>;
}
