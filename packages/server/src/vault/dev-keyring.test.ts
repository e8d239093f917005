import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
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

  it("makes the folder private (0700) even when it already exists", () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const data = join(dir, "data");
    mkdirSync(data, { mode: 0o755 });
    chmodSync(data, 0o755);
    devKeyring({ dir: data });
    expect(statSync(data).mode & 0o777).toBe(0o700);
    chmodSync(data, 0o755);
    devKeyring({ dir: data });
    expect(statSync(data).mode & 0o777).toBe(0o700);
  });

  it("refuses a keyring file that other users can read, saying how to fix it", () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    devKeyring({ dir });
    const path = join(dir, DEV_KEYRING_FILE);
    chmodSync(path, 0o644);
    expect(() => devKeyring({ dir })).toThrow(VaultConfigError);
    expect(() => devKeyring({ dir })).toThrow(
      `${path} can be read by other users (mode 644); make it private with \`chmod 600 ${path}\``,
    );
  });

  it("fails, naming the file, when the file is not a valid keyring", () => {
    writeFileSync(join(dir, DEV_KEYRING_FILE), "v1:short", { mode: 0o600 });
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

  it.each(["production", "Production", "prod", "staging", ""])(
    "refuses without X_VAULT_KEYS when NODE_ENV is %j, and writes no file",
    (nodeEnv) => {
      const resolve = () => resolveKeyring({ env: { NODE_ENV: nodeEnv }, dir });
      expect(resolve).toThrow(VaultConfigError);
      expect(resolve).toThrow(
        `X_VAULT_KEYS is required when NODE_ENV is ${JSON.stringify(nodeEnv)}: set it to`,
      );
      expect(existsSync(join(dir, DEV_KEYRING_FILE))).toBe(false);
    },
  );

  it("refuses an existing development keyring under any other NODE_ENV too", () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    devKeyring({ dir });
    expect(() => resolveKeyring({ env: { NODE_ENV: "staging" }, dir })).toThrow(VaultConfigError);
  });

  it("uses the development keyring under another NODE_ENV only with X_VAULT_DEV_KEYRING=1, saying so", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const keyring = resolveKeyring({ env: { NODE_ENV: "staging", X_VAULT_DEV_KEYRING: "1" }, dir });
    expect(keyHex(resolveKeyring({ env: {}, dir }))).toBe(keyHex(keyring));
    expect(warn.mock.calls.flat().join("\n")).toContain(
      "X_VAULT_DEV_KEYRING=1: using the DEVELOPMENT keyring",
    );
    expect(() =>
      resolveKeyring({ env: { NODE_ENV: "staging", X_VAULT_DEV_KEYRING: "true" }, dir }),
    ).toThrow(VaultConfigError);
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

  it("uses the development keyring when NODE_ENV is unset, development or test", () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const keyring = resolveKeyring({ env: {}, dir });
    for (const NODE_ENV of ["development", "test"]) {
      expect(keyHex(resolveKeyring({ env: { NODE_ENV }, dir }))).toBe(keyHex(keyring));
    }
    expect(existsSync(join(dir, DEV_KEYRING_FILE))).toBe(true);
  });
});
