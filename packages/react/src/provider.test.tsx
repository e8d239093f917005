import { QueryClient, QueryClientProvider, useQueryClient } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import { expect, test } from "vitest";
import { useConnection, useProviders } from "./hooks";
import { ConnectionsProvider } from "./provider";
import { queryKeys } from "./query-keys";
import { createFakeServer, makeConnection } from "./test-support";

const ProviderNames = () => {
  const { data } = useProviders();
  return <p>{data?.map((provider) => provider.name).join(",")}</p>;
};

let seenBelow: QueryClient | undefined;
const Probe = () => {
  seenBelow = useQueryClient();
  return null;
};

const Picked = ({ visibility }: { visibility?: "workspace" }) => (
  <p>{useConnection("attio", visibility).data?.id ?? "none"}</p>
);

test("uses the app's QueryClient when there is one, and never shadows it", async () => {
  const app = new QueryClient();
  const server = createFakeServer();
  render(
    <QueryClientProvider client={app}>
      <ConnectionsProvider baseUrl="/api/connections" fetch={server.fetch}>
        <ProviderNames />
        <Probe />
      </ConnectionsProvider>
    </QueryClientProvider>,
  );
  await screen.findByText("attio,github,openai");
  expect(app.getQueryData(queryKeys.providers)).toHaveLength(3);
  expect(seenBelow).toBe(app);
});

test("a queryClient prop wins over the app's", async () => {
  const app = new QueryClient();
  const ours = new QueryClient();
  const server = createFakeServer();
  render(
    <QueryClientProvider client={app}>
      <ConnectionsProvider baseUrl="/api/connections" fetch={server.fetch} queryClient={ours}>
        <ProviderNames />
      </ConnectionsProvider>
    </QueryClientProvider>,
  );
  await screen.findByText("attio,github,openai");
  expect(ours.getQueryData(queryKeys.providers)).toHaveLength(3);
  expect(app.getQueryData(queryKeys.providers)).toBeUndefined();
});

test("brings its own QueryClient when the app has none", async () => {
  const server = createFakeServer();
  render(
    <ConnectionsProvider baseUrl="/api/connections" fetch={server.fetch}>
      <ProviderNames />
    </ConnectionsProvider>,
  );
  expect(await screen.findByText("attio,github,openai")).toBeTruthy();
});

test("useConnection prefers the caller's own connection over the workspace's", async () => {
  const server = createFakeServer({
    connections: [
      makeConnection({ id: "shared", visibility: "workspace" }),
      makeConnection({ id: "mine", visibility: "user" }),
      makeConnection({ id: "other", provider: "github" }),
    ],
  });
  render(
    <ConnectionsProvider baseUrl="/api/connections" fetch={server.fetch}>
      <Picked />
      <Picked visibility="workspace" />
    </ConnectionsProvider>,
  );
  await waitFor(() =>
    expect(screen.getAllByRole("paragraph").map((p) => p.textContent)).toEqual(["mine", "shared"]),
  );
});

test("hooks outside a provider fail loudly", () => {
  expect(() => render(<ProviderNames />)).toThrow("<ConnectionsProvider>");
});
