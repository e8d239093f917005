import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createDataKey } from "./data-keys";
import { VaultOpenError, VaultUsageError } from "./errors";
import { envKeyProvider } from "./key-provider";
import { parseKeyring } from "./keyring";
import { countingDataKeys, memoryDataKeys, rowKey } from "./memory-data-keys";
import { formatSealed, parseSealed } from "./seal";
import { createVault } from "./vault";

const keys = envKeyProvider(parseKeyring(`v1:${randomBytes(32).toString("base64")}`));
const alice = { tenantId: "tenant-a", recordId: "connection-1", purpose: "credential" };

async function openError(promise: Promise<unknown>): Promise<VaultOpenError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(VaultOpenError);
  expect((error as VaultOpenError).code).toBe("vault_open_failed");
  return error as VaultOpenError;
}

describe("createVault", () => {
  it("seals and opens bytes, text and JSON", async () => {
    const vault = createVault({ keys, dataKeys: memoryDataKeys() });
    const bytes = randomBytes(100);
    expect(Buffer.from(await vault.open(alice, await vault.seal(alice, bytes))).equals(bytes)).toBe(
      true,
    );
    expect(await vault.openText(alice, await vault.seal(alice, "refresh-token-ü"))).toBe(
      "refresh-token-ü",
    );
    const token = { access_token: "at", expires_in: 3600, scopes: ["a", "b"] };
    expect(await vault.openJson(alice, await vault.sealJson(alice, token))).toEqual(token);
    expect(await vault.seal(alice, "same")).not.toBe(await vault.seal(alice, "same"));
  });

  it("does not open a ciphertext copied to another record, tenant or purpose", async () => {
    const vault = createVault({ keys, dataKeys: memoryDataKeys() });
    await vault.seal({ ...alice, tenantId: "tenant-b" }, "make tenant-b's data key");
    const sealed = await vault.seal(alice, "alice's refresh token");

    const anotherRecord = await openError(
      vault.open({ ...alice, recordId: "connection-2" }, sealed),
    );
    expect(anotherRecord.message).toBe(
      "sealed value does not open for this tenant and record: wrong record, tenant, key or tampered",
    );
    await openError(vault.open({ ...alice, tenantId: "tenant-b" }, sealed));
    await openError(vault.open({ ...alice, purpose: "flow" }, sealed));
    expect(await vault.openText(alice, sealed)).toBe("alice's refresh token");
  });

  it("does not open a wrapped data key copied to another tenant", async () => {
    const dataKeys = memoryDataKeys();
    const vault = createVault({ keys, dataKeys, cacheSize: 0 });
    const sealed = await vault.seal(alice, "secret");
    const aliceRow = dataKeys.rows.get(rowKey("tenant-a", 1))!;
    dataKeys.rows.set(rowKey("tenant-b", 1), { ...aliceRow, tenantId: "tenant-b" });
    await openError(vault.open({ ...alice, tenantId: "tenant-b" }, sealed));
  });

  it("fails to open when any bit of the nonce, ciphertext or tag is flipped", async () => {
    const vault = createVault({ keys, dataKeys: memoryDataKeys() });
    const sealed = await vault.seal(alice, "a token of some length");
    const { box } = parseSealed(sealed)!;
    expect(box.length).toBe(12 + 22 + 16);
    let failures = 0;
    for (let position = 0; position < box.length; position += 1) {
      for (let bit = 0; bit < 8; bit += 1) {
        const flipped = Buffer.from(box);
        flipped[position]! ^= 1 << bit;
        const error = await openError(vault.open(alice, formatSealed(1, flipped)));
        expect(error.message).not.toContain("a token");
        failures += 1;
      }
    }
    expect(failures).toBe(box.length * 8);
  });

  it("rejects truncated, extended and foreign formats", async () => {
    const vault = createVault({ keys, dataKeys: memoryDataKeys() });
    const sealed = await vault.seal(alice, "secret");
    const { box } = parseSealed(sealed)!;
    await openError(vault.open(alice, formatSealed(1, box.subarray(0, -1))));
    await openError(vault.open(alice, formatSealed(1, Buffer.concat([box, Buffer.from([0])]))));
    for (const bad of ["secret", `xv3${sealed.slice(3)}`, sealed.slice(0, -1), ""]) {
      const error = await openError(vault.open(alice, bad));
      if (bad !== sealed.slice(0, -1)) {
        expect(error.message).toBe("sealed value is not in the xv2 (or xv1) format");
      }
    }
  });

  it("never puts plaintext in an error", async () => {
    const vault = createVault({ keys, dataKeys: memoryDataKeys() });
    const notJson = await vault.seal(alice, "sk_live_not_json");
    const jsonError = await openError(vault.openJson(alice, notJson));
    expect(jsonError.message).toBe("sealed value is not JSON");
    expect(JSON.stringify(jsonError, Object.getOwnPropertyNames(jsonError))).not.toContain(
      "sk_live",
    );
    expect(jsonError.cause).toBeUndefined();
    const notText = await vault.seal(alice, Buffer.from([0xff, 0xfe]));
    expect((await openError(vault.openText(alice, notText))).message).toBe(
      "sealed value is not UTF-8 text",
    );
  });

  it("rejects a scope without tenant or record, and values that are not JSON", async () => {
    const vault = createVault({ keys, dataKeys: memoryDataKeys() });
    await expect(vault.seal({ tenantId: "", recordId: "r" }, "x")).rejects.toThrow(VaultUsageError);
    await expect(vault.seal({ tenantId: "t", recordId: "" }, "x")).rejects.toThrow(
      "scope.recordId must be a non-empty string",
    );
    await expect(vault.sealJson(alice, undefined)).rejects.toThrow(VaultUsageError);
    await expect(vault.sealJson(alice, { big: 1n })).rejects.toThrow(VaultUsageError);
  });

  it("does not create a data key when opening for a tenant that has none", async () => {
    const dataKeys = memoryDataKeys();
    const vault = createVault({ keys, dataKeys });
    const sealed = await createVault({ keys, dataKeys: memoryDataKeys() }).seal(alice, "x");
    const error = await openError(vault.open(alice, sealed));
    expect(error.message).toContain("the tenant has no data key version 1");
    expect(dataKeys.rows.size).toBe(0);
  });

  it("serves a warm seal and open from memory, with no repository I/O", async () => {
    const { repository, calls } = countingDataKeys(memoryDataKeys());
    const vault = createVault({ keys, dataKeys: repository });
    const sealed = await vault.seal(alice, "warm");
    const coldCalls = calls.total;
    expect(coldCalls).toBeGreaterThan(0);
    for (let index = 0; index < 100; index += 1) {
      await vault.open(alice, sealed);
      await vault.seal({ ...alice, recordId: `connection-${index}` }, "warm");
    }
    expect(calls.total).toBe(coldCalls);
  });

  it("keeps at most cacheSize tenants' data keys, evicting the least recently used", async () => {
    const { repository, calls } = countingDataKeys(memoryDataKeys());
    const vault = createVault({ keys, dataKeys: repository, cacheSize: 2 });
    const scope = (tenantId: string) => ({ tenantId, recordId: "r" });
    const sealedA = await vault.seal(scope("a"), "a");
    const sealedB = await vault.seal(scope("b"), "b");
    await vault.open(scope("a"), sealedA); // a is now the most recent
    await vault.seal(scope("c"), "c"); // evicts b
    const before = calls.get;
    await vault.open(scope("a"), sealedA);
    expect(calls.get).toBe(before);
    await vault.open(scope("b"), sealedB);
    expect(calls.get).toBe(before + 1);
  });

  it("creates exactly one data key when one tenant's first seals race, across instances", async () => {
    const dataKeys = memoryDataKeys();
    const { repository, calls } = countingDataKeys(dataKeys);
    const instances = [
      createVault({ keys, dataKeys: repository }),
      createVault({ keys, dataKeys: repository }),
    ];
    const sealed = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        instances[index % 2]!.seal({ tenantId: "new", recordId: `r${index}` }, `value ${index}`),
      ),
    );
    expect(dataKeys.rows.size).toBe(1);
    // Single flight: one creation per instance, whatever the number of concurrent seals.
    expect(calls.insertIfAbsent).toBe(2);
    const fresh = createVault({ keys, dataKeys });
    for (const [index, value] of sealed.entries()) {
      expect(await fresh.openText({ tenantId: "new", recordId: `r${index}` }, value)).toBe(
        `value ${index}`,
      );
    }
  });

  it("seals under a newer data key once sealingKeyMaxAgeMs has passed, and still opens the older", async () => {
    const dataKeys = memoryDataKeys();
    const vault = createVault({ keys, dataKeys, sealingKeyMaxAgeMs: 50 });
    const before = await vault.seal(alice, "before");
    await createDataKey(keys, dataKeys, alice.tenantId, 2);
    expect(await vault.seal(alice, "soon after")).toMatch(/^xv2\.1\./);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const after = await vault.seal(alice, "after");
    expect(after).toMatch(/^xv2\.2\./);
    expect(await vault.openText(alice, before)).toBe("before");
    expect(await vault.openText(alice, after)).toBe("after");
  });
});
