import { describe, expect, it } from "vitest";
import type { DataKeyRepository, WrappedDataKey } from "./data-keys";

const row = (tenantId: string, kekVersion: string, byte: number, version = 1): WrappedDataKey => ({
  tenantId,
  version,
  kekVersion,
  wrapped: new Uint8Array(60).fill(byte),
});

const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

/**
 * The behaviour the vault relies on, for every DataKeyRepository (memory, PGlite, Postgres).
 * `make` returns an empty repository.
 */
export function describeDataKeyRepository(name: string, make: () => Promise<DataKeyRepository>) {
  describe(`DataKeyRepository contract: ${name}`, () => {
    it("stores and returns a wrapped data key byte for byte", async () => {
      const repository = await make();
      expect(await repository.get("t1")).toBeNull();
      await repository.insertIfAbsent(row("t1", "v1", 7));
      const stored = await repository.get("t1");
      expect(stored?.kekVersion).toBe("v1");
      expect(stored?.version).toBe(1);
      expect(Buffer.from(stored!.wrapped).equals(Buffer.alloc(60, 7))).toBe(true);
    });

    it("keeps versions apart: get names one, or gives the newest", async () => {
      const repository = await make();
      await repository.insertIfAbsent(row("t1", "v1", 1, 1));
      await repository.insertIfAbsent(row("t1", "v1", 2, 2));
      await repository.insertIfAbsent(row("t2", "v1", 9, 1));
      expect((await repository.get("t1"))?.wrapped[0]).toBe(2);
      expect((await repository.get("t1", 1))?.wrapped[0]).toBe(1);
      expect(await repository.get("t1", 3)).toBeNull();
      expect((await repository.get("t2"))?.version).toBe(1);
    });

    it("insertIfAbsent returns the one winner to every racer", async () => {
      const repository = await make();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) => repository.insertIfAbsent(row("t1", "v1", index))),
      );
      const winner = Buffer.from(results[0]!.wrapped);
      for (const result of results) expect(Buffer.from(result.wrapped).equals(winner)).toBe(true);
      expect(Buffer.from((await repository.get("t1"))!.wrapped).equals(winner)).toBe(true);
    });

    it("replace is a compare-and-set on the key-encryption key version of one version", async () => {
      const repository = await make();
      await repository.insertIfAbsent(row("t1", "v1", 1));
      await repository.insertIfAbsent(row("t1", "v1", 5, 2));
      expect(await repository.replace("t1", "v0", row("t1", "v2", 2))).toBe(false);
      expect(await repository.replace("t1", "v1", row("t1", "v2", 2))).toBe(true);
      expect(await repository.replace("t1", "v1", row("t1", "v2", 3))).toBe(false);
      expect(await repository.replace("absent", "v1", row("absent", "v2", 3))).toBe(false);
      expect((await repository.get("t1", 1))?.wrapped[0]).toBe(2);
      expect((await repository.get("t1", 2))?.kekVersion).toBe("v1");
    });

    it("lists rows not under a version, bounded, and counts rows by version", async () => {
      const repository = await make();
      for (const [tenantId, version] of [
        ["a", "v1"],
        ["b", "v2"],
        ["c", "v1"],
        ["d", "v3"],
      ]) {
        await repository.insertIfAbsent(row(tenantId!, version!, 1));
      }
      await repository.insertIfAbsent(row("a", "v2", 1, 2));
      const notUnderV2 = await repository.listNotUnder("v2", 10);
      expect(notUnderV2.map((stored) => stored.tenantId).sort()).toEqual(["a", "c", "d"]);
      expect(await repository.listNotUnder("v2", 2)).toHaveLength(2);
      expect(await repository.countByKekVersion()).toEqual({ v1: 2, v2: 2, v3: 1 });
    });

    it("gives the most recently created data key under each key-encryption key version", async () => {
      const repository = await make();
      await repository.insertIfAbsent(row("a", "v1", 1));
      await pause();
      await repository.insertIfAbsent(row("b", "v1", 2));
      await repository.insertIfAbsent(row("c", "v2", 3));
      const newest = await repository.newestByKekVersion();
      expect(newest.map((stored) => [stored.kekVersion, stored.tenantId]).sort()).toEqual([
        ["v1", "b"],
        ["v2", "c"],
      ]);
    });

    it("lists tenants in pages with their newest version, and retires older versions", async () => {
      const repository = await make();
      await repository.insertIfAbsent(row("a", "v1", 1));
      await repository.insertIfAbsent(row("b", "v1", 1));
      await repository.insertIfAbsent(row("b", "v1", 2, 2));
      await repository.insertIfAbsent(row("c", "v1", 1, 3));
      const first = await repository.listTenants("", 2);
      expect(
        first.map(({ tenantId, newestVersion, versions }) => [tenantId, newestVersion, versions]),
      ).toEqual([
        ["a", 1, 1],
        ["b", 2, 2],
      ]);
      expect(first[1]!.newestCreatedAt).toBeInstanceOf(Date);
      expect((await repository.listTenants("b", 10)).map((tenant) => tenant.tenantId)).toEqual([
        "c",
      ]);
      expect(await repository.deleteOlderThan("b", 2)).toBe(1);
      expect(await repository.deleteOlderThan("b", 2)).toBe(0);
      expect(await repository.get("b", 1)).toBeNull();
      expect((await repository.get("b"))?.version).toBe(2);
      expect((await repository.get("a"))?.version).toBe(1);
    });
  });
}
