export * from "@x/client";
export {
  ConnectButton,
  type ConnectButtonProps,
  type ConnectButtonState,
} from "./connect-button";
export { ConnectionList, type ConnectionListProps } from "./connection-list";
export { ConnectionRequired, type ConnectionRequiredProps } from "./connection-required";
export {
  pickConnection,
  useAddMcpServer,
  useConnect,
  useConnectClient,
  useConnection,
  useConnections,
  useDisconnect,
  useMcpServers,
  useProvider,
  useProviders,
  useRename,
  useSaveSecret,
} from "./hooks";
export { ConnectionsProvider, type ConnectionsProviderProps } from "./provider";
export { queryKeys } from "./query-keys";
export { SecretForm, type SecretFormProps } from "./secret-form";
