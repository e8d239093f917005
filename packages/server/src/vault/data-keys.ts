import { randomBytes } from "node:crypto";
import { VaultKeyMissingError, VaultOpenError } from "./errors";
import type { KeyProvider } from "./key-provider";
import { KEY_BYTES } from "./keyring";
import { associatedData, FORMAT_VERSION } from "./seal";

/** A tenant's data key as stored: only ever wrapped under a key-encryption key. */
export type WrappedDataKey = { tenantId: string; kekVersion: string; wrapped: Uint8Array };

export interface DataKeyRepository {
  get(tenantId: string): Promise<WrappedDataKey | null>;
  /** Returns the stored row: the winner when two race. */
  insertIfAbsent(key: WrappedDataKey): Promise<WrappedDataKey>;
  /** Compare-and-set on the key-encryption key version; false when the row moved on. */
  replace(tenantId: string, expectedKekVersion: string, next: WrappedDataKey): Promise<boolean>;
  listNotUnder(kekVersion: string, limit: number): Promise<WrappedDataKey[]>;
  countByKekVersion(): Promise<Record<string, number>>;
}

/** Binds a wrapped data key to its tenant: a row copied to another tenant does not unwrap. */
export function dataKeyContext(tenantId: string): Buffer {
  return associatedData(FORMAT_VERSION, "data-key", tenantId);
}

export async function wrapDataKey(
  keys: KeyProvider,
  tenantId: string,
  dataKey: Uint8Array,
): Promise<WrappedDataKey> {
  const { version, wrapped } = await keys.wrap(dataKey, dataKeyContext(tenantId));
  return { tenantId, kekVersion: version, wrapped };
}

export async function unwrapDataKey(keys: KeyProvider, row: WrappedDataKey): Promise<Uint8Array> {
  const dataKey = await keys.unwrap(row.kekVersion, row.wrapped, dataKeyContext(row.tenantId));
  if (dataKey.length !== KEY_BYTES) throw new VaultOpenError("unwrapped data key is not 32 bytes");
  return dataKey;
}

/** The tenant's stored data key, unwrapped, or null if it has none yet. */
export async function loadDataKey(
  keys: KeyProvider,
  dataKeys: DataKeyRepository,
  tenantId: string,
): Promise<Uint8Array | null> {
  const stored = await dataKeys.get(tenantId);
  return stored === null ? null : unwrapDataKey(keys, stored);
}

/**
 * Creates the tenant's data key unless another instance got there first. Everyone uses the
 * stored winner, unwrapped from what the repository returned, so a loser's key is never used.
 */
export async function createDataKey(
  keys: KeyProvider,
  dataKeys: DataKeyRepository,
  tenantId: string,
): Promise<Uint8Array> {
  const candidate = await wrapDataKey(keys, tenantId, randomBytes(KEY_BYTES));
  return unwrapDataKey(keys, await dataKeys.insertIfAbsent(candidate));
}

/**
 * At start: every key-encryption key version that wraps a stored data key is in the keyring,
 * so the wrong keyring stops the server rather than failing on each request.
 */
export async function checkKeyring(keys: KeyProvider, dataKeys: DataKeyRepository): Promise<void> {
  const known = new Set(keys.versions());
  const missing = Object.entries(await dataKeys.countByKekVersion()).filter(
    ([version, count]) => count > 0 && !known.has(version),
  );
  if (missing.length === 0) return;
  const details = missing.map(([version, count]) => `${version} (wraps ${count} data keys)`);
  throw new VaultKeyMissingError(
    missing.map(([version]) => version),
    `the keyring lacks key-encryption key ${details.join(", ")}; put it back in the keyring (X_VAULT_KEYS) before starting`,
  );
}
