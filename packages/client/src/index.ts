export { type ConnectClient, type ConnectClientOptions, createConnectClient } from "./client";
export {
  ConnectError,
  type ConnectErrorCode,
  type ConnectErrorDetails,
  isConnectionRequired,
  isInsufficientScope,
} from "./errors";
export {
  type ConnectRedirectResult,
  clearConnectResult,
  pathWithoutConnectResult,
  readConnectResult,
} from "./redirect";
export type {
  AddMcpServerOptions,
  Connection,
  ConnectMode,
  ConnectOptions,
  ConnectResult,
  ConnectStart,
  FlowOutcome,
  McpServer,
  McpServerWithProvider,
  Provider,
  SaveSecretOptions,
  Visibility,
} from "./types";
