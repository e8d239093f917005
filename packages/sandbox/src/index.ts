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
export {
  createHostileMcpApp,
  defaultHostileKnobs,
  type HostileKnobs,
  type HostileMcpApp,
  type HostileMcpAppOptions,
  type HostileMcpServer,
  type HostileStats,
  type RecordedRequest,
  type Recorder,
  type StartHostileMcpServerOptions,
  startHostileMcpServer,
  startRecorder,
} from "./hostile";
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
export type { SandboxState } from "./state-file";
export type { SandboxStats } from "./stats";
