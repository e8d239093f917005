import { createDataKey, type DataKeyRepository, loadDataKey } from "./data-keys";
import type { KeyProvider } from "./key-provider";

export type DataKeyCacheOptions = {
  keys: KeyProvider;
  dataKeys: DataKeyRepository;
  /** Tenants whose unwrapped data key stays in memory; 0 disables the cache. */
  cacheSize?: number;
};

export type DataKeyCache = {
  /** The tenant's data key, created on first use. */
  forSealing(tenantId: string): Promise<Uint8Array>;
  /** The tenant's data key, or null if it has none (opening never creates one). */
  forOpening(tenantId: string): Promise<Uint8Array | null>;
};

/**
 * Unwrapped data keys in a bounded LRU keyed by tenant, so a warm seal or open does no I/O.
 * Keyed by tenant alone on purpose: a rotation re-wraps the same data key under a newer
 * key-encryption key, so the cached plaintext key stays right whichever version wraps it.
 * Concurrent misses for one tenant share one load and one creation (single flight).
 */
export function dataKeyCache({
  keys,
  dataKeys,
  cacheSize = 1000,
}: DataKeyCacheOptions): DataKeyCache {
  const cached = new Map<string, Uint8Array>(); // iteration order is recency, oldest first
  const loads = new Map<string, Promise<Uint8Array | null>>();
  const creations = new Map<string, Promise<Uint8Array>>();

  const remember = (tenantId: string, dataKey: Uint8Array | null) => {
    if (dataKey === null || cacheSize <= 0) return dataKey;
    cached.delete(tenantId);
    cached.set(tenantId, dataKey);
    if (cached.size > cacheSize) cached.delete(cached.keys().next().value!);
    return dataKey;
  };

  const recall = (tenantId: string) => {
    const dataKey = cached.get(tenantId);
    if (dataKey !== undefined) remember(tenantId, dataKey);
    return dataKey;
  };

  const forOpening = async (tenantId: string) =>
    recall(tenantId) ??
    singleFlight(loads, tenantId, async () =>
      remember(tenantId, await loadDataKey(keys, dataKeys, tenantId)),
    );

  const forSealing = async (tenantId: string) =>
    (await forOpening(tenantId)) ??
    singleFlight(
      creations,
      tenantId,
      async () => remember(tenantId, await createDataKey(keys, dataKeys, tenantId))!,
    );

  return { forSealing, forOpening };
}

function singleFlight<T>(inFlight: Map<string, Promise<T>>, key: string, run: () => Promise<T>) {
  const running = inFlight.get(key);
  if (running) return running;
  const started = run().finally(() => inFlight.delete(key));
  inFlight.set(key, started);
  return started;
}
