import type { DataKeyRepository, WrappedDataKey } from "./data-keys";

/**
 * An in-memory DataKeyRepository for tests. Each call yields to the event loop first, so
 * concurrent callers interleave as they would against a database; rows are copied in and out.
 */
export function memoryDataKeys(): DataKeyRepository & { rows: Map<string, WrappedDataKey> } {
  const rows = new Map<string, WrappedDataKey>();
  const copy = (row: WrappedDataKey): WrappedDataKey => ({
    ...row,
    wrapped: Uint8Array.from(row.wrapped),
  });
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    rows,
    async get(tenantId) {
      await turn();
      const row = rows.get(tenantId);
      return row ? copy(row) : null;
    },
    async insertIfAbsent(key) {
      await turn();
      if (!rows.has(key.tenantId)) rows.set(key.tenantId, copy(key));
      return copy(rows.get(key.tenantId)!);
    },
    async replace(tenantId, expectedKekVersion, next) {
      await turn();
      const row = rows.get(tenantId);
      if (row?.kekVersion !== expectedKekVersion || next.tenantId !== tenantId) return false;
      rows.set(tenantId, copy(next));
      return true;
    },
    async listNotUnder(kekVersion, limit) {
      await turn();
      return [...rows.values()]
        .filter((row) => row.kekVersion !== kekVersion)
        .sort((a, b) => (a.tenantId < b.tenantId ? -1 : 1))
        .slice(0, limit)
        .map(copy);
    },
    async countByKekVersion() {
      await turn();
      const counts: Record<string, number> = {};
      for (const row of rows.values()) counts[row.kekVersion] = (counts[row.kekVersion] ?? 0) + 1;
      return counts;
    },
  };
}

/** Counts calls to each method, to show when a warm path does no I/O. */
export function countingDataKeys(inner: DataKeyRepository) {
  const calls = {
    total: 0,
    get: 0,
    insertIfAbsent: 0,
    replace: 0,
    listNotUnder: 0,
    countByKekVersion: 0,
  };
  const counted = <K extends keyof DataKeyRepository>(name: K): DataKeyRepository[K] =>
    ((...args: unknown[]) => {
      calls.total += 1;
      calls[name] += 1;
      return (inner[name] as (...args: unknown[]) => unknown)(...args);
    }) as DataKeyRepository[K];
  const repository: DataKeyRepository = {
    get: counted("get"),
    insertIfAbsent: counted("insertIfAbsent"),
    replace: counted("replace"),
    listNotUnder: counted("listNotUnder"),
    countByKekVersion: counted("countByKekVersion"),
  };
  return { repository, calls };
}
