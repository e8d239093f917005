import { and, asc, count, desc, eq, gt, lt, max, ne, sql } from "drizzle-orm";
import type { DataKeyRepository, WrappedDataKey } from "../vault";
import { dataKeys } from "./schema";
import type { Database } from "./store";

type Row = typeof dataKeys.$inferSelect;

const fromRow = (row: Row): WrappedDataKey => ({
  tenantId: row.tenantId,
  version: row.version,
  kekVersion: row.kekVersion,
  wrapped: new Uint8Array(Buffer.from(row.wrapped, "base64")),
});

const encode = (wrapped: Uint8Array) => Buffer.from(wrapped).toString("base64");

const versionOf = (tenantId: string, version: number) =>
  and(eq(dataKeys.tenantId, tenantId), eq(dataKeys.version, version));

/** The vault's wrapped data keys, in the same database as the connections they protect. */
export function dataKeysRepository(db: () => Promise<Database>): DataKeyRepository {
  return {
    async get(tenantId, version) {
      const [row] = await (await db())
        .select()
        .from(dataKeys)
        .where(
          version === undefined ? eq(dataKeys.tenantId, tenantId) : versionOf(tenantId, version),
        )
        .orderBy(desc(dataKeys.version))
        .limit(1);
      return row ? fromRow(row) : null;
    },
    async insertIfAbsent(key) {
      const database = await db();
      await database
        .insert(dataKeys)
        .values({
          tenantId: key.tenantId,
          version: key.version,
          kekVersion: key.kekVersion,
          wrapped: encode(key.wrapped),
        })
        .onConflictDoNothing();
      const [row] = await database
        .select()
        .from(dataKeys)
        .where(versionOf(key.tenantId, key.version));
      if (!row) throw new Error("data key vanished right after insert");
      return fromRow(row);
    },
    async replace(tenantId, expectedKekVersion, next) {
      const rows = await (await db())
        .update(dataKeys)
        .set({ kekVersion: next.kekVersion, wrapped: encode(next.wrapped), updatedAt: new Date() })
        .where(and(versionOf(tenantId, next.version), eq(dataKeys.kekVersion, expectedKekVersion)))
        .returning({ tenantId: dataKeys.tenantId });
      return rows.length > 0;
    },
    async listNotUnder(kekVersion, limit) {
      const rows = await (await db())
        .select()
        .from(dataKeys)
        .where(ne(dataKeys.kekVersion, kekVersion))
        .orderBy(dataKeys.tenantId, dataKeys.version)
        .limit(limit);
      return rows.map(fromRow);
    },
    async countByKekVersion() {
      const rows = await (await db())
        .select({ version: dataKeys.kekVersion, count: sql<number>`count(*)::int` })
        .from(dataKeys)
        .groupBy(dataKeys.kekVersion);
      return Object.fromEntries(rows.map((row) => [row.version, Number(row.count)]));
    },
    async newestByKekVersion() {
      const rows = await (await db())
        .selectDistinctOn([dataKeys.kekVersion])
        .from(dataKeys)
        .orderBy(dataKeys.kekVersion, desc(dataKeys.createdAt), desc(dataKeys.version));
      return rows.map(fromRow);
    },
    async listTenants(afterTenantId, limit) {
      const rows = await (await db())
        .select({
          tenantId: dataKeys.tenantId,
          newestVersion: max(dataKeys.version),
          versions: count(),
          newestCreatedAt: max(dataKeys.createdAt),
        })
        .from(dataKeys)
        .where(gt(dataKeys.tenantId, afterTenantId))
        .groupBy(dataKeys.tenantId)
        .orderBy(asc(dataKeys.tenantId))
        .limit(limit);
      return rows.map((row) => ({
        tenantId: row.tenantId,
        newestVersion: Number(row.newestVersion),
        versions: Number(row.versions),
        newestCreatedAt: new Date(row.newestCreatedAt!),
      }));
    },
    async deleteOlderThan(tenantId, version) {
      const rows = await (await db())
        .delete(dataKeys)
        .where(and(eq(dataKeys.tenantId, tenantId), lt(dataKeys.version, version)))
        .returning({ version: dataKeys.version });
      return rows.length;
    },
  };
}
