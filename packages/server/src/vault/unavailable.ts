import { ConnectionsError } from "../shared/errors";
import { VaultKeyMissingError, VaultOpenError } from "./errors";
import type { Vault } from "./vault";

/**
 * What callers are told when a stored value does not open: the keyring is not the one it was
 * sealed with, or the row was changed. Never the plaintext: vault errors carry none, so the
 * vault's own error stays as the cause, for the operator.
 */
export function vaultUnavailableError(cause: unknown): ConnectionsError {
  return new ConnectionsError(
    "vault_unavailable",
    "A stored credential could not be opened: the vault's keyring (X_VAULT_KEYS) is not the one it was sealed with, or the stored value was changed. `x-vault check` lists what does not open",
    { cause },
  );
}

/**
 * The vault the kit's parts share, throwing vault_unavailable where the vault would throw its
 * own open or missing-key error: every route and public method reads credentials through it,
 * so this is the one place the translation happens. Misuse (VaultUsageError) stays a bug.
 */
export function reportVaultUnavailable(vault: Vault): Vault {
  const reporting =
    <Args extends unknown[], Result>(method: (...args: Args) => Promise<Result>) =>
    async (...args: Args): Promise<Result> => {
      try {
        return await method(...args);
      } catch (error) {
        if (error instanceof VaultOpenError || error instanceof VaultKeyMissingError) {
          throw vaultUnavailableError(error);
        }
        throw error;
      }
    };
  return {
    seal: reporting(vault.seal),
    open: reporting(vault.open),
    openText: reporting(vault.openText),
    sealJson: reporting(vault.sealJson),
    openJson: reporting(vault.openJson) as Vault["openJson"],
  };
}
