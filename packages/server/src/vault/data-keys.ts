import { randomBytes } from "node:crypto";
import { VaultKeyMissingError, VaultOpenError } from "./errors";
import type { KeyProvider } from "./key-provider";
import { KEY_BYTES } from "./keyring";
import { associatedData, LEGACY_FORMAT_VERSION } from "./seal";

/**
 * One version of a tenant's data key as stored: only ever wrapped under a key-encryption key.
 * A tenant has one version, and more while a data-key rotation re-seals its values.
 */
export type WrappedDataKey = {
  tenantId: string;
  version: number;
  kekVersion: string;
  wrapped: Uint8Array;
};

/** A tenant's data keys at a glance, for a data-key rotation. */
export type TenantDataKeys = {
  tenantId: string;
  newestVersion: number;
  versions: number;
  newestCreatedAt: Date;
};

export interface DataKeyRepository {
  /** That version of the tenant's data key, or its newest without a version; null if none. */
  get(tenantId: string, version?: number): Promise<WrappedDataKey | null>;
  /** Returns the stored row of that tenant and version: the winner when two race. */
  insertIfAbsent(key: WrappedDataKey): Promise<WrappedDataKey>;
  /**
   * Compare-and-set on the key-encryption key version of the row `next` names (its tenant and
   * version); false when the row moved on.
   */
  replace(tenantId: string, expectedKekVersion: string, next: WrappedDataKey): Promise<boolean>;
  listNotUnder(kekVersion: string, limit: number): Promise<WrappedDataKey[]>;
  countByKekVersion(): Promise<Record<string, number>>;
  /** The most recently created data key under each key-encryption key version. */
  newestByKekVersion(): Promise<WrappedDataKey[]>;
  /** Tenants after `afterTenantId`, in order, with their newest version and how many they keep. */
  listTenants(afterTenantId: string, limit: number): Promise<TenantDataKeys[]>;
  /** Deletes the tenant's versions older than `version`; returns how many. */
  deleteOlderThan(tenantId: string, version: number): Promise<number>;
}

/**
 * Binds a wrapped data key to its tenant: a row copied to another tenant does not unwrap. It
 * keeps its first spelling (changing it would orphan every stored key) and leaves the version
 * out: a key put under another version of the same tenant opens nothing sealed under that one.
 */
export function dataKeyContext(tenantId: string): Buffer {
  return associatedData(LEGACY_FORMAT_VERSION, "data-key", tenantId);
}

export async function wrapDataKey(
  keys: KeyProvider,
  tenantId: string,
  version: number,
  dataKey: Uint8Array,
): Promise<WrappedDataKey> {
  const { version: kekVersion, wrapped } = await keys.wrap(dataKey, dataKeyContext(tenantId));
  return { tenantId, version, kekVersion, wrapped };
}

export async function unwrapDataKey(keys: KeyProvider, row: WrappedDataKey): Promise<Uint8Array> {
  const dataKey = await keys.unwrap(row.kekVersion, row.wrapped, dataKeyContext(row.tenantId));
  if (dataKey.length !== KEY_BYTES) throw new VaultOpenError("unwrapped data key is not 32 bytes");
  return dataKey;
}

/**
 * Stores a new random data key as that version of the tenant's, unless another instance got
 * there first. Everyone uses the stored winner, unwrapped from what the repository returned, so
 * a loser's key is never used.
 */
export async function createDataKey(
  keys: KeyProvider,
  dataKeys: DataKeyRepository,
  tenantId: string,
  version: number,
): Promise<{ row: WrappedDataKey; key: Uint8Array }> {
  const candidate = await wrapDataKey(keys, tenantId, version, randomBytes(KEY_BYTES));
  const row = await dataKeys.insertIfAbsent(candidate);
  return { row, key: await unwrapDataKey(keys, row) };
}

/**
 * At start: every key-encryption key version that wraps a stored data key is in the keyring, and
 * actually unwraps the newest data key it wraps. A keyring with the right labels but other keys
 * (a development keyring generated anew, the wrong X_VAULT_KEYS) stops the server here rather
 * than failing on every read. `source` names where the keyring came from, for the message.
 */
export async function checkKeyring(
  keys: KeyProvider,
  dataKeys: DataKeyRepository,
  source = "the keyring (X_VAULT_KEYS)",
): Promise<void> {
  const known = new Set(keys.versions());
  const missing = Object.entries(await dataKeys.countByKekVersion()).filter(
    ([version, count]) => count > 0 && !known.has(version),
  );
  if (missing.length > 0) {
    const details = missing.map(([version, count]) => `${version} (wraps ${count} data keys)`);
    throw new VaultKeyMissingError(
      missing.map(([version]) => version),
      `the keyring lacks key-encryption key ${details.join(", ")}; put it back in ${source} before starting`,
    );
  }
  for (const row of await dataKeys.newestByKekVersion()) {
    try {
      await unwrapDataKey(keys, row);
    } catch (error) {
      if (!(error instanceof VaultOpenError)) throw error;
      throw new VaultKeyMissingError(
        [row.kekVersion],
        `the keyring's key-encryption key ${row.kekVersion} does not unwrap the stored data keys: ${source} is not the keyring this database was sealed with. Restore that keyring before starting; a new one cannot open the credentials already stored`,
      );
    }
  }
}
