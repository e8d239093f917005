export { createSandboxApp, type SandboxApp, type SandboxAppOptions } from "./app";
export { defaultSandboxClient, type SandboxClient } from "./clients";
export { answerConsent } from "./consent-answer";
export {
  AttioApiError,
  OAuthError,
  type OAuthErrorCode,
  SandboxConfigError,
  UnsafeAuthorizationError,
} from "./errors";
export { defaultKnobs, type SandboxKnobs, type TokenEndpointAuth } from "./knobs";
export {
  createMcpSandboxApp,
  defaultMcpKnobs,
  type McpKnobs,
  type McpSandbox,
  type McpSandboxApp,
  type McpSandboxAppOptions,
  type McpStats,
  type StartMcpSandboxOptions,
  startMcpSandbox,
} from "./mcp";
export { type AttioScope, attioScopes, defaultScopes } from "./scopes";
export { type Sandbox, type StartSandboxOptions, startSandbox } from "./start";
export type { SandboxStats } from "./stats";
