import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { describeDataKeyRepository } from "./data-key-repository.contract";
import { checkKeyring } from "./data-keys";
import { VaultKeyMissingError } from "./errors";
import { envKeyProvider } from "./key-provider";
import { parseKeyring } from "./keyring";
import { memoryDataKeys } from "./memory-data-keys";
import { createVault } from "./vault";

const entry = (version: string) => `${version}:${randomBytes(32).toString("base64")}`;

describeDataKeyRepository("memory", async () => memoryDataKeys());

describe("checkKeyring", () => {
  it("fails at start naming the key version the keyring lacks", async () => {
    const v1 = entry("v1");
    const v2 = entry("v2");
    const dataKeys = memoryDataKeys();
    const vault = createVault({ keys: envKeyProvider(parseKeyring(v1)), dataKeys });
    await vault.seal({ tenantId: "t1", recordId: "r" }, "x");
    await vault.seal({ tenantId: "t2", recordId: "r" }, "x");

    const error = await checkKeyring(envKeyProvider(parseKeyring(entry("v3"))), dataKeys).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(VaultKeyMissingError);
    expect((error as VaultKeyMissingError).code).toBe("vault_key_missing");
    expect((error as VaultKeyMissingError).versions).toEqual(["v1"]);
    expect((error as Error).message).toMatch(/lacks key-encryption key v1 \(wraps 2 data keys\)/);

    await expect(
      checkKeyring(envKeyProvider(parseKeyring(`${v2},${v1}`)), dataKeys),
    ).resolves.toBeUndefined();
  });

  it("fails at start when the keyring has the right label but another key, saying what to restore", async () => {
    const dataKeys = memoryDataKeys();
    await createVault({ keys: envKeyProvider(parseKeyring(entry("v1"))), dataKeys }).seal(
      { tenantId: "t1", recordId: "r" },
      "x",
    );
    const error = await checkKeyring(
      envKeyProvider(parseKeyring(entry("v1"))),
      dataKeys,
      "X_VAULT_KEYS",
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VaultKeyMissingError);
    expect((error as VaultKeyMissingError).versions).toEqual(["v1"]);
    expect((error as Error).message).toBe(
      "the keyring's key-encryption key v1 does not unwrap the stored data keys: X_VAULT_KEYS is not the keyring this database was sealed with. Restore that keyring before starting; a new one cannot open the credentials already stored",
    );
  });

  it("passes on an empty store", async () => {
    await expect(
      checkKeyring(envKeyProvider(parseKeyring(entry("v1"))), memoryDataKeys()),
    ).resolves.toBeUndefined();
  });
});
