export { type ConnectClient, type ConnectClientOptions, createConnectClient } from "./client";
export {
  type BrowserErrorCode,
  ConnectError,
  type ConnectErrorCode,
  type ConnectErrorConstructor,
  type ConnectErrorDetails,
  type ConnectErrorOf,
  isConnectionRequired,
  isInsufficientScope,
  type ServerErrorCode,
  type UnknownErrorCode,
} from "./errors";
export {
  type ConnectRedirectResult,
  clearConnectResult,
  pathWithoutConnectResult,
  readConnectResult,
} from "./redirect";
export type {
  AddMcpServerOptions,
  ConnectFlow,
  Connection,
  ConnectMode,
  ConnectOptions,
  ConnectResult,
  ConnectStart,
  ErrorBody,
  FlowOutcome,
  McpServer,
  McpServerWithProvider,
  Provider,
  SaveSecretOptions,
  Visibility,
} from "./types";
