import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DEV_KEYRING_FILE, devKeyring, resolveKeyring } from "./dev-keyring";
import { VaultConfigError } from "./errors";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "x-vault-"));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const keyHex = (keyring: ReturnType<typeof devKeyring>) =>
  Buffer.from(keyring[0].key).toString("hex");

describe("devKeyring", () => {
  it("generates a 0600 keyring file once, warns loudly, and reuses it on the next call", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const path = join(dir, "nested", DEV_KEYRING_FILE);
    const first = devKeyring({ dir: join(dir, "nested") });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(first.map((entry) => entry.version)).toEqual(["v1"]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(
      /DEVELOPMENT keyring at .*vault-keys; do not use it in production/,
    );
    expect(warn.mock.calls[0]![0]).toContain(path);

    const second = devKeyring({ dir: join(dir, "nested") });
    expect(keyHex(second)).toBe(keyHex(first));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(readdirSync(join(dir, "nested"))).toEqual([DEV_KEYRING_FILE]);
  });

  it("fails, naming the file, when the file is not a valid keyring", async () => {
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(dir, DEV_KEYRING_FILE), "v1:short");
    expect(() => devKeyring({ dir })).toThrow(
      new RegExp(`${DEV_KEYRING_FILE} entry 1 \\(v1\\) is not valid base64`),
    );
  });
});

describe("resolveKeyring", () => {
  it("uses X_VAULT_KEYS when set, without touching the development keyring", () => {
    const v2 = randomBytes(32).toString("base64");
    const keyring = resolveKeyring({
      env: { X_VAULT_KEYS: `v2:${v2}`, NODE_ENV: "production" },
      dir,
    });
    expect(Buffer.from(keyring[0].key).toString("base64")).toBe(v2);
    expect(existsSync(join(dir, DEV_KEYRING_FILE))).toBe(false);
  });

  it("throws in production without X_VAULT_KEYS, and writes no file", () => {
    expect(() => resolveKeyring({ env: { NODE_ENV: "production" }, dir })).toThrow(
      VaultConfigError,
    );
    expect(() => resolveKeyring({ env: { NODE_ENV: "production" }, dir })).toThrow(
      /^X_VAULT_KEYS is required in production/,
    );
    expect(existsSync(join(dir, DEV_KEYRING_FILE))).toBe(false);
  });

  it("does not fall back when X_VAULT_KEYS is set but invalid or empty", () => {
    expect(() => resolveKeyring({ env: { X_VAULT_KEYS: "" }, dir })).toThrow(
      /^X_VAULT_KEYS is empty/,
    );
    expect(() => resolveKeyring({ env: { X_VAULT_KEYS: "v1:abc" }, dir })).toThrow(
      VaultConfigError,
    );
    expect(existsSync(join(dir, DEV_KEYRING_FILE))).toBe(false);
  });

  it("uses the development keyring outside production", () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const keyring = resolveKeyring({ env: {}, dir });
    expect(keyHex(resolveKeyring({ env: { NODE_ENV: "test" }, dir }))).toBe(keyHex(keyring));
    expect(existsSync(join(dir, DEV_KEYRING_FILE))).toBe(true);
  });
});
