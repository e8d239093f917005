import { asc, gt } from "drizzle-orm";
import { openCredential } from "../connections/credential";
import { dataKeysRepository } from "../store/data-keys-repository";
import { connections } from "../store/schema";
import type { DatabaseStore } from "../store/store";
import { createVault, type KeyProvider, rotateDataKeys, summarizeKeyUsage } from "../vault";
import { progressLine } from "./progress";
import { sealedTables, staleByTenant } from "./reseal";

export type CommandContext = {
  store: DatabaseStore;
  keys: KeyProvider;
  out: (line: string) => void;
  /** Say what would change, and change nothing. */
  dryRun?: boolean;
};

/**
 * Re-wraps every tenant's data key under the newest key-encryption key. Safe while servers keep
 * serving (they hold both keys), idempotent, and resumable after an interruption.
 */
export async function rotateCommand({ store, keys, out, dryRun }: CommandContext): Promise<number> {
  const dataKeys = dataKeysRepository(() => store.open());
  const counts = await dataKeys.countByKekVersion();
  const total = Object.entries(counts)
    .filter(([version]) => version !== keys.currentVersion)
    .reduce((sum, [, count]) => sum + count, 0);
  if (dryRun) {
    out(
      `Dry run: ${total} data keys would be re-wrapped under ${keys.currentVersion}. Nothing was changed.`,
    );
    return 0;
  }
  out(`Re-wrapping ${total} data keys under ${keys.currentVersion}…`);
  const startedAt = Date.now();
  const result = await rotateDataKeys({
    keys,
    dataKeys,
    onProgress: ({ rewrapped, skipped }) =>
      out(
        `  ${progressLine(rewrapped + skipped, total, "done", startedAt)} (${skipped} already done elsewhere)`,
      ),
  });
  out(`Done: ${result.rewrapped} data keys re-wrapped.`);
  return reportUsage(result, out);
}

export async function statusCommand({ store, keys, out }: CommandContext): Promise<number> {
  const dataKeys = dataKeysRepository(() => store.open());
  const counts = await dataKeys.countByKekVersion();
  for (const [version, count] of Object.entries(counts)) out(`  ${version}: ${count} data keys`);
  const kekCode = reportUsage(summarizeKeyUsage(keys, counts), out);
  const tables = sealedTables(await store.open(), createVault({ keys, dataKeys }));
  let stale = 0;
  for (const count of (await staleByTenant(tables)).values()) stale += count;
  if (stale === 0) return kekCode;
  out(
    `${stale} values are not under their tenant's newest data key (xv1 values included): run x-vault rotate-data-keys.`,
  );
  return 1;
}

function reportUsage(
  usage: { remainingByVersion: Record<string, number>; oldVersionsUnused: string[] },
  out: (line: string) => void,
): number {
  const remaining = Object.entries(usage.remainingByVersion).filter(([, count]) => count > 0);
  for (const [version, count] of remaining) out(`Still under ${version}: ${count} data keys.`);
  if (usage.oldVersionsUnused.length > 0) {
    out(
      `No data key uses ${usage.oldVersionsUnused.join(", ")} any more: it may be removed from X_VAULT_KEYS.`,
    );
  }
  return remaining.length > 0 ? 1 : 0;
}

/** Opens every sealed credential: proof that the keyring and the data agree. */
export async function checkCommand({ store, keys, out }: CommandContext): Promise<number> {
  const db = await store.open();
  const vault = createVault({ keys, dataKeys: dataKeysRepository(() => store.open()) });
  let checked = 0;
  const failed: string[] = [];
  let after = "";
  for (;;) {
    const page = await db
      .select({
        id: connections.id,
        tenantId: connections.tenantId,
        provider: connections.provider,
        visibility: connections.visibility,
        ownerKey: connections.ownerKey,
        sealed: connections.sealed,
        sealedEpoch: connections.sealedEpoch,
      })
      .from(connections)
      .where(gt(connections.id, after))
      .orderBy(asc(connections.id))
      .limit(500);
    if (page.length === 0) break;
    for (const row of page) {
      checked += 1;
      try {
        await openCredential(vault, row);
      } catch (error) {
        failed.push(`${row.id} (tenant ${row.tenantId}): ${(error as Error).message}`);
      }
    }
    after = page.at(-1)!.id;
    out(`  ${checked} checked`);
  }
  if (failed.length === 0) {
    out(`All ${checked} sealed credentials open.`);
    return 0;
  }
  out(`${failed.length} of ${checked} sealed credentials do not open:`);
  for (const line of failed) out(`  ${line}`);
  return 1;
}
