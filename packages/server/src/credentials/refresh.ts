import * as oauth from "oauth4webapi";
import { type OAuthCredential, openCredential } from "../connections/credential";
import { findConnectionById } from "../connections/repository";
import { toConnection } from "../connections/view";
import { ConnectionRequiredError, ConnectionsError, ReauthRequiredError } from "../errors";
import {
  authorizationServerOf,
  clientAuthOf,
  clientOf,
  issuerOf,
  requestOptions,
  resourceParameters,
} from "../oauth/authorization-server";
import { isInvalidGrant, toProviderError } from "../oauth/provider-errors";
import { credentialFromTokens } from "../oauth/tokens";
import type { OAuthProvider } from "../providers/types";
import { type Runtime, scheduleSettings } from "../runtime";
import type { ConnectionRow } from "../store/schema";
import {
  acquireLease,
  bindIssuer,
  commitRefresh,
  markAuthFailed,
  recordRefreshFailure,
} from "./refresh-repository";
import { backoffMs, scheduleFor } from "./schedule";

export type Refreshed = { row: ConnectionRow; credential: OAuthCredential };

const POLL_MS = 100;

/**
 * Refreshes a connection once across every instance sharing the database: the holder of the
 * lease redeems the refresh token, everyone else waits for its result. No transaction stays open
 * during the call to the provider.
 */
export async function refreshConnection(
  runtime: Runtime,
  provider: OAuthProvider,
  row: ConnectionRow,
): Promise<Refreshed> {
  const db = await runtime.db();
  const deadline = Date.now() + 2 * runtime.leaseMs + runtime.timeoutMs;
  let current = row;
  for (;;) {
    const leased = await acquireLease(db, current, runtime.instanceId, runtime.leaseMs);
    if (leased) return refreshHoldingLease(runtime, provider, leased);
    const latest = await awaitOtherRefresh(runtime, current, deadline);
    if (latest.revision !== current.revision) return opened(runtime, latest);
    current = latest;
  }
}

/** Waits until the connection changes, or its lease is free or expired (then we take over). */
async function awaitOtherRefresh(
  runtime: Runtime,
  row: ConnectionRow,
  deadline: number,
): Promise<ConnectionRow> {
  const db = await runtime.db();
  for (;;) {
    const latest = await findConnectionById(db, row.id);
    if (!latest) throw new ConnectionRequiredError(row.provider);
    if (latest.status !== "active") throw new ReauthRequiredError(row.provider);
    const leaseOver = !latest.leaseOwner || (latest.leaseExpiresAt?.getTime() ?? 0) < Date.now();
    if (latest.revision !== row.revision || leaseOver) return latest;
    if (Date.now() > deadline) {
      throw new ConnectionsError(
        "provider_unreachable",
        `Refreshing ${row.provider} is taking too long`,
        {
          provider: row.provider,
        },
      );
    }
    await runtime.changes.wait(row.id, POLL_MS);
  }
}

async function refreshHoldingLease(
  runtime: Runtime,
  provider: OAuthProvider,
  leased: ConnectionRow,
): Promise<Refreshed> {
  const db = await runtime.db();
  const owner = runtime.instanceId;
  const credential = await openCredential(runtime.vault, leased);
  if (credential.type !== "oauth2" || !credential.refreshToken) {
    return failAuth(runtime, leased, provider.name);
  }
  // The refresh token goes only to the issuer that granted it: a server whose metadata now names
  // another authorization server would otherwise hand every user's grant to that one.
  const issuer = issuerOf(provider);
  if (leased.issuer !== null && leased.issuer !== issuer) {
    return failAuth(runtime, leased, provider.name, "issuer_changed");
  }
  if (leased.issuer === null) await bindIssuer(db, leased.id, issuer, provider.tokenEndpoint);
  let next: OAuthCredential;
  try {
    const tokens = await redeemRefreshToken(provider, credential.refreshToken, runtime.timeoutMs);
    next = credentialFromTokens(tokens, credential);
  } catch (error) {
    if (isInvalidGrant(error)) {
      // Another worker may have rotated the token while our copy was in flight: trust the row.
      const latest = await findConnectionById(db, leased.id);
      if (latest && latest.revision !== leased.revision) return opened(runtime, latest);
      return failAuth(runtime, leased, provider.name);
    }
    await recordRefreshFailure(db, leased.id, owner, backoffMs(leased.refreshFailures + 1));
    throw toProviderError(error, provider.name, provider.displayName);
  }
  const schedule = scheduleFor(next, scheduleSettings(runtime, provider.name));
  const committed = await commitRefresh(db, runtime.vault, leased, next, schedule, owner);
  if (!committed) {
    const latest = await findConnectionById(db, leased.id);
    if (latest && latest.revision !== leased.revision) return opened(runtime, latest);
    throw new ConnectionsError(
      "provider_error",
      `The ${provider.name} refresh could not be stored`,
      {
        provider: provider.name,
      },
    );
  }
  runtime.emit({ type: "connection.refreshed", connection: toConnection(committed) });
  return { row: committed, credential: next };
}

async function failAuth(
  runtime: Runtime,
  row: ConnectionRow,
  provider: string,
  reason?: "issuer_changed",
): Promise<never> {
  const failed = await markAuthFailed(await runtime.db(), row.id, runtime.instanceId);
  if (failed) {
    runtime.emit({
      type: "connection.auth_failed",
      connection: toConnection(failed),
      ...(reason ? { reason } : {}),
    });
  }
  throw new ReauthRequiredError(provider);
}

async function opened(runtime: Runtime, row: ConnectionRow): Promise<Refreshed> {
  if (row.status !== "active") throw new ReauthRequiredError(row.provider);
  const credential = await openCredential(runtime.vault, row);
  if (credential.type !== "oauth2") throw new ReauthRequiredError(row.provider);
  return { row, credential };
}

async function redeemRefreshToken(
  provider: OAuthProvider,
  refreshToken: string,
  timeoutMs: number,
) {
  const as = authorizationServerOf(provider);
  const client = clientOf(provider);
  const response = await oauth.refreshTokenGrantRequest(
    as,
    client,
    clientAuthOf(provider),
    refreshToken,
    {
      ...requestOptions(provider.tokenEndpoint, timeoutMs, provider),
      ...resourceParameters(provider),
    },
  );
  return oauth.processRefreshTokenResponse(as, client, response);
}
