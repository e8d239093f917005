import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { VaultConfigError } from "./errors";
import { KEY_BYTES, type Keyring, parseKeyring } from "./keyring";

export const DEV_KEYRING_FILE = "vault-keys";

/** The only NODE_ENV values that get a development keyring without asking for one. */
const DEVELOPMENT_ENVIRONMENTS: ReadonlySet<string | undefined> = new Set([
  undefined,
  "development",
  "test",
]);

/** Set to "1" to use the development keyring under any other NODE_ENV (a staging demo). */
export const DEV_KEYRING_OPT_IN = "X_VAULT_DEV_KEYRING";

/**
 * The embedded default's keyring: `<dir>/vault-keys`, generated on first use. Losing the file
 * loses every sealed value, and anyone who reads it can open them: development only.
 */
export function devKeyring({ dir, warn = consoleWarning }: { dir: string; warn?: Warn }): Keyring {
  const path = join(dir, DEV_KEYRING_FILE);
  makePrivateFolder(dir);
  if (!existsSync(path) && createKeyringFile(path)) {
    warn(
      `[x/vault] WARNING: generated a DEVELOPMENT keyring at ${path}; do not use it in production, set X_VAULT_KEYS instead.`,
    );
  }
  assertOwnerOnly(path);
  return parseKeyring(readFileSync(path, "utf8"), path);
}

// mkdir's mode applies only to a folder it creates: one made earlier (by PGlite, by the host, by
// an older version of the kit) keeps whatever the umask gave it, so the mode is set every time.
function makePrivateFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    chmodSync(dir, 0o700);
  } catch (error) {
    throw new VaultConfigError(
      `cannot make ${dir} private to its owner (chmod 700: ${(error as NodeJS.ErrnoException).code}); it holds the development keyring`,
    );
  }
}

// As ssh does with a private key: a keyring others can read is refused, not quietly fixed,
// since whoever could read it may already have.
function assertOwnerOnly(path: string): void {
  if (process.platform === "win32") return; // no POSIX modes to check
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new VaultConfigError(
      `${path} can be read by other users (mode ${mode.toString(8)}); make it private with \`chmod 600 ${path}\` (and consider its keys exposed)`,
    );
  }
}

/**
 * Written to a temporary file, then hard-linked into place: a second process starting at the
 * same moment neither overwrites a keyring that may already have sealed data nor reads half a
 * file. False when another process created it first.
 */
function createKeyringFile(path: string): boolean {
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

/** Where a warning goes: the host's logger, or the console for x-vault. */
export type Warn = (message: string) => void;

const consoleWarning: Warn = (message) => console.warn(message);

export type ResolveKeyringOptions = {
  env?: Record<string, string | undefined>;
  dir: string;
  warn?: Warn;
};

/**
 * X_VAULT_KEYS when set; otherwise the development keyring, but only when NODE_ENV is unset,
 * "development" or "test" (or X_VAULT_DEV_KEYRING=1). Anything else ("Production", "prod",
 * "staging"…) is a deployment, and a keyring generated beside its data would protect nothing.
 */
export function resolveKeyring({
  env = process.env,
  dir,
  warn = consoleWarning,
}: ResolveKeyringOptions): Keyring {
  if (env.X_VAULT_KEYS !== undefined) return parseKeyring(env.X_VAULT_KEYS, "X_VAULT_KEYS");
  const optedIn = env[DEV_KEYRING_OPT_IN] === "1";
  if (!DEVELOPMENT_ENVIRONMENTS.has(env.NODE_ENV) && !optedIn) {
    throw new VaultConfigError(
      `X_VAULT_KEYS is required when NODE_ENV is ${JSON.stringify(env.NODE_ENV)}: set it to "v1:<base64 of 32 bytes>" (make a key with \`openssl rand -base64 32\`). The development keyring is used only when NODE_ENV is unset, "development" or "test", or with ${DEV_KEYRING_OPT_IN}=1`,
    );
  }
  if (optedIn && !DEVELOPMENT_ENVIRONMENTS.has(env.NODE_ENV)) {
    warn(
      `[x/vault] WARNING: ${DEV_KEYRING_OPT_IN}=1: using the DEVELOPMENT keyring in ${dir} with NODE_ENV=${JSON.stringify(env.NODE_ENV)}; anyone who reads that folder can open every credential.`,
    );
  }
  return devKeyring({ dir, warn });
}
