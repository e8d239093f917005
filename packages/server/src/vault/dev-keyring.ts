import { randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { VaultConfigError } from "./errors";
import { KEY_BYTES, type Keyring, parseKeyring } from "./keyring";

export const DEV_KEYRING_FILE = "vault-keys";

/**
 * The embedded default's keyring: `<dir>/vault-keys`, generated on first use. Losing the file
 * loses every sealed value, and anyone who reads it can open them: development only.
 */
export function devKeyring({ dir }: { dir: string }): Keyring {
  const path = join(dir, DEV_KEYRING_FILE);
  if (!existsSync(path) && createKeyringFile(dir, path)) {
    console.warn(
      `[x/vault] WARNING: generated a DEVELOPMENT keyring at ${path}; do not use it in production, set X_VAULT_KEYS instead.`,
    );
  }
  return parseKeyring(readFileSync(path, "utf8"), path);
}

/**
 * Written to a temporary file, then hard-linked into place: a second process starting at the
 * same moment neither overwrites a keyring that may already have sealed data nor reads half a
 * file. False when another process created it first.
 */
function createKeyringFile(dir: string, path: string): boolean {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const keyring = `v1:${randomBytes(KEY_BYTES).toString("base64")}\n`;
  writeFileSync(temporary, keyring, { mode: 0o600, flag: "wx" });
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}

export type ResolveKeyringOptions = { env?: Record<string, string | undefined>; dir: string };

/** X_VAULT_KEYS when set; in production nothing else; elsewhere the development keyring. */
export function resolveKeyring({ env = process.env, dir }: ResolveKeyringOptions): Keyring {
  if (env.X_VAULT_KEYS !== undefined) return parseKeyring(env.X_VAULT_KEYS, "X_VAULT_KEYS");
  if (env.NODE_ENV === "production") {
    throw new VaultConfigError(
      'X_VAULT_KEYS is required in production: set it to "v1:<base64 of 32 bytes>" (make a key with `openssl rand -base64 32`); the development keyring is never used in production',
    );
  }
  return devKeyring({ dir });
}
