import { and, eq, ne, sql } from "drizzle-orm";
import type { DataKeyRepository, WrappedDataKey } from "../vault";
import { dataKeys } from "./schema";
import type { Database } from "./store";

type Row = typeof dataKeys.$inferSelect;

const fromRow = (row: Row): WrappedDataKey => ({
  tenantId: row.tenantId,
  kekVersion: row.kekVersion,
  wrapped: new Uint8Array(Buffer.from(row.wrapped, "base64")),
});

const encode = (wrapped: Uint8Array) => Buffer.from(wrapped).toString("base64");

/** The vault's wrapped data keys, in the same database as the connections they protect. */
export function dataKeysRepository(db: () => Promise<Database>): DataKeyRepository {
  return {
    async get(tenantId) {
      const [row] = await (await db())
        .select()
        .from(dataKeys)
        .where(eq(dataKeys.tenantId, tenantId));
      return row ? fromRow(row) : null;
    },
    async insertIfAbsent(key) {
      const database = await db();
      await database
        .insert(dataKeys)
        .values({
          tenantId: key.tenantId,
          kekVersion: key.kekVersion,
          wrapped: encode(key.wrapped),
        })
        .onConflictDoNothing();
      const [row] = await database
        .select()
        .from(dataKeys)
        .where(eq(dataKeys.tenantId, key.tenantId));
      if (!row) throw new Error("data key vanished right after insert");
      return fromRow(row);
    },
    async replace(tenantId, expectedKekVersion, next) {
      const rows = await (await db())
        .update(dataKeys)
        .set({ kekVersion: next.kekVersion, wrapped: encode(next.wrapped), updatedAt: new Date() })
        .where(and(eq(dataKeys.tenantId, tenantId), eq(dataKeys.kekVersion, expectedKekVersion)))
        .returning({ tenantId: dataKeys.tenantId });
      return rows.length > 0;
    },
    async listNotUnder(kekVersion, limit) {
      const rows = await (await db())
        .select()
        .from(dataKeys)
        .where(ne(dataKeys.kekVersion, kekVersion))
        .orderBy(dataKeys.tenantId)
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
  };
}
