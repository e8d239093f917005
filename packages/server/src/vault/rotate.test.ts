import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { VaultKeyMissingError } from "./errors";
import { envKeyProvider, type KeyProvider } from "./key-provider";
import { parseKeyring } from "./keyring";
import { memoryDataKeys } from "./memory-data-keys";
import { rotateDataKeys, summarizeKeyUsage } from "./rotate";
import { createVault, type VaultScope } from "./vault";

const entry = (version: string) => `${version}:${randomBytes(32).toString("base64")}`;
const provider = (...entries: string[]) => envKeyProvider(parseKeyring(entries.join(",")));

type Sealed = { scope: VaultScope; value: string; plaintext: string };

/** `tenants` tenants with `records` sealed values each, all sealed under `keys`. */
async function seedStore(keys: KeyProvider, tenants: number, records: number) {
  const dataKeys = memoryDataKeys();
  const vault = createVault({ keys, dataKeys });
  const sealed: Sealed[] = [];
  for (let tenant = 0; tenant < tenants; tenant += 1) {
    for (let record = 0; record < records; record += 1) {
      const scope = {
        tenantId: `tenant-${tenant}`,
        recordId: `record-${record}`,
        purpose: "credential",
      };
      const plaintext = `token ${tenant}/${record}`;
      sealed.push({ scope, value: await vault.seal(scope, plaintext), plaintext });
    }
  }
  return { dataKeys, sealed };
}

async function expectAllOpen(
  keys: KeyProvider,
  dataKeys: ReturnType<typeof memoryDataKeys>,
  sealed: Sealed[],
) {
  const vault = createVault({ keys, dataKeys });
  for (const { scope, value, plaintext } of sealed)
    expect(await vault.openText(scope, value)).toBe(plaintext);
}

describe("rotateDataKeys", () => {
  it("re-wraps every data key while 4 readers keep opening, losing nothing", async () => {
    const v1 = entry("v1");
    const v2 = entry("v2");
    const { dataKeys, sealed } = await seedStore(provider(v1), 60, 3);
    const keys = provider(v2, v1);
    const warmBefore = createVault({ keys, dataKeys });
    for (const { scope, value } of sealed) await warmBefore.open(scope, value);

    let rotating = true;
    const reads = [0, 0, 0, 0];
    const failures: unknown[] = [];
    // cacheSize 1 makes readers fetch and unwrap rows while the rotation replaces them.
    const reader = async (index: number) => {
      const vault = createVault({ keys, dataKeys, cacheSize: 1 });
      for (let step = index * 11; rotating || reads[index]! < sealed.length; step += 1) {
        const { scope, value, plaintext } = sealed[(step * 7) % sealed.length]!;
        try {
          if ((await vault.openText(scope, value)) !== plaintext) failures.push(scope);
        } catch (error) {
          failures.push(error);
        }
        reads[index]! += 1;
      }
    };
    const readers = [0, 1, 2, 3].map(reader);
    const progress: number[] = [];
    const result = await rotateDataKeys({
      keys,
      dataKeys,
      batchSize: 7,
      onProgress: ({ rewrapped }) => progress.push(rewrapped),
    });
    rotating = false;
    await Promise.all(readers);

    expect(failures).toEqual([]);
    expect(result).toEqual({ rewrapped: 60, remainingByVersion: {}, oldVersionsUnused: ["v1"] });
    expect(progress).toEqual([7, 14, 21, 28, 35, 42, 49, 56, 60]);
    for (const count of reads) expect(count).toBeGreaterThanOrEqual(sealed.length);
    expect(await dataKeys.countByKekVersion()).toEqual({ v2: 60 });
    expect(dataKeys.rows.size).toBe(60);

    // A server that cached data keys before the rotation keeps working,
    for (const { scope, value, plaintext } of sealed)
      expect(await warmBefore.openText(scope, value)).toBe(plaintext);
    // and v1 may now be removed: a keyring of v2 alone opens everything.
    await expectAllOpen(provider(v2), dataKeys, sealed);
  });

  it("is a no-op the second time", async () => {
    const v1 = entry("v1");
    const { dataKeys, sealed } = await seedStore(provider(v1), 5, 1);
    const keys = provider(entry("v2"), v1);
    expect((await rotateDataKeys({ keys, dataKeys })).rewrapped).toBe(5);
    const rowsAfterFirst = new Map(
      [...dataKeys.rows].map(([tenant, row]) => [tenant, Buffer.from(row.wrapped)]),
    );
    const second = await rotateDataKeys({ keys, dataKeys });
    expect(second).toEqual({ rewrapped: 0, remainingByVersion: {}, oldVersionsUnused: ["v1"] });
    for (const [tenant, row] of dataKeys.rows)
      expect(Buffer.from(row.wrapped).equals(rowsAfterFirst.get(tenant)!)).toBe(true);
    await expectAllOpen(keys, dataKeys, sealed);
  });

  it("resumes after an interruption, and two concurrent rotations re-wrap each key once", async () => {
    const v1 = entry("v1");
    const { dataKeys, sealed } = await seedStore(provider(v1), 30, 1);
    const keys = provider(entry("v2"), v1);
    const interrupted = rotateDataKeys({
      keys,
      dataKeys,
      batchSize: 4,
      onProgress: () => {
        throw new Error("crash");
      },
    });
    await expect(interrupted).rejects.toThrow("crash");
    expect(await dataKeys.countByKekVersion()).toEqual({ v1: 26, v2: 4 });

    const [first, second] = await Promise.all([
      rotateDataKeys({ keys, dataKeys, batchSize: 3 }),
      rotateDataKeys({ keys, dataKeys, batchSize: 3 }),
    ]);
    expect(first.rewrapped + second.rewrapped).toBe(26);
    expect(await dataKeys.countByKekVersion()).toEqual({ v2: 30 });
    await expectAllOpen(keys, dataKeys, sealed);
  });

  it("reports old versions still in use and which are unused", async () => {
    const v1 = entry("v1");
    const v2 = entry("v2");
    const { dataKeys } = await seedStore(provider(v1), 2, 1);
    await createVault({ keys: provider(v2, v1), dataKeys }).seal(
      { tenantId: "late", recordId: "r" },
      "x",
    );
    expect(await dataKeys.countByKekVersion()).toEqual({ v1: 2, v2: 1 });

    // Before any rotation to v3, nothing old is unused; after it, v2 and v1 both are.
    const keys = provider(entry("v3"), v2, v1);
    expect(summarizeKeyUsage(keys, await dataKeys.countByKekVersion())).toEqual({
      remainingByVersion: { v1: 2, v2: 1 },
      oldVersionsUnused: [],
    });
    expect(await rotateDataKeys({ keys, dataKeys })).toEqual({
      rewrapped: 3,
      remainingByVersion: {},
      oldVersionsUnused: ["v2", "v1"],
    });
  });

  it("summarizes partial progress", () => {
    const keys = { currentVersion: "v3", versions: () => ["v3", "v2", "v1"] };
    expect(summarizeKeyUsage(keys, { v3: 5, v2: 0, v1: 1, v0: 2 })).toEqual({
      remainingByVersion: { v1: 1, v0: 2 },
      oldVersionsUnused: ["v2"],
    });
  });

  it("stops, naming the version, when a data key is under a version the keyring lacks", async () => {
    const { dataKeys } = await seedStore(provider(entry("v1")), 2, 1);
    const error = await rotateDataKeys({ keys: provider(entry("v2")), dataKeys }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(VaultKeyMissingError);
    expect((error as VaultKeyMissingError).versions).toEqual(["v1"]);
    expect(await dataKeys.countByKekVersion()).toEqual({ v1: 2 });
  });
});
