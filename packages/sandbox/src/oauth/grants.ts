import { randomUUID } from "node:crypto";
import {
  accessTokenPrefix,
  authorizationCodePrefix,
  generateSecret,
  hashSecret,
  pendingRequestPrefix,
  refreshTokenPrefix,
} from "../secrets";

/** A validated authorization request, waiting for the user's decision or bound to a code. */
export type AuthorizationRequest = {
  clientId: string;
  redirectUri: string;
  /** Whether redirect_uri was in the request; if so the token request must repeat it (§4.1.3). */
  redirectUriSent: boolean;
  scopes: string[];
  state: string | null;
  codeChallenge: string | null;
  /** RFC 8707: the resource the tokens will be bound to; null when the server checks none. */
  resource: string | null;
};

export type AuthorizationCode = {
  request: AuthorizationRequest;
  expiresAt: number;
  redeemed: boolean;
  /** The grant the first redemption created, revoked if the code is replayed (§4.1.2). */
  grantId: string | null;
};

export type AccessToken = {
  grantId: string;
  clientId: string;
  /** RFC 8707: the audience; a resource server refuses a token bound to another. */
  resource: string | null;
  scopes: string[];
  issuedAt: number;
  expiresAt: number | null;
};

export type RefreshToken = { grantId: string; clientId: string; scopes: string[] };

export type IssuedTokens = {
  accessToken: string;
  refreshToken: string | null;
  expiresIn: number | null;
  scopes: string[];
};

export type TokenPolicy = { accessTokenTtlSeconds: number | null; issueRefreshToken: boolean };

/**
 * What outlives a restart of the sandbox (its `statePath`): grants and their tokens, by hash.
 * Codes and consent pages in flight do not: they live minutes, and a restart asks for another.
 */
export type GrantSnapshot = {
  grants: { id: string; resource: string | null; tokens: string[] }[];
  accessTokens: [string, AccessToken][];
  refreshTokens: [string, RefreshToken][];
};

/** Authorization codes live 10 minutes, the maximum RFC 6749 §4.1.2 recommends. */
export const authorizationCodeLifetimeMs = 10 * 60 * 1000;
/** Long enough to read the consent page; short enough that stale tabs fail. */
export const pendingRequestLifetimeMs = 10 * 60 * 1000;

/**
 * The in-memory grant store. Every secret is keyed by its SHA-256 (see hashSecret), so no
 * function here compares a presented secret with a stored one.
 */
export function createGrantStore(now: () => number = Date.now, saved?: GrantSnapshot) {
  const pendingRequests = new Map<string, { request: AuthorizationRequest; expiresAt: number }>();
  const codes = new Map<string, AuthorizationCode>();
  const accessTokens = new Map<string, AccessToken>(saved?.accessTokens);
  const refreshTokens = new Map<string, RefreshToken>(saved?.refreshTokens);
  /** grantId → hashes of every token issued under it, so a grant is revoked as a whole. */
  const grants = new Map<string, Set<string>>(
    saved?.grants.map((grant) => [grant.id, new Set(grant.tokens)]),
  );
  const grantResources = new Map<string, string | null>(
    saved?.grants.map((grant) => [grant.id, grant.resource]),
  );

  function pruneExpired(): void {
    const time = now();
    for (const [key, pending] of pendingRequests) {
      if (pending.expiresAt <= time) pendingRequests.delete(key);
    }
    for (const [key, code] of codes) if (code.expiresAt <= time) codes.delete(key);
  }

  function savePendingRequest(request: AuthorizationRequest): string {
    pruneExpired();
    const id = generateSecret(pendingRequestPrefix);
    pendingRequests.set(hashSecret(id), { request, expiresAt: now() + pendingRequestLifetimeMs });
    return id;
  }

  /** Single use: a decision consumes the pending request whatever it is. */
  function takePendingRequest(id: string): AuthorizationRequest | null {
    const key = hashSecret(id);
    const pending = pendingRequests.get(key);
    pendingRequests.delete(key);
    if (!pending || pending.expiresAt <= now()) return null;
    return pending.request;
  }

  function issueCode(request: AuthorizationRequest): string {
    pruneExpired();
    const code = generateSecret(authorizationCodePrefix);
    codes.set(hashSecret(code), {
      request,
      expiresAt: now() + authorizationCodeLifetimeMs,
      redeemed: false,
      grantId: null,
    });
    return code;
  }

  /** Expired codes read as unknown; redeemed ones are kept until expiry to detect replay. */
  function findCode(code: string): AuthorizationCode | null {
    const record = codes.get(hashSecret(code));
    if (!record || record.expiresAt <= now()) return null;
    return record;
  }

  function createGrant(resource: string | null = null): string {
    const grantId = randomUUID();
    grants.set(grantId, new Set());
    grantResources.set(grantId, resource);
    return grantId;
  }

  function resourceOf(grantId: string): string | null {
    return grantResources.get(grantId) ?? null;
  }

  function issueAccessToken(
    grantId: string,
    clientId: string,
    scopes: string[],
    policy: TokenPolicy,
  ): { accessToken: string; expiresIn: number | null } {
    const accessToken = generateSecret(accessTokenPrefix);
    const key = hashSecret(accessToken);
    const issuedAt = now();
    const ttl = policy.accessTokenTtlSeconds;
    accessTokens.set(key, {
      grantId,
      clientId,
      resource: resourceOf(grantId),
      scopes,
      issuedAt,
      expiresAt: ttl === null ? null : issuedAt + ttl * 1000,
    });
    grants.get(grantId)?.add(key);
    return { accessToken, expiresIn: ttl };
  }

  function issueRefreshToken(grantId: string, clientId: string, scopes: string[]): string {
    const refreshToken = generateSecret(refreshTokenPrefix);
    const key = hashSecret(refreshToken);
    refreshTokens.set(key, { grantId, clientId, scopes });
    grants.get(grantId)?.add(key);
    return refreshToken;
  }

  function issueTokens(
    grantId: string,
    clientId: string,
    scopes: string[],
    policy: TokenPolicy,
  ): IssuedTokens {
    const { accessToken, expiresIn } = issueAccessToken(grantId, clientId, scopes, policy);
    const refreshToken = policy.issueRefreshToken
      ? issueRefreshToken(grantId, clientId, scopes)
      : null;
    return { accessToken, refreshToken, expiresIn, scopes };
  }

  function findRefreshToken(refreshToken: string): RefreshToken | null {
    return refreshTokens.get(hashSecret(refreshToken)) ?? null;
  }

  function retireRefreshToken(refreshToken: string): void {
    refreshTokens.delete(hashSecret(refreshToken));
  }

  /** Unknown and expired tokens both read as null; callers answer them the same way. */
  function findAccessToken(accessToken: string): AccessToken | null {
    const key = hashSecret(accessToken);
    const record = accessTokens.get(key);
    if (!record) return null;
    if (record.expiresAt !== null && record.expiresAt <= now()) {
      accessTokens.delete(key);
      return null;
    }
    return record;
  }

  /** Finds the grant behind an access or refresh token, whichever it is. */
  function findGrantOf(token: string): { grantId: string; clientId: string } | null {
    const key = hashSecret(token);
    return accessTokens.get(key) ?? refreshTokens.get(key) ?? null;
  }

  function revokeGrant(grantId: string): void {
    for (const key of grants.get(grantId) ?? []) {
      accessTokens.delete(key);
      refreshTokens.delete(key);
    }
    grants.delete(grantId);
    grantResources.delete(grantId);
  }

  function revokeAll(): void {
    accessTokens.clear();
    refreshTokens.clear();
    grants.clear();
    grantResources.clear();
  }

  function expireAccessTokens(): void {
    const expiredAt = now() - 1;
    for (const record of accessTokens.values()) record.expiresAt = expiredAt;
  }

  function snapshot(): GrantSnapshot {
    return {
      grants: [...grants].map(([id, tokens]) => ({
        id,
        resource: grantResources.get(id) ?? null,
        tokens: [...tokens],
      })),
      accessTokens: [...accessTokens],
      refreshTokens: [...refreshTokens],
    };
  }

  return {
    savePendingRequest,
    takePendingRequest,
    issueCode,
    findCode,
    createGrant,
    resourceOf,
    issueTokens,
    issueAccessToken,
    issueRefreshToken,
    findRefreshToken,
    retireRefreshToken,
    findAccessToken,
    findGrantOf,
    revokeGrant,
    revokeAll,
    expireAccessTokens,
    snapshot,
  };
}

export type GrantStore = ReturnType<typeof createGrantStore>;
