import type { Credential, OAuthCredential } from "../connections/credential";

const HOUR_MS = 60 * 60 * 1000;
/** Some providers expire refresh tokens left idle: redeem each at least this often. */
export const IDLE_REFRESH_MS = 24 * HOUR_MS;

export type ScheduleSettings = { refreshSkewMs: number; checkIntervalMs: number };

export type Schedule = { nextRefreshAt: Date | null; nextCheckAt: Date | null };

/**
 * When the worker should next refresh and health-check a credential. A token without
 * `expires_in` is not "never expires": it is health-checked like any other, and refreshed on a 401.
 */
export function scheduleFor(
  credential: Credential,
  settings: ScheduleSettings & { hasIdentity: boolean },
  now = Date.now(),
): Schedule {
  if (credential.type !== "oauth2") return { nextRefreshAt: null, nextCheckAt: null };
  return {
    nextRefreshAt: nextRefreshAt(credential, settings.refreshSkewMs, now),
    nextCheckAt: settings.hasIdentity ? new Date(now + settings.checkIntervalMs) : null,
  };
}

/** When the worker refreshes it: before expiry, and at least daily while it holds a refresh token. */
export function nextRefreshAt(
  credential: OAuthCredential,
  refreshSkewMs: number,
  now = Date.now(),
): Date | null {
  if (!credential.refreshToken) return null;
  const beforeExpiry =
    credential.expiresAt === undefined
      ? Infinity
      : credential.expiresAt - skewFor(credential.lifetimeMs, refreshSkewMs);
  return new Date(Math.min(beforeExpiry, now + IDLE_REFRESH_MS));
}

/**
 * How long before expiry to refresh: the configured skew, but never more than half the token's
 * lifetime, or a token that lives shorter than the skew (five-minute MCP tokens) would be
 * refreshed on every read. The lifetime is the provider's `expires_in`, sealed with the token:
 * moving a row's `expires_at` (an operator forcing a refresh) moves when it is due, nothing else.
 */
export function skewFor(lifetimeMs: number | undefined, skewMs: number): number {
  if (lifetimeMs === undefined) return skewMs;
  return Math.min(skewMs, Math.max(0, Math.floor(lifetimeMs / 2)));
}

/**
 * When a caller should stop trusting a cached token: the (capped) skew before it expires, minus
 * up to 20% of it as jitter so a fleet spreads out.
 */
export function refreshDueAt(
  token: { expiresAt?: number | undefined; lifetimeMs?: number | undefined },
  skewMs: number,
  random = Math.random(),
): number {
  if (token.expiresAt === undefined) return Number.POSITIVE_INFINITY;
  const skew = skewFor(token.lifetimeMs, skewMs);
  return token.expiresAt - skew - Math.floor(skew * 0.2 * random);
}
