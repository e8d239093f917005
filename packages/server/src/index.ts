export type { Connection } from "./connections/view";
export {
  type Connections,
  type ConnectionsOptions,
  type ConnectionWithValue,
  createConnections,
  type McpRequest,
} from "./create-connections";
export type { CredentialRequest, CredentialResult } from "./credentials/get-credential";
export {
  ConnectionRequiredError,
  ConnectionsError,
  InsufficientScopeError,
  ReauthRequiredError,
} from "./errors";
export type { ConnectionEvent, ConnectionEventType, OnEvent } from "./events";
export type { Identify, Identity } from "./identity";
export { type McpOptions, type McpProvider, mcp } from "./mcp/provider";
export { type AttioOptions, attio, attioScopes } from "./providers/attio";
export {
  type AsanaOptions,
  type AtlassianOptions,
  asana,
  atlassian,
  type CatalogOptions,
  type EndpointOverrides,
  type GitHubOptions,
  type GitLabOptions,
  type GoogleOptions,
  github,
  gitlab,
  google,
  type HubSpotOptions,
  hubspot,
  type LinearOptions,
  linear,
  type MicrosoftOptions,
  microsoft,
  type NotionOptions,
  notion,
  type SalesforceOptions,
  type SlackOptions,
  salesforce,
  slack,
} from "./providers/catalog";
export {
  type DiscoverOptions,
  discoverOAuth2Provider,
  type OAuth2Options,
  oauth2,
} from "./providers/oauth2";
export { type SecretOptions, secret } from "./providers/secret";
export type {
  AccountIdentity,
  CredentialView,
  OAuthProvider,
  Provider,
  ProviderInfo,
  ProviderQuirks,
  SecretProvider,
} from "./providers/types";
export { connectionsErrorResponse } from "./routes/error-response";
export { type PgliteStoreOptions, pgliteStore } from "./store/pglite-store";
export { type PostgresStoreOptions, postgresStore } from "./store/postgres-store";
export type { Store } from "./store/store";
export {
  createVault,
  type DataKeyRepository,
  envKeyProvider,
  type KeyProvider,
  parseKeyring,
  type Vault,
  VaultConfigError,
  VaultKeyMissingError,
  VaultOpenError,
  type VaultScope,
  type WrappedDataKey,
} from "./vault";
export { SIGNATURE_HEADER, signWebhook, verifyWebhookSignature } from "./webhooks/signature";
export type { WebhookEndpoint } from "./webhooks/webhooks";
export type { TickReport, WorkerOptions } from "./worker/worker";
