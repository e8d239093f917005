import type { DataKeyRepository, TenantDataKeys, WrappedDataKey } from "./data-keys";

type StoredKey = WrappedDataKey & { createdAt: Date };

/** Where a tenant's version lives in `rows`. */
export const rowKey = (tenantId: string, version: number) => `${tenantId}\u0000${version}`;

/**
 * An in-memory DataKeyRepository for tests. Each call yields to the event loop first, so
 * concurrent callers interleave as they would against a database; rows are copied in and out.
 */
export function memoryDataKeys(): DataKeyRepository & { rows: Map<string, StoredKey> } {
  const rows = new Map<string, StoredKey>();
  const copy = (row: WrappedDataKey): WrappedDataKey => ({
    tenantId: row.tenantId,
    version: row.version,
    kekVersion: row.kekVersion,
    wrapped: Uint8Array.from(row.wrapped),
  });
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  const sorted = () =>
    [...rows.values()].sort((a, b) =>
      a.tenantId === b.tenantId ? a.version - b.version : a.tenantId < b.tenantId ? -1 : 1,
    );
  const versionsOf = (tenantId: string) => sorted().filter((row) => row.tenantId === tenantId);
  return {
    rows,
    async get(tenantId, version) {
      await turn();
      const row =
        version === undefined ? versionsOf(tenantId).at(-1) : rows.get(rowKey(tenantId, version));
      return row ? copy(row) : null;
    },
    async insertIfAbsent(key) {
      await turn();
      const at = rowKey(key.tenantId, key.version);
      if (!rows.has(at)) rows.set(at, { ...copy(key), createdAt: new Date() });
      return copy(rows.get(at)!);
    },
    async replace(tenantId, expectedKekVersion, next) {
      await turn();
      const at = rowKey(tenantId, next.version);
      const row = rows.get(at);
      if (row?.kekVersion !== expectedKekVersion || next.tenantId !== tenantId) return false;
      rows.set(at, { ...copy(next), createdAt: row.createdAt });
      return true;
    },
    async listNotUnder(kekVersion, limit) {
      await turn();
      return sorted()
        .filter((row) => row.kekVersion !== kekVersion)
        .slice(0, limit)
        .map(copy);
    },
    async countByKekVersion() {
      await turn();
      const counts: Record<string, number> = {};
      for (const row of rows.values()) counts[row.kekVersion] = (counts[row.kekVersion] ?? 0) + 1;
      return counts;
    },
    async newestByKekVersion() {
      await turn();
      const newest = new Map<string, StoredKey>();
      for (const row of rows.values()) {
        const seen = newest.get(row.kekVersion);
        if (!seen || seen.createdAt <= row.createdAt) newest.set(row.kekVersion, row);
      }
      return [...newest.values()].map(copy);
    },
    async listTenants(afterTenantId, limit) {
      await turn();
      const tenants = new Map<string, TenantDataKeys>();
      for (const row of sorted()) {
        if (row.tenantId <= afterTenantId) continue;
        const seen = tenants.get(row.tenantId);
        tenants.set(row.tenantId, {
          tenantId: row.tenantId,
          newestVersion: row.version,
          versions: (seen?.versions ?? 0) + 1,
          newestCreatedAt: row.createdAt,
        });
      }
      return [...tenants.values()].slice(0, limit);
    },
    async deleteOlderThan(tenantId, version) {
      await turn();
      const older = versionsOf(tenantId).filter((row) => row.version < version);
      for (const row of older) rows.delete(rowKey(tenantId, row.version));
      return older.length;
    },
  };
}

/** Counts calls to each method, to show when a warm path does no I/O. */
export function countingDataKeys(inner: DataKeyRepository) {
  const names = [
    "get",
    "insertIfAbsent",
    "replace",
    "listNotUnder",
    "countByKekVersion",
    "newestByKekVersion",
    "listTenants",
    "deleteOlderThan",
  ] as const;
  const calls = { total: 0, ...Object.fromEntries(names.map((name) => [name, 0])) } as Record<
    (typeof names)[number] | "total",
    number
  >;
  const counted = <K extends keyof DataKeyRepository>(name: K): DataKeyRepository[K] =>
    ((...args: unknown[]) => {
      calls.total += 1;
      calls[name] += 1;
      return (inner[name] as (...args: unknown[]) => unknown)(...args);
    }) as DataKeyRepository[K];
  const repository = Object.fromEntries(
    names.map((name) => [name, counted(name)]),
  ) as unknown as DataKeyRepository;
  return { repository, calls };
}
