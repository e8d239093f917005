export { type ConnectClient, type ConnectClientOptions, createConnectClient } from "./client";
export {
  ConnectError,
  type ConnectErrorCode,
  type ConnectErrorDetails,
  isConnectionRequired,
} from "./errors";
export {
  type ConnectRedirectResult,
  clearConnectResult,
  pathWithoutConnectResult,
  readConnectResult,
} from "./redirect";
export type {
  Connection,
  ConnectMode,
  ConnectOptions,
  ConnectResult,
  ConnectStart,
  FlowOutcome,
  Provider,
  SaveSecretOptions,
  Visibility,
} from "./types";
