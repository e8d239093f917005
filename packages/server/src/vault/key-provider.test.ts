import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { VaultKeyMissingError, VaultOpenError } from "./errors";
import { envKeyProvider } from "./key-provider";
import { parseKeyring } from "./keyring";

const entry = (version: string) => `${version}:${randomBytes(32).toString("base64")}`;
const context = Buffer.from("tenant-1");

describe("envKeyProvider", () => {
  it("wraps under the newest version and unwraps with any version in the keyring", async () => {
    const v1 = entry("v1");
    const old = envKeyProvider(parseKeyring(v1));
    const current = envKeyProvider(parseKeyring(`${entry("v2")},${v1}`));
    expect(current.currentVersion).toBe("v2");
    expect(current.versions()).toEqual(["v2", "v1"]);

    const dataKey = randomBytes(32);
    const underV1 = await old.wrap(dataKey, context);
    const underV2 = await current.wrap(dataKey, context);
    expect(underV1.version).toBe("v1");
    expect(underV2.version).toBe("v2");
    expect(Buffer.from(await current.unwrap("v1", underV1.wrapped, context)).equals(dataKey)).toBe(
      true,
    );
    expect(Buffer.from(await current.unwrap("v2", underV2.wrapped, context)).equals(dataKey)).toBe(
      true,
    );
  });

  it("uses a fresh nonce for every wrap", async () => {
    const provider = envKeyProvider(parseKeyring(entry("v1")));
    const dataKey = randomBytes(32);
    const first = await provider.wrap(dataKey, context);
    const second = await provider.wrap(dataKey, context);
    expect(Buffer.from(first.wrapped).equals(Buffer.from(second.wrapped))).toBe(false);
  });

  it("fails to unwrap under another context, another key or after tampering", async () => {
    const provider = envKeyProvider(parseKeyring(entry("v1")));
    const impostor = envKeyProvider(parseKeyring(entry("v1")));
    const { wrapped } = await provider.wrap(randomBytes(32), context);
    const tampered = Uint8Array.from(wrapped);
    tampered[20]! ^= 1;
    await expect(provider.unwrap("v1", wrapped, Buffer.from("tenant-2"))).rejects.toThrow(
      VaultOpenError,
    );
    await expect(impostor.unwrap("v1", wrapped, context)).rejects.toThrow(
      /does not unwrap under key-encryption key v1/,
    );
    await expect(provider.unwrap("v1", tampered, context)).rejects.toThrow(VaultOpenError);
  });

  it("names the version it lacks", async () => {
    const provider = envKeyProvider(parseKeyring(entry("v2")));
    const error = await provider.unwrap("v1", randomBytes(60), context).catch((caught) => caught);
    expect(error).toBeInstanceOf(VaultKeyMissingError);
    expect(error.code).toBe("vault_key_missing");
    expect(error.versions).toEqual(["v1"]);
    expect(error.message).toContain("v1");
  });
});
