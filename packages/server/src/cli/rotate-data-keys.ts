import { dataKeysRepository } from "../store/data-keys-repository";
import {
  addDataKeyVersions,
  createVault,
  retireOldDataKeys,
  SEALING_KEY_MAX_AGE_MS,
} from "../vault";
import { progressLine } from "./progress";
import { resealAll, sealedTables, staleByTenant } from "./reseal";
import type { CommandContext } from "./vault-commands";

/** How long servers may take to seal under a new data key, with a margin for clocks and writes. */
export const DEFAULT_SETTLE_MS = SEALING_KEY_MAX_AGE_MS + 5_000;

/**
 * New data keys for every tenant, every sealed value re-sealed under them (xv1 values become
 * xv2), then the old data keys retired. Online: servers keep reading and writing throughout,
 * each row is written by compare-and-set, and a second run (after an interruption, or at the
 * same time) continues the first. `settleMs`: how long running servers take to notice a new
 * data key (SEALING_KEY_MAX_AGE_MS); a PGlite database has no other process, so no wait.
 */
export async function rotateDataKeysCommand({
  store,
  keys,
  out,
  settleMs = DEFAULT_SETTLE_MS,
  batchSize,
  dryRun,
}: CommandContext & { settleMs?: number; batchSize?: number }): Promise<number> {
  const db = await store.open();
  const dataKeys = dataKeysRepository(() => store.open());
  const others = store.kind === "postgres";
  if (dryRun) return describeRotation(sealedTables(db, createVault({ keys, dataKeys })), out);

  out("Adding a new data key for every tenant…");
  const versions = await addDataKeyVersions({
    keys,
    dataKeys,
    onProgress: ({ tenants, added }) => out(`  ${tenants} tenants, ${added} new data keys`),
  });
  // A server seals under the newest key it knows for up to SEALING_KEY_MAX_AGE_MS: re-sealing
  // before then would leave it writing values under a key about to be retired.
  const sinceNewest = versions.newestCreatedAt
    ? Date.now() - versions.newestCreatedAt.getTime()
    : settleMs;
  if (others) await settle(settleMs - sinceNewest, "running servers seal under them", out);

  const tables = sealedTables(db, createVault({ keys, dataKeys }));
  out("Re-sealing every value under its tenant's newest data key…");
  const startedAt = Date.now();
  const result = await resealAll(
    tables,
    ({ table, done, total }) =>
      out(`  ${table}: ${progressLine(done, total, "re-sealed", startedAt)}`),
    batchSize,
  );
  // A read that fetched a row just before its re-seal still opens it under the old key.
  if (others && result.resealed > 0) await settle(settleMs, "reads begun before finish", out);

  const { retired, tenantsWaiting } = await retireOldDataKeys({
    dataKeys,
    staleByTenant: await staleByTenant(tables),
  });
  out(
    `Done: ${result.resealed} values re-sealed (${result.changed} changed meanwhile, left as written), ${retired} old data keys retired.`,
  );
  if (result.unopenable.length > 0) {
    out(`${result.unopenable.length} values do not open and keep their old data key:`);
    for (const value of result.unopenable) out(`  ${value}`);
  }
  if (tenantsWaiting > 0) {
    out(`${tenantsWaiting} tenants still have values under an older data key: run this again.`);
    return 1;
  }
  return 0;
}

async function settle(ms: number, until: string, out: (line: string) => void): Promise<void> {
  if (ms <= 0) return;
  out(`Waiting ${Math.ceil(ms / 1000)} s until ${until}…`);
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** What rotate-data-keys would do, changing nothing. */
async function describeRotation(
  tables: ReturnType<typeof sealedTables>,
  out: (line: string) => void,
): Promise<number> {
  const stale = await staleByTenant(tables);
  let values = 0;
  for (const count of stale.values()) values += count;
  out(
    `Dry run: every tenant would get a new data key; ${values} values of ${stale.size} tenants are not under their tenant's newest one yet and would be re-sealed, then the old data keys retired. Nothing was changed.`,
  );
  return 0;
}
