import { act, renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { expect, test } from "vitest";
import { useAddMcpServer, useMcpServers, useProviders } from "./hooks";
import { ConnectionsProvider } from "./provider";
import { createFakeServer } from "./test-support";

test("adding an MCP server lists it, and its provider, without a reload", async () => {
  const server = createFakeServer();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <ConnectionsProvider baseUrl="/api/connections" fetch={server.fetch}>
      {children}
    </ConnectionsProvider>
  );
  const { result } = renderHook(
    () => ({ servers: useMcpServers(), providers: useProviders(), add: useAddMcpServer() }),
    { wrapper },
  );
  await waitFor(() => expect(result.current.servers.data).toEqual([]));
  await waitFor(() => expect(result.current.providers.data).toHaveLength(3));

  await act(() => result.current.add.mutateAsync({ url: "https://mcp.acme.test/mcp" }));
  await waitFor(() =>
    expect(result.current.servers.data).toEqual([
      expect.objectContaining({
        url: "https://mcp.acme.test/mcp",
        provider: expect.objectContaining({ name: "mcp-acme-test" }),
      }),
    ]),
  );
  expect(result.current.providers.data?.map((provider) => provider.name)).toContain(
    "mcp-acme-test",
  );
  expect(server.requests.find((request) => request.method === "POST")?.body).toEqual({
    url: "https://mcp.acme.test/mcp",
  });
});
