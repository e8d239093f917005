import { QueryClient, QueryClientContext } from "@tanstack/react-query";
import { type ConnectClient, createConnectClient } from "@x/client";
import { createContext, type ReactNode, useContext, useMemo, useState } from "react";

export type ConnectionsContextValue = { client: ConnectClient; queryClient: QueryClient };

export const ConnectionsContext = createContext<ConnectionsContextValue | null>(null);

export type ConnectionsProviderProps = {
  /** Where the host mounted the routes, e.g. "/api/connections". */
  baseUrl: string;
  /** Defaults to the app's QueryClientProvider's client, else one of our own. */
  queryClient?: QueryClient;
  fetch?: typeof fetch;
  children?: ReactNode;
};

/**
 * Our hooks hand their QueryClient to react-query explicitly, so we never render a second
 * QueryClientProvider that would shadow the app's for everything below us.
 */
export const ConnectionsProvider = ({
  baseUrl,
  queryClient,
  fetch,
  children,
}: ConnectionsProviderProps) => {
  const appQueryClient = useContext(QueryClientContext);
  const [ownQueryClient] = useState(() => queryClient ?? appQueryClient ?? new QueryClient());
  const client = useMemo(() => createConnectClient({ baseUrl, fetch }), [baseUrl, fetch]);
  const chosen = queryClient ?? appQueryClient ?? ownQueryClient;
  const value = useMemo(() => ({ client, queryClient: chosen }), [client, chosen]);
  return <ConnectionsContext.Provider value={value}>{children}</ConnectionsContext.Provider>;
};
