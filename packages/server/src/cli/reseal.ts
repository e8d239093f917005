import { and, count, eq, getTableColumns, gt, isNull, max, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { flowScope } from "../connect/flows-repository";
import { newSealedEpoch, openCredential, sealCredential } from "../connections/credential";
import { REGISTRATIONS_TENANT, registrationScope } from "../mcp/registrations-repository";
import {
  type ConnectionRow,
  connections,
  dataKeys,
  type McpClientRegistrationRow,
  mcpClientRegistrations,
  type OAuthFlowRow,
  oauthFlows,
} from "../store/schema";
import type { Database } from "../store/store";
import { type Vault, VaultOpenError } from "../vault";

/**
 * A table holding sealed values, as the re-seal sees it. Every write is a compare-and-set on what
 * was read (a connection's epoch, a flow's or registration's sealed text), so a server's write in
 * the meantime wins and a second re-seal running at once writes each row only once.
 */
type SealedTable<Row extends { id: string }> = {
  name: string;
  /** Rows after `afterId`, by id, whose value is not under their tenant's newest data key. */
  stale(afterId: string, limit: number): Promise<Row[]>;
  staleByTenant(): Promise<Map<string, number>>;
  /** False when the row changed since it was read. Throws VaultOpenError if it does not open. */
  reseal(row: Row): Promise<boolean>;
  unchanged(row: Row): Promise<boolean>;
};

export type ResealProgress = { table: string; done: number; total: number };
export type ResealResult = { resealed: number; changed: number; unopenable: string[] };

const livePending = () => and(isNull(oauthFlows.consumedAt), gt(oauthFlows.expiresAt, sql`now()`));

/** Every table the vault seals into: connections, pending flows, MCP client registrations. */
export function sealedTables(db: Database, vault: Vault) {
  const newest = db
    .select({ tenantId: dataKeys.tenantId, version: max(dataKeys.version).as("newest_version") })
    .from(dataKeys)
    .groupBy(dataKeys.tenantId)
    .as("newest");
  // The text names its data key version ("xv2.<version>."); xv1 values are never the newest.
  const notUnderNewest = (column: PgColumn) =>
    sql`${column} not like 'xv2.' || ${newest.version} || '.%'`;
  const countByTenant = async (rows: Promise<{ tenantId: string; count: number }[]>) =>
    new Map((await rows).map((row) => [row.tenantId, Number(row.count)]));
  const changedRows = (rows: { id: string }[]) => rows.length > 0;

  const connectionsTable: SealedTable<ConnectionRow> = {
    name: "connections",
    stale: (afterId, limit) =>
      db
        .select(getTableColumns(connections))
        .from(connections)
        .innerJoin(newest, eq(newest.tenantId, connections.tenantId))
        .where(and(gt(connections.id, afterId), notUnderNewest(connections.sealed)))
        .orderBy(connections.id)
        .limit(limit),
    staleByTenant: () =>
      countByTenant(
        db
          .select({ tenantId: connections.tenantId, count: count() })
          .from(connections)
          .innerJoin(newest, eq(newest.tenantId, connections.tenantId))
          .where(notUnderNewest(connections.sealed))
          .groupBy(connections.tenantId),
      ),
    async reseal(row) {
      const credential = await openCredential(vault, row);
      const sealedEpoch = newSealedEpoch();
      const sealed = await sealCredential(vault, { ...row, sealedEpoch }, credential);
      // Neither revision nor status moves: the credential is the same, caches stay right.
      const written = await db
        .update(connections)
        .set({ sealed, sealedEpoch })
        .where(and(eq(connections.id, row.id), eq(connections.sealedEpoch, row.sealedEpoch)))
        .returning({ id: connections.id });
      return changedRows(written);
    },
    unchanged: async (row) =>
      changedRows(
        await db
          .select({ id: connections.id })
          .from(connections)
          .where(and(eq(connections.id, row.id), eq(connections.sealedEpoch, row.sealedEpoch))),
      ),
  };

  // Consumed or expired flows are never opened again: they are left to be swept.
  const pendingFlow = (row: Pick<OAuthFlowRow, "id" | "sealedSecrets">) =>
    and(
      eq(oauthFlows.id, row.id),
      eq(oauthFlows.sealedSecrets, row.sealedSecrets),
      isNull(oauthFlows.consumedAt),
    );
  const flowsTable: SealedTable<OAuthFlowRow> = {
    name: "pending flows",
    stale: (afterId, limit) =>
      db
        .select(getTableColumns(oauthFlows))
        .from(oauthFlows)
        .innerJoin(newest, eq(newest.tenantId, oauthFlows.tenantId))
        .where(
          and(gt(oauthFlows.id, afterId), livePending(), notUnderNewest(oauthFlows.sealedSecrets)),
        )
        .orderBy(oauthFlows.id)
        .limit(limit),
    staleByTenant: () =>
      countByTenant(
        db
          .select({ tenantId: oauthFlows.tenantId, count: count() })
          .from(oauthFlows)
          .innerJoin(newest, eq(newest.tenantId, oauthFlows.tenantId))
          .where(and(livePending(), notUnderNewest(oauthFlows.sealedSecrets)))
          .groupBy(oauthFlows.tenantId),
      ),
    async reseal(row) {
      const secrets = await vault.openJson<unknown>(flowScope(row), row.sealedSecrets);
      const sealedSecrets = await vault.sealJson(flowScope(row), secrets);
      const written = await db
        .update(oauthFlows)
        .set({ sealedSecrets })
        .where(pendingFlow(row))
        .returning({ id: oauthFlows.id });
      return changedRows(written);
    },
    unchanged: async (row) =>
      changedRows(await db.select({ id: oauthFlows.id }).from(oauthFlows).where(pendingFlow(row))),
  };

  const sameRegistration = (row: Pick<McpClientRegistrationRow, "id" | "sealed">) =>
    and(eq(mcpClientRegistrations.id, row.id), eq(mcpClientRegistrations.sealed, row.sealed));
  const registrationsTable: SealedTable<McpClientRegistrationRow> = {
    name: "MCP client registrations",
    stale: (afterId, limit) =>
      db
        .select(getTableColumns(mcpClientRegistrations))
        .from(mcpClientRegistrations)
        .innerJoin(newest, eq(newest.tenantId, sql`${REGISTRATIONS_TENANT}`))
        .where(
          and(
            gt(mcpClientRegistrations.id, afterId),
            notUnderNewest(mcpClientRegistrations.sealed),
          ),
        )
        .orderBy(mcpClientRegistrations.id)
        .limit(limit),
    staleByTenant: async () => {
      const [row] = await db
        .select({ count: count() })
        .from(mcpClientRegistrations)
        .innerJoin(newest, eq(newest.tenantId, sql`${REGISTRATIONS_TENANT}`))
        .where(notUnderNewest(mcpClientRegistrations.sealed));
      return new Map([[REGISTRATIONS_TENANT, Number(row?.count ?? 0)]]);
    },
    async reseal(row) {
      const secrets = await vault.openJson<unknown>(registrationScope(row), row.sealed);
      const sealed = await vault.sealJson(registrationScope(row), secrets);
      const written = await db
        .update(mcpClientRegistrations)
        .set({ sealed })
        .where(sameRegistration(row))
        .returning({ id: mcpClientRegistrations.id });
      return changedRows(written);
    },
    unchanged: async (row) =>
      changedRows(
        await db
          .select({ id: mcpClientRegistrations.id })
          .from(mcpClientRegistrations)
          .where(sameRegistration(row)),
      ),
  };

  return [connectionsTable, flowsTable, registrationsTable] as SealedTable<{ id: string }>[];
}

/** How many values each tenant still has under an older data key, across every table. */
export async function staleByTenant(
  tables: SealedTable<{ id: string }>[],
): Promise<Map<string, number>> {
  const total = new Map<string, number>();
  for (const table of tables) {
    for (const [tenantId, stale] of await table.staleByTenant()) {
      total.set(tenantId, (total.get(tenantId) ?? 0) + stale);
    }
  }
  return total;
}

/** Re-seals every stale value, table by table, reporting done/total as it goes. */
export async function resealAll(
  tables: SealedTable<{ id: string }>[],
  onProgress: (progress: ResealProgress) => void,
  batchSize = 100,
): Promise<ResealResult> {
  const result: ResealResult = { resealed: 0, changed: 0, unopenable: [] };
  for (const table of tables) {
    let total = 0;
    for (const stale of (await table.staleByTenant()).values()) total += stale;
    let done = 0;
    let after = "";
    for (;;) {
      const page = await table.stale(after, batchSize);
      if (page.length === 0) break;
      for (const row of page) {
        const outcome = await resealRow(table, row);
        if (outcome === "unopenable") result.unopenable.push(`${table.name} ${row.id}`);
        else result[outcome] += 1;
        done += 1;
      }
      after = page.at(-1)!.id;
      onProgress({ table: table.name, done, total });
    }
  }
  return result;
}

async function resealRow(table: SealedTable<{ id: string }>, row: { id: string }) {
  try {
    return (await table.reseal(row)) ? "resealed" : "changed";
  } catch (error) {
    if (!(error instanceof VaultOpenError)) throw error;
    // Read before another re-seal retired its key and wrote it anew: nothing is wrong with it.
    return (await table.unchanged(row)) ? "unopenable" : "changed";
  }
}
