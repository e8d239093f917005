import type { OAuthProvider } from "../types";

/** Every catalog factory takes these; `endpoints` points a provider at a sandbox in tests. */
export type CatalogOptions = {
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  scopes?: string[] | undefined;
  /** Scopes a step-up may add beyond `scopes` (see OAuthProvider.extraScopes). */
  extraScopes?: string[] | undefined;
  /** Where connections.fetch() may send the token, instead of the provider's API origins. */
  apiOrigins?: string[] | undefined;
  endpoints?: EndpointOverrides | undefined;
};

export type EndpointOverrides = {
  issuer?: string | undefined;
  authorizationEndpoint?: string | undefined;
  tokenEndpoint?: string | undefined;
  revocationEndpoint?: string | undefined;
  identityUrl?: string | undefined;
};

/** The provider's record with the caller's credentials, scopes and endpoint overrides applied. */
export function withOptions(record: OAuthProvider, options: CatalogOptions): OAuthProvider {
  const endpoints = options.endpoints ?? {};
  return {
    ...record,
    ...(options.scopes ? { scopes: options.scopes } : {}),
    ...(options.extraScopes ? { extraScopes: options.extraScopes } : {}),
    ...(options.apiOrigins ? { apiOrigins: options.apiOrigins } : {}),
    ...(options.clientId ? { clientId: options.clientId } : {}),
    ...(options.clientSecret ? { clientSecret: options.clientSecret } : {}),
    ...(endpoints.issuer ? { issuer: endpoints.issuer } : {}),
    ...(endpoints.authorizationEndpoint
      ? { authorizationEndpoint: endpoints.authorizationEndpoint }
      : {}),
    ...(endpoints.tokenEndpoint ? { tokenEndpoint: endpoints.tokenEndpoint } : {}),
    ...(endpoints.revocationEndpoint ? { revocationEndpoint: endpoints.revocationEndpoint } : {}),
    ...(endpoints.identityUrl && record.identity
      ? { identity: { ...record.identity, url: endpoints.identityUrl } }
      : {}),
  };
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A string (or number, as ids often are) at a path in a JSON body; null when absent. */
export function text(body: unknown, ...path: string[]): string | null {
  let value: unknown = body;
  for (const key of path) {
    if (!isObject(value)) return null;
    value = value[key];
  }
  if (typeof value === "string" && value.length > 0) return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

/** Drops undefined entries, so a normalised body holds only what the provider sent. */
export function defined(body: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
