export type { Connection } from "./connections/view";
export {
  type Connections,
  type ConnectionsOptions,
  type ConnectionWithValue,
  createConnections,
} from "./create-connections";
export type { CredentialRequest, CredentialResult } from "./credentials/get-credential";
export { ConnectionRequiredError, ConnectionsError, ReauthRequiredError } from "./errors";
export type { ConnectionEvent, ConnectionEventType, OnEvent } from "./events";
export type { Identify, Identity } from "./identity";
export { type AttioOptions, attio, attioScopes } from "./providers/attio";
export { type SecretOptions, secret } from "./providers/secret";
export type { OAuthProvider, Provider, ProviderInfo, SecretProvider } from "./providers/types";
export { connectionsErrorResponse } from "./routes/error-response";
export { type PgliteStoreOptions, pgliteStore } from "./store/pglite-store";
export { type PostgresStoreOptions, postgresStore } from "./store/postgres-store";
export type { Store } from "./store/store";
export {
  envKeyProvider,
  type KeyProvider,
  parseKeyring,
  VaultConfigError,
  VaultKeyMissingError,
  VaultOpenError,
} from "./vault";
