// `@x/server`: the connections backend. Remote MCP servers are at `@x/server/mcp`.
export { createConnections } from "./create-connections";
export type {
  CredentialRequest,
  CredentialResult,
  OAuthCredentialResult,
  SecretCredentialResult,
} from "./credentials/reader";
export type { ConnectionEvent, ConnectionEventType, OnEvent } from "./events";
export { type DiscoverOptions, discoverOAuth2Provider } from "./oauth/discover";
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
export { type OAuth2Options, oauth2 } from "./providers/oauth2";
export { type SecretOptions, secret } from "./providers/secret";
export type {
  AccountIdentity,
  ClientAuthMethod,
  CredentialView,
  OAuthProvider,
  Provider,
  ProviderQuirks,
  SecretProvider,
} from "./providers/types";
export { connectionsErrorResponse } from "./routes/error-response";
export type {
  ConnectStartedView as ConnectStart,
  ErrorBody,
  FlowView as ConnectFlow,
  McpServerView as McpServer,
  ProviderView as ProviderInfo,
} from "./routes/schemas";
export {
  ConnectionRequiredError,
  ConnectionsError,
  type ConnectionsErrorCode,
  ERROR_STATUS,
  InsufficientScopeError,
  ReauthRequiredError,
} from "./shared/errors";
export type { Identify, Identity } from "./shared/identity";
export type { Logger } from "./shared/logger";
export type { OutboundPolicy } from "./shared/outbound";
export { type PgliteClient, type PgliteStoreOptions, pgliteStore } from "./store/pglite-store";
export { type PostgresStoreOptions, postgresStore } from "./store/postgres-store";
export type { Store } from "./store/store";
export type {
  Connection,
  Connections,
  ConnectionsOptions,
  ConnectionsRoutes,
  ConnectionsWorker,
  ConnectionWithValue,
} from "./types";
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
export type { WebhookDelivery, WebhookEndpoint } from "./webhooks/webhooks";
export type { TickReport, WorkerOptions } from "./worker/worker";
