import { createDataKey, type DataKeyRepository } from "./data-keys";
import type { KeyProvider } from "./key-provider";

export type DataKeyVersionsResult = {
  tenants: number;
  /** New versions this call stored (0 when every tenant was already mid-rotation). */
  added: number;
  /** When the newest of the tenants' newest versions was stored: what servers must catch up to. */
  newestCreatedAt: Date | null;
};

/**
 * The first step of a data-key rotation: a new random data key, one version up, for every tenant
 * that has a single one. A tenant that already has several is mid-rotation (an earlier run was
 * interrupted) and keeps its newest, so a second run continues the first instead of starting
 * over; two runs at once store the same version, and the repository keeps one winner.
 */
export async function addDataKeyVersions({
  keys,
  dataKeys,
  onProgress,
  pageSize = 500,
}: {
  keys: KeyProvider;
  dataKeys: DataKeyRepository;
  onProgress?: (progress: { tenants: number; added: number }) => void;
  pageSize?: number;
}): Promise<DataKeyVersionsResult> {
  let after = "";
  let tenants = 0;
  let added = 0;
  let newestCreatedAt: Date | null = null;
  for (;;) {
    const page = await dataKeys.listTenants(after, pageSize);
    if (page.length === 0) break;
    for (const tenant of page) {
      tenants += 1;
      let createdAt = tenant.newestCreatedAt;
      if (tenant.versions === 1) {
        await createDataKey(keys, dataKeys, tenant.tenantId, tenant.newestVersion + 1);
        added += 1;
        createdAt = new Date();
      }
      if (newestCreatedAt === null || createdAt > newestCreatedAt) newestCreatedAt = createdAt;
    }
    after = page.at(-1)!.tenantId;
    onProgress?.({ tenants, added });
  }
  return { tenants, added, newestCreatedAt };
}

/**
 * The last step: tenants keeping older versions whose values are all re-sealed lose them. After
 * this, a backup's copy of an old data key opens nothing sealed since, and xv1 values (version 1)
 * open no more. `staleByTenant` counts the values each tenant still has under an older version.
 */
export async function retireOldDataKeys({
  dataKeys,
  staleByTenant,
  pageSize = 500,
}: {
  dataKeys: DataKeyRepository;
  staleByTenant: ReadonlyMap<string, number>;
  pageSize?: number;
}): Promise<{ retired: number; tenantsWaiting: number }> {
  let after = "";
  let retired = 0;
  let tenantsWaiting = 0;
  for (;;) {
    const page = await dataKeys.listTenants(after, pageSize);
    if (page.length === 0) break;
    for (const tenant of page) {
      if (tenant.versions === 1) continue;
      if ((staleByTenant.get(tenant.tenantId) ?? 0) > 0) tenantsWaiting += 1;
      else retired += await dataKeys.deleteOlderThan(tenant.tenantId, tenant.newestVersion);
    }
    after = page.at(-1)!.tenantId;
  }
  return { retired, tenantsWaiting };
}
