import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { VaultConfigError } from "./errors";
import { parseKeyring } from "./keyring";

const key = (bytes = 32) => randomBytes(bytes).toString("base64");

function configError(value: string | undefined, variableName?: string): VaultConfigError {
  try {
    parseKeyring(value, variableName);
  } catch (error) {
    expect(error).toBeInstanceOf(VaultConfigError);
    expect((error as VaultConfigError).code).toBe("vault_config");
    return error as VaultConfigError;
  }
  throw new Error("expected parseKeyring to throw");
}

describe("parseKeyring", () => {
  it("parses versions newest first with their 32-byte keys", () => {
    const v2 = key();
    const v1 = key();
    const keyring = parseKeyring(` v2:${v2} , v1:${v1}\n`);
    expect(keyring.map((entry) => entry.version)).toEqual(["v2", "v1"]);
    expect(Buffer.from(keyring[0].key).toString("base64")).toBe(v2);
    expect(Buffer.from(keyring[1]!.key).toString("base64")).toBe(v1);
  });

  it("never prints key bytes when a keyring is logged or serialised", () => {
    const secret = key();
    const keyring = parseKeyring(`v1:${secret}`);
    const hex = Buffer.from(secret, "base64").toString("hex").slice(0, 16);
    for (const text of [JSON.stringify(keyring), inspect(keyring, { depth: 5 })]) {
      expect(text).not.toContain(secret);
      expect(text.replace(/[^0-9a-f]/g, "")).not.toContain(hex);
      expect(text).toContain("v1");
    }
  });

  it("rejects a key shorter than 32 bytes", () => {
    const short = key(16);
    const error = configError(`v1:${short}`);
    expect(error.message).toMatch(/^X_VAULT_KEYS entry 1 \(v1\) decodes to 16 bytes, not 32/);
    expect(error.message).not.toContain(short);
  });

  it("rejects a key longer than 32 bytes", () => {
    expect(configError(`v1:${key(33)}`).message).toContain("decodes to 33 bytes, not 32");
  });

  it("rejects bad base64", () => {
    for (const bad of [
      "not base64!",
      `${key().slice(0, -1)}`,
      `${key()}==`,
      key().replace(/=$/, ""),
    ]) {
      const error = configError(`v2:${key()},v1:${bad}`);
      expect(error.message).toMatch(/^X_VAULT_KEYS entry 2 \(v1\) is not valid base64/);
      expect(error.message).not.toContain(bad);
    }
  });

  it("rejects a duplicate version", () => {
    expect(configError(`v1:${key()},v1:${key()}`).message).toMatch(
      /^X_VAULT_KEYS lists version v1 twice/,
    );
  });

  it("rejects an entry with no colon, without echoing it", () => {
    const bare = key();
    const error = configError(`v2:${key()},${bare}`);
    expect(error.message).toMatch(/^X_VAULT_KEYS entry 2 has no ":"/);
    expect(error.message).not.toContain(bare);
  });

  it("rejects a version that is not v<number>, without echoing it", () => {
    const reversed = `${key()}`;
    for (const version of ["1", "V1", "v", "v1a", "key"]) {
      expect(configError(`${version}:${key()}`).message).toMatch(
        /^X_VAULT_KEYS entry 1 has a version that is not v<number>/,
      );
    }
    expect(configError(`${reversed.slice(0, 20)}:v1`).message).not.toContain(reversed.slice(0, 20));
  });

  it("rejects versions that are not newest first", () => {
    expect(configError(`v1:${key()},v2:${key()}`).message).toMatch(
      /^X_VAULT_KEYS lists v1 before v2, which is not newest first/,
    );
  });

  it("rejects an empty or absent value and names the variable it was given", () => {
    expect(configError(undefined).message).toMatch(/^X_VAULT_KEYS is empty/);
    expect(configError(" ").message).toMatch(/^X_VAULT_KEYS is empty/);
    expect(configError("", "MY_KEYS").message).toMatch(/^MY_KEYS is empty/);
    expect(configError(`v1:${key()},`).message).toMatch(/entry 2 has no ":"/);
  });
});
