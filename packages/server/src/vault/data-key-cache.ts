import { createDataKey, type DataKeyRepository, unwrapDataKey } from "./data-keys";
import type { KeyProvider } from "./key-provider";

/**
 * How long a server keeps sealing under the tenant's newest data key it knows before asking the
 * repository again: the longest a data-key rotation waits before re-sealing, so that no server
 * is still sealing under a key the rotation is about to retire.
 */
export const SEALING_KEY_MAX_AGE_MS = 60_000;

export type DataKeyCacheOptions = {
  keys: KeyProvider;
  dataKeys: DataKeyRepository;
  /** Tenants whose unwrapped data keys stay in memory; 0 disables the cache. */
  cacheSize?: number;
  /** See SEALING_KEY_MAX_AGE_MS. */
  sealingKeyMaxAgeMs?: number;
};

export type VersionedDataKey = { readonly version: number; readonly key: Uint8Array };

export type DataKeyCache = {
  /** The cached key to seal with, if it is fresh: the warm path, with no promise to wait for. */
  recallForSealing(tenantId: string): VersionedDataKey | undefined;
  /** The tenant's newest data key; its first, version 1, is created on first use. */
  forSealing(tenantId: string): Promise<VersionedDataKey>;
  recallForOpening(tenantId: string, version: number): Uint8Array | undefined;
  /** That version of the tenant's data key, or null if it has none (opening never creates one). */
  forOpening(tenantId: string, version: number): Promise<Uint8Array | null>;
};

type TenantKeys = {
  byVersion: Map<number, Uint8Array>;
  sealing: VersionedDataKey | undefined;
  sealingUntil: number;
};

/**
 * Unwrapped data keys in a bounded LRU keyed by tenant, so a warm seal or open does no I/O.
 * A version's key never changes (a KEK rotation re-wraps the same key), so opening keys stay
 * as long as the tenant does; which version seals is asked again after `sealingKeyMaxAgeMs`.
 * Concurrent misses for one key share one load (single flight).
 */
export function dataKeyCache({
  keys,
  dataKeys,
  cacheSize = 1000,
  sealingKeyMaxAgeMs = SEALING_KEY_MAX_AGE_MS,
}: DataKeyCacheOptions): DataKeyCache {
  const tenants = new Map<string, TenantKeys>(); // iteration order is recency, oldest first
  const openingLoads = new Map<string, Promise<Uint8Array | null>>();
  const sealingLoads = new Map<string, Promise<VersionedDataKey>>();

  const touch = (tenantId: string) => {
    const entry = tenants.get(tenantId);
    if (entry !== undefined) {
      tenants.delete(tenantId);
      tenants.set(tenantId, entry);
    }
    return entry;
  };

  const entryFor = (tenantId: string): TenantKeys | undefined => {
    if (cacheSize <= 0) return undefined;
    const existing = touch(tenantId);
    if (existing !== undefined) return existing;
    const entry: TenantKeys = { byVersion: new Map(), sealing: undefined, sealingUntil: 0 };
    tenants.set(tenantId, entry);
    if (tenants.size > cacheSize) tenants.delete(tenants.keys().next().value!);
    return entry;
  };

  const recallForOpening = (tenantId: string, version: number) =>
    touch(tenantId)?.byVersion.get(version);

  const recallForSealing = (tenantId: string) => {
    const entry = touch(tenantId);
    return entry?.sealing !== undefined && Date.now() < entry.sealingUntil
      ? entry.sealing
      : undefined;
  };

  const forOpening = (tenantId: string, version: number) =>
    singleFlight(openingLoads, `${tenantId}\u0000${version}`, async () => {
      const row = await dataKeys.get(tenantId, version);
      if (row === null) return null;
      const key = await unwrapDataKey(keys, row);
      entryFor(tenantId)?.byVersion.set(version, key);
      return key;
    });

  const forSealing = (tenantId: string) =>
    singleFlight(sealingLoads, tenantId, async () => {
      const newest = await dataKeys.get(tenantId);
      const known = newest && recallForOpening(tenantId, newest.version);
      const { row, key } = newest
        ? { row: newest, key: known ?? (await unwrapDataKey(keys, newest)) }
        : await createDataKey(keys, dataKeys, tenantId, 1);
      const sealing = { version: row.version, key };
      const entry = entryFor(tenantId);
      if (entry !== undefined) {
        entry.byVersion.set(row.version, key);
        entry.sealing = sealing;
        entry.sealingUntil = Date.now() + sealingKeyMaxAgeMs;
      }
      return sealing;
    });

  return { recallForSealing, forSealing, recallForOpening, forOpening };
}

function singleFlight<T>(inFlight: Map<string, Promise<T>>, key: string, run: () => Promise<T>) {
  const running = inFlight.get(key);
  if (running) return running;
  const started = run().finally(() => inFlight.delete(key));
  inFlight.set(key, started);
  return started;
}
