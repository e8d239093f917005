import {
  type DataKeyRepository,
  unwrapDataKey,
  type WrappedDataKey,
  wrapDataKey,
} from "./data-keys";
import type { KeyProvider } from "./key-provider";

export type RotationOptions = {
  keys: KeyProvider;
  dataKeys: DataKeyRepository;
  batchSize?: number;
  onProgress?: (progress: { rewrapped: number; skipped: number }) => void;
};

export type KeyUsage = {
  /** Data keys not yet under the newest key-encryption key, by the version wrapping them. */
  remainingByVersion: Record<string, number>;
  /** Older keyring versions that wrap no data key: safe to remove from the keyring. */
  oldVersionsUnused: string[];
};

export type RotationResult = KeyUsage & { rewrapped: number };

/**
 * Re-wraps every data key not under the newest key-encryption key. The data keys themselves
 * do not change, so sealed values and every server's cache stay valid throughout; each row is
 * replaced by compare-and-set, so concurrent rotations and restarts after a crash are safe.
 * New data keys are a data-key rotation's job (`x-vault rotate-data-keys`).
 */
export async function rotateDataKeys({
  keys,
  dataKeys,
  batchSize = 100,
  onProgress,
}: RotationOptions): Promise<RotationResult> {
  const attempted = new Set<string>();
  let rewrapped = 0;
  let skipped = 0;
  for (;;) {
    // A row we already tried and that has not changed since would loop forever; leave it.
    const batch = (await dataKeys.listNotUnder(keys.currentVersion, batchSize)).filter(
      (row) => !attempted.has(rowIdentity(row)),
    );
    if (batch.length === 0) break;
    for (const row of batch) {
      attempted.add(rowIdentity(row));
      if (await rewrapDataKey(keys, dataKeys, row)) rewrapped += 1;
      else skipped += 1;
    }
    onProgress?.({ rewrapped, skipped });
  }
  return { rewrapped, ...summarizeKeyUsage(keys, await dataKeys.countByKekVersion()) };
}

/** False when another rotation re-wrapped the row first. */
async function rewrapDataKey(
  keys: KeyProvider,
  dataKeys: DataKeyRepository,
  row: WrappedDataKey,
): Promise<boolean> {
  const next = await wrapDataKey(keys, row.tenantId, row.version, await unwrapDataKey(keys, row));
  return dataKeys.replace(row.tenantId, row.kekVersion, next);
}

function rowIdentity(row: WrappedDataKey): string {
  const wrapped = Buffer.from(row.wrapped).toString("base64");
  return `${row.tenantId}\u0000${row.version}\u0000${row.kekVersion}\u0000${wrapped}`;
}

export function summarizeKeyUsage(
  keys: Pick<KeyProvider, "currentVersion" | "versions">,
  countsByVersion: Record<string, number>,
): KeyUsage {
  const remaining = Object.entries(countsByVersion).filter(
    ([version, count]) => version !== keys.currentVersion && count > 0,
  );
  const oldVersionsUnused = keys
    .versions()
    .filter((version) => version !== keys.currentVersion && !(countsByVersion[version]! > 0));
  return { remainingByVersion: Object.fromEntries(remaining), oldVersionsUnused };
}
