import { type OAuthCredential, openCredential } from "../connections/credential";
import { acquireLease, readLease, renewLease } from "../connections/lease";
import {
  bindIssuer,
  commitRefresh,
  findConnectionById,
  markAuthFailed,
  recordRefreshFailure,
} from "../connections/repository";
import { issuerOf } from "../oauth/authorization-server";
import { isInvalidGrant, toProviderError } from "../oauth/provider-errors";
import { refreshTokens } from "../oauth/refresh-tokens";
import type { OAuthProvider } from "../providers/types";
import { backoffMs } from "../shared/backoff";
import { ConnectionRequiredError, ConnectionsError, ReauthRequiredError } from "../shared/errors";
import type { ConnectionRow } from "../store/schema";
import type { Database } from "../store/store";
import { annotate, inSpan, measure } from "../telemetry";
import type { Vault } from "../vault";
import type { ChangeFeed } from "./change-feed";
import { keepLease } from "./lease-heartbeat";
import { nextRefreshAt } from "./schedule";

export type Refreshed = { row: ConnectionRow; credential: OAuthCredential };

export type RefreshDeps = {
  db(): Promise<Database>;
  vault: Vault;
  /** Wakes a waiter as soon as the holder's commit lands. */
  changes: Pick<ChangeFeed, "wait">;
  /** Names this instance as the owner of the leases it takes. */
  instanceId: string;
  /** How long a lease lasts unless renewed: how long a dead holder keeps the others waiting. */
  leaseMs: number;
  timeoutMs: number;
  refreshSkewMs: number;
  onRefreshed(row: ConnectionRow): void;
  /** The grant is dead (or its issuer is no longer the provider's): the user must reconnect. */
  onAuthFailed(row: ConnectionRow, reason?: "issuer_changed"): void;
};

/** A row with its credential already opened, so a refresh opens nothing twice. */
export type OpenedRow = { row: ConnectionRow; credential: OAuthCredential };

const POLL_MS = 100;
/**
 * Renewals per lease: a live holder keeps its lease through stalls of up to three quarters of
 * it (a busy event loop, a slow renewal). One that stalls longer loses it to a waiter; see
 * holdingLease.
 */
const BEATS_PER_LEASE = 4;

/**
 * Refreshes a connection once across every instance sharing the database: the holder of the
 * lease redeems the refresh token, everyone else waits for its result. No transaction stays open
 * during the call to the provider. The lease is short and renewed while the holder works, so a
 * holder that dies is replaced within one lease, while a live one keeps it however slow the
 * provider is.
 */
export function createRefresher(deps: RefreshDeps) {
  /** One refresh as a span and a sample of its duration, by outcome: refreshed, retry, reconnect. */
  function refresh(provider: OAuthProvider, start: OpenedRow): Promise<Refreshed> {
    const began = performance.now();
    const attributes = { "connections.provider": provider.name };
    return inSpan("connections.credential.refresh", attributes, async () => {
      const seconds = () => (performance.now() - began) / 1000;
      try {
        const refreshed = await refreshOnce(provider, start);
        measure.refresh(provider.name, "refreshed", seconds());
        return refreshed;
      } catch (error) {
        const outcome = error instanceof ReauthRequiredError ? "reconnect" : "retry";
        annotate({ "connections.refresh.outcome": outcome });
        measure.refresh(provider.name, outcome, seconds());
        throw error;
      }
    });
  }

  async function refreshOnce(provider: OAuthProvider, start: OpenedRow): Promise<Refreshed> {
    const db = await deps.db();
    const deadline = Date.now() + 2 * deps.leaseMs + deps.timeoutMs;
    let current = start;
    for (;;) {
      const leased = await acquireLease(db, current.row, deps.instanceId, deps.leaseMs);
      // The lease is taken only at the revision we read: the credential we opened is this one.
      if (leased)
        return holdingLease(db, provider, { row: leased, credential: current.credential });
      const waitBegan = performance.now();
      const latest = await awaitOtherRefresh(db, current.row, deadline);
      const waited = (performance.now() - waitBegan) / 1000;
      measure.leaseWait(provider.name, waited);
      annotate({ "connections.refresh.lease_wait_ms": Math.round(waited * 1000) });
      if (latest.revision !== current.row.revision) return opened(latest);
      current = { row: latest, credential: current.credential };
    }
  }

  /**
   * Waits until the connection changes, or its lease is free or expired (then we take over). The
   * database's clock says whether it expired, as it does when the lease is taken.
   */
  async function awaitOtherRefresh(
    db: Database,
    row: ConnectionRow,
    deadline: number,
  ): Promise<ConnectionRow> {
    for (;;) {
      const latest = await readLease(db, row.id);
      if (!latest) throw new ConnectionRequiredError(row.provider);
      if (latest.row.status !== "active") throw new ReauthRequiredError(row.provider);
      if (latest.row.revision !== row.revision || latest.leaseFree) return latest.row;
      if (Date.now() > deadline) {
        throw new ConnectionsError(
          "provider_unreachable",
          `Refreshing ${row.provider} is taking too long`,
          { provider: row.provider },
        );
      }
      await deps.changes.wait(row.id, POLL_MS);
    }
  }

  /**
   * Holds the lease for the whole refresh, renewing it. A holder stalled past its lease (longer
   * than three quarters of it between renewals) loses it, and a waiter may send a second token
   * request; whichever commits first wins the compare-and-set on the revision, the other is
   * discarded and uses the winner's credential. A provider that rotates refresh tokens strictly
   * refuses one of the two requests: see settledRow.
   */
  async function holdingLease(
    db: Database,
    provider: OAuthProvider,
    opened: OpenedRow,
  ): Promise<Refreshed> {
    const { id, revision } = opened.row;
    const renew = () => renewLease(db, { id, revision }, deps.instanceId, deps.leaseMs);
    const stop = keepLease(renew, deps.leaseMs / BEATS_PER_LEASE);
    try {
      return await redeem(db, provider, opened);
    } finally {
      stop();
    }
  }

  async function redeem(
    db: Database,
    provider: OAuthProvider,
    { row: leased, credential }: OpenedRow,
  ): Promise<Refreshed> {
    const owner = deps.instanceId;
    const refreshToken = credential.refreshToken;
    if (!refreshToken) return failAuth(db, leased);
    // The refresh token goes only to the issuer that granted it: a server whose metadata now
    // names another authorization server would otherwise hand every user's grant to that one.
    const issuer = issuerOf(provider);
    if (leased.issuer !== null && leased.issuer !== issuer) {
      return failAuth(db, leased, "issuer_changed");
    }
    if (leased.issuer === null) await bindIssuer(db, leased.id, issuer, provider.tokenEndpoint);
    let next: OAuthCredential;
    try {
      next = await refreshTokens(provider, { ...credential, refreshToken }, deps.timeoutMs);
    } catch (error) {
      if (isInvalidGrant(error)) {
        // Another instance may have rotated the token while our copy was in flight: trust the row.
        const latest = await settledRow(db, leased);
        if (latest.revision !== leased.revision) return opened(latest);
        return failAuth(db, leased);
      }
      await recordRefreshFailure(db, leased.id, owner, backoffMs(leased.refreshFailures + 1));
      throw toProviderError(error, provider.name, provider.displayName);
    }
    const due = nextRefreshAt(next, deps.refreshSkewMs);
    const committed = await commitRefresh(db, deps.vault, leased, next, due, owner);
    if (!committed) {
      const latest = await findConnectionById(db, leased.id);
      if (latest && latest.revision !== leased.revision) return opened(latest);
      throw new ConnectionsError(
        "provider_error",
        `The ${provider.name} refresh could not be stored`,
        { provider: provider.name },
      );
    }
    deps.onRefreshed(committed);
    return { row: committed, credential: next };
  }

  /**
   * The row once no other holder is at work on it. A holder that lost its lease while stalled
   * may be refused because the instance that took the lease over redeemed the token first: that
   * one's commit is coming, and is the answer. The other way round (the taker refused because the
   * stalled holder redeemed first) the taker finds no one else at work and marks the connection
   * auth_failed; the stalled holder's commit, landing after, makes it active again.
   */
  async function settledRow(db: Database, leased: ConnectionRow): Promise<ConnectionRow> {
    const latest = await readLease(db, leased.id);
    if (!latest) throw new ConnectionRequiredError(leased.provider);
    const takenOver = latest.row.leaseOwner !== deps.instanceId && !latest.leaseFree;
    if (latest.row.revision !== leased.revision || !takenOver) return latest.row;
    return awaitOtherRefresh(db, leased, Date.now() + deps.leaseMs + deps.timeoutMs);
  }

  async function failAuth(
    db: Database,
    row: ConnectionRow,
    reason?: "issuer_changed",
  ): Promise<never> {
    const failed = await markAuthFailed(db, row.id, deps.instanceId);
    if (failed) deps.onAuthFailed(failed, reason);
    throw new ReauthRequiredError(row.provider);
  }

  async function opened(row: ConnectionRow): Promise<Refreshed> {
    if (row.status !== "active") throw new ReauthRequiredError(row.provider);
    const credential = await openCredential(deps.vault, row);
    if (credential.type !== "oauth2") throw new ReauthRequiredError(row.provider);
    return { row, credential };
  }

  return { refresh, opened };
}

export type Refresher = ReturnType<typeof createRefresher>;
