export { SEALING_KEY_MAX_AGE_MS } from "./data-key-cache";
export { addDataKeyVersions, retireOldDataKeys } from "./data-key-rotation";
export {
  checkKeyring,
  type DataKeyRepository,
  dataKeyContext,
  type TenantDataKeys,
  type WrappedDataKey,
} from "./data-keys";
export { DEV_KEYRING_FILE, devKeyring, resolveKeyring } from "./dev-keyring";
export {
  VaultConfigError,
  VaultError,
  VaultKeyMissingError,
  VaultOpenError,
  VaultUsageError,
} from "./errors";
export { envKeyProvider, type KeyProvider } from "./key-provider";
export { type Keyring, type KeyringEntry, parseKeyring } from "./keyring";
export {
  type KeyUsage,
  type RotationOptions,
  type RotationResult,
  rotateDataKeys,
  summarizeKeyUsage,
} from "./rotate";
export { createVault, type Vault, type VaultOptions, type VaultScope } from "./vault";
