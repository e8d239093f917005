// Test-only: an in-memory stand-in for the BFF contract (docs/http-api.md), a fake popup and
// a render helper. Nothing in index.ts imports it, so it never reaches the bundle.
import { QueryClient } from "@tanstack/react-query";
import { cleanup, configure, type RenderResult, render } from "@testing-library/react";
import type { Connection, McpServerWithProvider, Provider } from "@x/client";
import type { ReactNode } from "react";
import { afterEach, vi } from "vitest";
import { ConnectionsProvider } from "./provider";

// The first render of a file pays for cold imports; under a parallel run that can pass 1 s.
configure({ asyncUtilTimeout: 5000 });

// No vitest globals, so Testing Library cannot register its own cleanup.
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

export const attio: Provider = {
  name: "attio",
  displayName: "Attio",
  kind: "oauth2",
  configured: true,
  scopes: ["record:read"],
};
export const github: Provider = {
  name: "github",
  displayName: "GitHub",
  kind: "oauth2",
  configured: false,
  scopes: [],
  iconUrl: "https://icons.test/github.svg",
};
export const openai: Provider = {
  name: "openai",
  displayName: "OpenAI",
  kind: "secret",
  configured: true,
  scopes: [],
};

export const makeConnection = (overrides: Partial<Connection> = {}): Connection => ({
  id: "c1",
  provider: "attio",
  visibility: "user",
  tenantId: "t1",
  userId: "u1",
  scopes: [],
  name: "Acme CRM",
  handle: "ada@acme.test",
  status: "active",
  authFailedAt: null,
  createdAt: "2025-01-01T00:00:00Z",
  lastRefreshedAt: null,
  ...overrides,
});

type Failure = { status: number; code: string; message: string; provider?: string };
type Recorded = { method: string; path: string; body: unknown };

export const createFakeServer = (
  seed: { providers?: Provider[]; connections?: Connection[] } = {},
) => {
  const providers = [...(seed.providers ?? [attio, github, openai])];
  const mcpServers: McpServerWithProvider[] = [];
  let connections = [...(seed.connections ?? [])];
  const requests: Recorded[] = [];
  const failures = new Map<string, Failure>();
  const flows = new Map<string, { status: string; provider: string; connectionId?: string }>();
  let counter = 0;

  const reply = (body: unknown, status = 200) =>
    new Response(body === undefined ? null : JSON.stringify(body), { status });
  const fail = ({ status, code, message, provider }: Failure) =>
    reply({ error: { code, message, provider } }, status);

  const fetch = vi.fn(async (input: string | URL | Request, init: RequestInit = {}) => {
    const method = init.method ?? "GET";
    const path = new URL(String(input), "http://localhost:3000").pathname.replace(
      "/api/connections",
      "",
    );
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    requests.push({ method, path, body });
    if (method !== "GET" && new Headers(init.headers).get("X-Connect-Request") !== "1") {
      return fail({ status: 403, code: "csrf_rejected", message: "Missing header" });
    }
    const failure = failures.get(`${method} ${path}`);
    if (failure) return fail(failure);
    const [, resource, id, action] = path.split("/");
    const connection = connections.find((candidate) => candidate.id === id);

    if (method === "GET" && resource === "providers") return reply({ providers });
    if (method === "GET" && resource === "connections") return reply({ connections });
    if (method === "GET" && resource === "mcp-servers") return reply({ servers: mcpServers });
    if (method === "POST" && resource === "mcp-servers") {
      const name = new URL(body.url).hostname.replaceAll(".", "-");
      const provider: Provider = {
        name,
        displayName: name,
        kind: "oauth2",
        configured: true,
        scopes: [],
      };
      const server = {
        id: `mcp-${++counter}`,
        name,
        displayName: name,
        url: body.url,
        visibility: body.visibility ?? "user",
        createdAt: "2025-01-01T00:00:00Z",
      };
      providers.push(provider);
      mcpServers.push({ ...server, provider });
      return reply({ server, provider }, 201);
    }
    if (method === "POST" && resource === "connect") {
      const provider = providers.find((candidate) => candidate.name === id);
      if (!provider) return fail({ status: 404, code: "unknown_provider", message: "Unknown" });
      if (!provider.configured) {
        const message = "Needs server admin";
        return fail({ status: 409, code: "provider_not_configured", message, provider: id });
      }
      counter += 1;
      flows.set(`flow-${counter}`, { status: "pending", provider: provider.name });
      return reply({
        authorizeUrl: `https://idp.test/authorize?flow=${counter}`,
        flowId: `flow-${counter}`,
        nonce: `nonce-${counter}`,
        resultOrigin: window.location.origin,
      });
    }
    if (method === "GET" && resource === "flows") {
      return reply({ flowId: id, ...(flows.get(id!) ?? { status: "pending", provider: "" }) });
    }
    if (method === "POST" && resource === "connections" && !id) {
      if (body.secret === "wrong") {
        const message = "OpenAI rejected the key";
        return fail({ status: 400, code: "invalid_secret", message, provider: body.provider });
      }
      const created = makeConnection({
        id: `secret-${++counter}`,
        provider: body.provider,
        name: body.name ?? null,
        handle: null,
      });
      connections.push(created);
      return reply({ connection: created }, 201);
    }
    if (!connection) return fail({ status: 404, code: "not_found", message: "No connection" });
    if (method === "PATCH") {
      Object.assign(connection, { name: body.name });
      return reply({ connection });
    }
    if (method === "DELETE") {
      connections = connections.filter((candidate) => candidate !== connection);
      return reply(undefined, 204);
    }
    if (method === "POST" && action === "check") return reply({ connection });
    return fail({ status: 400, code: "invalid_request", message: "No such route" });
  });

  return {
    fetch,
    requests,
    /** The next and later calls of `method path` answer with this error. */
    failWith: (route: string, failure: Failure) => failures.set(route, failure),
    /** What the callback would do: store the connection and mark the flow done. */
    completeFlow: (flowId: string, connection: Connection) => {
      connections.push(connection);
      flows.set(flowId, {
        status: "success",
        provider: connection.provider,
        connectionId: connection.id,
      });
    },
  };
};

export type FakePopup = { closed: boolean; close: () => void; location: { href: string } };

/** Replaces window.open; `null` simulates a popup blocker. */
export const stubPopup = (blocked = false) => {
  const popup: FakePopup = {
    closed: false,
    close: vi.fn(() => {
      popup.closed = true;
    }),
    location: { href: "about:blank" },
  };
  const open = vi
    .spyOn(window, "open")
    .mockImplementation(() => (blocked ? null : (popup as unknown as Window)));
  return { popup, open };
};

/** What the callback page posts to its opener. */
export const postResult = (data: Record<string, unknown>, origin = window.location.origin) =>
  window.dispatchEvent(
    new MessageEvent("message", { origin, data: { type: "x-connect:result", ...data } }),
  );

export type FakeServer = ReturnType<typeof createFakeServer>;

export const renderWithServer = (
  ui: ReactNode,
  server: FakeServer = createFakeServer(),
): RenderResult & { server: FakeServer; queryClient: QueryClient } => {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const view = render(
    <ConnectionsProvider baseUrl="/api/connections" fetch={server.fetch} queryClient={queryClient}>
      {ui}
    </ConnectionsProvider>,
  );
  return { ...view, server, queryClient };
};
