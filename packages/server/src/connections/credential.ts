import type { Vault } from "../vault";

/** What a connection keeps sealed: the only place tokens and secrets exist at rest. */
export type OAuthCredential = {
  type: "oauth2";
  accessToken: string;
  refreshToken?: string;
  tokenType: string;
  /** Epoch ms; absent when the provider did not say (not the same as "never expires"). */
  expiresAt?: number;
  /** The lifetime the provider gave it (`expires_in`), which caps how early it is refreshed. */
  lifetimeMs?: number;
  idToken?: string;
  /** Provider-specific fields kept for backend code, e.g. Salesforce's instance_url. */
  extras?: Record<string, string>;
};

export type SecretCredential = { type: "secret"; secret: string };

export type Credential = OAuthCredential | SecretCredential;

type Scope = { tenantId: string; connectionId: string };

/** Every write path seals through here, bound to the tenant and the row it is stored in. */
export function sealCredential(
  vault: Vault,
  scope: Scope,
  credential: Credential,
): Promise<string> {
  return vault.sealJson(
    { tenantId: scope.tenantId, recordId: scope.connectionId, purpose: "credential" },
    credential,
  );
}

export function openCredential(vault: Vault, scope: Scope, sealed: string): Promise<Credential> {
  return vault.openJson<Credential>(
    { tenantId: scope.tenantId, recordId: scope.connectionId, purpose: "credential" },
    sealed,
  );
}
