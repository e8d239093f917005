import { type Credential, openCredential } from "../connections/credential";
import { findConnectionById, findConnectionByKey } from "../connections/repository";
import { ConnectionRequiredError, ConnectionsError, ReauthRequiredError } from "../errors";
import type { Runtime } from "../runtime";
import type { ConnectionRow } from "../store/schema";
import { RotatedElsewhere, refreshCredential } from "./refresh";

export type CredentialRequest = {
  provider: string;
  tenantId: string;
  /** Whose user connection; when absent (or none exists) the workspace connection is used. */
  userId?: string;
  visibility?: "user" | "workspace";
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

/** Finds the connection a request names: the user's own first, then the workspace's. */
export async function resolveConnection(
  runtime: Runtime,
  request: CredentialRequest,
): Promise<ConnectionRow> {
  const db = await runtime.db();
  const base = { tenantId: request.tenantId, provider: request.provider };
  const wantsUser = request.visibility !== "workspace" && request.userId;
  const userRow = wantsUser
    ? await findConnectionByKey(db, { ...base, visibility: "user", userId: request.userId! })
    : undefined;
  const row =
    userRow ??
    (request.visibility === "user"
      ? undefined
      : await findConnectionByKey(db, { ...base, visibility: "workspace", userId: "" }));
  if (!row) throw new ConnectionRequiredError(request.provider);
  return row;
}

/**
 * A usable credential, refreshed when it is about to expire. Concurrent callers in this process
 * share one refresh per connection (single flight).
 */
export function createCredentialReader(runtime: Runtime) {
  const inFlight = new Map<string, Promise<CredentialResult>>();

  async function read(row: ConnectionRow, forceRefresh: boolean): Promise<CredentialResult> {
    if (row.status === "auth_failed" || row.status === "revoked") {
      throw new ReauthRequiredError(row.provider);
    }
    const credential = await openCredential(
      runtime.vault,
      { tenantId: row.tenantId, connectionId: row.id },
      row.sealed,
    );
    if (credential.type === "secret") {
      return { type: "secret", connectionId: row.id, secret: credential.secret };
    }
    const provider = runtime.providers.get(row.provider);
    const dueAt = (credential.expiresAt ?? Number.POSITIVE_INFINITY) - runtime.refreshSkewMs;
    if ((!forceRefresh && Date.now() < dueAt) || provider?.kind !== "oauth2") {
      return toResult(row, credential);
    }
    try {
      const refreshed = await refreshCredential(runtime, provider, row, credential);
      return toResult(refreshed.row, refreshed.credential);
    } catch (error) {
      if (error instanceof RotatedElsewhere) {
        const current = await findConnectionById(await runtime.db(), row.id);
        if (!current) throw new ConnectionRequiredError(row.provider);
        return read(current, false);
      }
      // A slow or failing provider is no reason to stop serving a token that still works.
      const stillValid = credential.expiresAt === undefined || credential.expiresAt > Date.now();
      if (
        error instanceof ConnectionsError &&
        error.code !== "reauth_required" &&
        stillValid &&
        !forceRefresh
      ) {
        return toResult(row, credential);
      }
      throw error;
    }
  }

  return function getCredential(row: ConnectionRow, options: { forceRefresh?: boolean } = {}) {
    const key = `${row.id}:${options.forceRefresh ? "force" : "normal"}`;
    const pending = inFlight.get(key);
    if (pending) return pending;
    const promise = read(row, options.forceRefresh ?? false).finally(() => inFlight.delete(key));
    inFlight.set(key, promise);
    return promise;
  };
}

function toResult(
  row: ConnectionRow,
  credential: Extract<Credential, { type: "oauth2" }>,
): OAuthCredentialResult {
  return {
    type: "oauth2",
    connectionId: row.id,
    accessToken: credential.accessToken,
    expiresAt: credential.expiresAt ? new Date(credential.expiresAt) : null,
    scopes: row.scopes,
    extras: credential.extras ?? {},
  };
}
