import { randomBytes } from "node:crypto";
import type { ConnectionRow } from "../store/schema";
import type { Vault, VaultScope } from "../vault";

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

/** The row a credential is sealed for, as it will be once the write lands. */
export type CredentialTarget = Pick<
  ConnectionRow,
  "tenantId" | "id" | "provider" | "visibility" | "ownerKey" | "sealedEpoch"
>;

/**
 * A fresh epoch for each write of `sealed`, stored beside it in the same statement. Random, not a
 * counter, so a writer knows it before the write lands without a compare-and-set: two racing
 * writes each store a matching (sealed, epoch) pair, and the last one wins whole.
 */
export function newSealedEpoch(): string {
  return randomBytes(12).toString("base64url");
}

/**
 * Binds the credential to everything that decides who gets it: tenant, row, provider,
 * visibility, owner ("" for a workspace connection) and the row's epoch. Changing any of those
 * columns, or putting back an older sealed value of the same row, leaves it unopenable.
 */
function credentialScope(row: CredentialTarget): VaultScope {
  return {
    tenantId: row.tenantId,
    recordId: row.id,
    purpose: "credential",
    bindings: [row.provider, row.visibility, row.ownerKey, row.sealedEpoch],
  };
}

/** Every write path seals through here, for the row (and epoch) it is stored with. */
export function sealCredential(
  vault: Vault,
  target: CredentialTarget,
  credential: Credential,
): Promise<string> {
  return vault.sealJson(credentialScope(target), credential);
}

export function openCredential(
  vault: Vault,
  row: CredentialTarget & Pick<ConnectionRow, "sealed">,
): Promise<Credential> {
  return vault.openJson<Credential>(credentialScope(row), row.sealed);
}
