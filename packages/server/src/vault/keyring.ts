import { VaultConfigError } from "./errors";

export const KEY_BYTES = 32;
const VERSION_PATTERN = /^v(\d+)$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;
const EXPECTED =
  'expected "v2:<base64 of 32 bytes>,v1:<base64 of 32 bytes>", newest first (make a key with `openssl rand -base64 32`)';

/** A key-encryption key (KEK). */
export type KeyringEntry = { readonly version: string; readonly key: Uint8Array };

/** Newest first: the first entry wraps new data keys, the others only unwrap old ones. */
export type Keyring = readonly [KeyringEntry, ...KeyringEntry[]];

type Fail = (problem: string) => VaultConfigError;

/**
 * Parses `v2:<base64>,v1:<base64>`. Error messages name the variable and the entry's position,
 * never the text of an entry: a malformed entry may be key material.
 */
export function parseKeyring(value: string | undefined, variableName = "X_VAULT_KEYS"): Keyring {
  const fail: Fail = (problem) => new VaultConfigError(`${variableName} ${problem}; ${EXPECTED}`);
  if (value === undefined || value.trim() === "") throw fail("is empty");
  const entries = value.split(",").map((text, index) => parseEntry(text.trim(), index + 1, fail));
  assertUniqueNewestFirst(entries, fail);
  return Object.freeze(entries) as unknown as Keyring;
}

function parseEntry(text: string, position: number, fail: Fail): KeyringEntry {
  const colon = text.indexOf(":");
  if (colon === -1) throw fail(`entry ${position} has no ":" between its version and its key`);
  const version = text.slice(0, colon);
  if (!VERSION_PATTERN.test(version))
    throw fail(`entry ${position} has a version that is not v<number>`);
  const key = decodeBase64(text.slice(colon + 1));
  if (key === null) throw fail(`entry ${position} (${version}) is not valid base64`);
  if (key.length !== KEY_BYTES) {
    throw fail(`entry ${position} (${version}) decodes to ${key.length} bytes, not ${KEY_BYTES}`);
  }
  return keyringEntry(version, key);
}

// Listing v1 before v2 would make the old key wrap new data keys and rotation run backwards.
function assertUniqueNewestFirst(entries: KeyringEntry[], fail: Fail): void {
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    if (seen.has(entry.version)) throw fail(`lists version ${entry.version} twice`);
    seen.add(entry.version);
    const previous = entries[index - 1];
    if (previous && versionNumber(entry) >= versionNumber(previous)) {
      throw fail(`lists ${previous.version} before ${entry.version}, which is not newest first`);
    }
  });
}

function versionNumber(entry: KeyringEntry): number {
  return Number(VERSION_PATTERN.exec(entry.version)?.[1]);
}

function decodeBase64(text: string): Buffer | null {
  if (text.length % 4 !== 0 || !BASE64_PATTERN.test(text)) return null;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : null;
}

/** The key is not enumerable, so logging or serialising a keyring never prints key bytes. */
export function keyringEntry(version: string, key: Uint8Array): KeyringEntry {
  const entry = Object.defineProperty({ version }, "key", { value: key, enumerable: false });
  return Object.freeze(entry) as KeyringEntry;
}
