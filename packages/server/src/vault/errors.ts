/** Every vault error carries a stable `code`; the routes map codes to HTTP statuses in one place. */
export abstract class VaultError extends Error {
  abstract readonly code: string;
}

/** The keyring configuration is unusable; the server must not start. */
export class VaultConfigError extends VaultError {
  readonly code = "vault_config";
  override readonly name = "VaultConfigError";
}

/** A key-encryption key version that stored data needs is not in the keyring. */
export class VaultKeyMissingError extends VaultError {
  readonly code = "vault_key_missing";
  override readonly name = "VaultKeyMissingError";
  readonly versions: readonly string[];

  constructor(versions: readonly string[], message?: string) {
    super(message ?? `the keyring lacks key-encryption key ${versions.join(", ")}`);
    this.versions = versions;
  }
}

/** A sealed value (or a wrapped data key) did not authenticate; never carries plaintext. */
export class VaultOpenError extends VaultError {
  readonly code = "vault_open_failed";
  override readonly name = "VaultOpenError";

  constructor(
    message = "sealed value does not open for this tenant and record: wrong record, tenant, key or tampered",
  ) {
    super(message);
  }
}

/** The caller passed something the vault cannot seal or scope (a programming error). */
export class VaultUsageError extends VaultError {
  readonly code = "vault_usage";
  override readonly name = "VaultUsageError";
}
