import { type MutateOptions, useMutation, useQuery } from "@tanstack/react-query";
import type {
  AddMcpServerOptions,
  ConnectClient,
  ConnectError,
  Connection,
  ConnectOptions,
  ConnectResult,
  SaveSecretOptions,
  Visibility,
} from "@x/client";
import { useContext } from "react";
import { ConnectionsContext } from "./provider";
import { queryKeys } from "./query-keys";

const useContextValue = () => {
  const value = useContext(ConnectionsContext);
  if (!value) throw new Error("Missing <ConnectionsProvider>");
  return value;
};

/** The raw @x/client instance of the nearest <ConnectionsProvider>. */
export const useConnectClient = () => useContextValue().client;

export const useProviders = () => {
  const { client, queryClient } = useContextValue();
  return useQuery<Awaited<ReturnType<ConnectClient["providers"]>>, ConnectError>(
    { queryKey: queryKeys.providers, queryFn: client.providers, staleTime: 300_000 },
    queryClient,
  );
};

/** The MCP servers added at run time that the user may see. */
export const useMcpServers = () => {
  const { client, queryClient } = useContextValue();
  return useQuery<Awaited<ReturnType<ConnectClient["mcpServers"]>>, ConnectError>(
    { queryKey: queryKeys.mcpServers, queryFn: client.mcpServers },
    queryClient,
  );
};

/** One provider of the catalogue, or undefined while loading or when unknown. */
export const useProvider = (name: string) =>
  useProviders().data?.find((provider) => provider.name === name);

/** The caller's connection for `provider`: their own first, else the workspace's. */
export const pickConnection = (
  connections: Connection[],
  provider: string,
  visibility?: Visibility,
): Connection | null => {
  const matching = connections.filter(
    (connection) =>
      connection.provider === provider && (!visibility || connection.visibility === visibility),
  );
  return matching.find((connection) => connection.visibility === "user") ?? matching[0] ?? null;
};

const useConnectionsQuery = <Data>(select?: (connections: Connection[]) => Data) => {
  const { client, queryClient } = useContextValue();
  return useQuery<Connection[], ConnectError, Data>(
    { queryKey: queryKeys.connections, queryFn: client.connections, select },
    queryClient,
  );
};

export const useConnections = () => useConnectionsQuery<Connection[]>();

export const useConnection = (provider: string, visibility?: Visibility) =>
  useConnectionsQuery((connections) => pickConnection(connections, provider, visibility));

const useConnectMutation = <Variables, Result>(
  mutationFn: (client: ConnectClient, variables: Variables) => Promise<Result>,
) => {
  const { client, queryClient } = useContextValue();
  return useMutation<Result, ConnectError, Variables>(
    {
      mutationFn: (variables) => mutationFn(client, variables),
      // Returned, so the mutation stays pending until the list shows the change.
      onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.connections }),
    },
    queryClient,
  );
};

/**
 * `connect(provider, options)` calls client.connect synchronously: react-query runs a
 * mutationFn after awaits, which would open the popup too late and get it blocked. So the
 * mutation only tracks the promise that client.connect already started.
 */
export const useConnect = () => {
  const client = useConnectClient();
  const mutation = useConnectMutation((_, pending: Promise<ConnectResult>) => pending);
  return {
    ...mutation,
    connect: (
      provider: string,
      options?: ConnectOptions,
      callbacks?: MutateOptions<ConnectResult, ConnectError, Promise<ConnectResult>>,
    ) => mutation.mutate(client.connect(provider, options), callbacks),
  };
};

export const useDisconnect = () =>
  useConnectMutation((client, id: string) => client.disconnect(id));

export const useRename = () =>
  useConnectMutation((client, { id, name }: { id: string; name: string }) =>
    client.rename(id, name),
  );

export const useSaveSecret = () =>
  useConnectMutation(
    (
      client,
      { provider, secret, ...options }: { provider: string; secret: string } & SaveSecretOptions,
    ) => client.saveSecret(provider, secret, options),
  );

/** Adds an MCP server by URL; it then shows in useMcpServers() and useProviders(). */
export const useAddMcpServer = () => {
  const { client, queryClient } = useContextValue();
  return useMutation<
    Awaited<ReturnType<ConnectClient["addMcpServer"]>>,
    ConnectError,
    { url: string } & AddMcpServerOptions
  >(
    {
      mutationFn: ({ url, ...options }) => client.addMcpServer(url, options),
      // The server list and the provider catalogue both gained one.
      onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.all }),
    },
    queryClient,
  );
};
