import { VaultKeyMissingError, VaultOpenError } from "./errors";
import type { Keyring } from "./keyring";
import { aeadOpen, aeadSeal } from "./seal";

/** Wraps and unwraps data keys under key-encryption keys; a cloud KMS can implement it too. */
export interface KeyProvider {
  readonly currentVersion: string;
  versions(): string[];
  wrap(dataKey: Uint8Array, context: Uint8Array): Promise<{ version: string; wrapped: Uint8Array }>;
  unwrap(version: string, wrapped: Uint8Array, context: Uint8Array): Promise<Uint8Array>;
}

/** AES-256-GCM under the keyring's keys; wraps with the newest, unwraps with any. */
export function envKeyProvider(keyring: Keyring): KeyProvider {
  const [newest] = keyring;
  const keysByVersion = new Map(keyring.map((entry) => [entry.version, entry.key]));
  return {
    currentVersion: newest.version,
    versions: () => keyring.map((entry) => entry.version),
    async wrap(dataKey, context) {
      return { version: newest.version, wrapped: aeadSeal(newest.key, dataKey, context) };
    },
    async unwrap(version, wrapped, context) {
      const key = keysByVersion.get(version);
      if (key === undefined) throw new VaultKeyMissingError([version]);
      const dataKey = aeadOpen(key, wrapped, context);
      if (dataKey === null) {
        throw new VaultOpenError(
          `wrapped data key does not unwrap under key-encryption key ${version}: wrong key for that version, or tampered`,
        );
      }
      return dataKey;
    },
  };
}
