import { randomBytes } from "node:crypto";
import { answerConsent } from "@x/sandbox";
import {
  attio,
  type Connections,
  type ConnectionsOptions,
  createConnections,
  type Store,
  secret,
} from "@x/server";
import { Hono } from "hono";

export const MOUNT = "/api/connections";
export const API_KEY_PROVIDER = "api-key";

/** A host app as the benchmarks see it: the caller is named by an `x-test-user` header. */
export function createHost(options: {
  store: Store;
  sandboxUrl?: string;
  settings?: Partial<ConnectionsOptions>;
}): { connections: Connections; app: Hono } {
  const sandboxUrl = options.sandboxUrl ?? "http://127.0.0.1:9";
  const connections = createConnections({
    baseUrl: "http://localhost:3050",
    mount: MOUNT,
    store: options.store,
    vault: { keys: `v1:${randomBytes(32).toString("base64")}` },
    providers: [
      attio({
        clientId: "taskr-sandbox",
        clientSecret: "taskr-sandbox-secret",
        endpoints: {
          authorizationEndpoint: `${sandboxUrl}/authorize`,
          tokenEndpoint: `${sandboxUrl}/oauth/token`,
          revocationEndpoint: `${sandboxUrl}/oauth/revoke`,
          identityUrl: `${sandboxUrl}/v2/self`,
        },
        apiOrigins: [sandboxUrl],
      }),
      secret({ name: API_KEY_PROVIDER, displayName: "API key" }),
    ],
    identify: (c) => {
      const [tenantId, userId] = (c.req.header("x-test-user") ?? "").split(":");
      return tenantId && userId ? { tenantId, userId, role: "admin" } : null;
    },
    ...options.settings,
  });
  return { connections, app: new Hono().route(MOUNT, connections.routes) };
}

const headersFor = (user: string) => ({
  "x-test-user": user,
  "x-connect-request": "1",
  "content-type": "application/json",
});

/** Sends a request to a host: `app.request` in this process, or fetch to another one. */
export type Send = (path: string, init?: RequestInit) => Promise<Response>;

export const overHttp =
  (baseUrl: string): Send =>
  (path, init) =>
    fetch(`${baseUrl}${path}`, init);

/** The whole "Connect Attio" flow through the public routes: start, consent, callback. */
export async function connectAttio(app: Hono | Send, user: string): Promise<void> {
  const send: Send =
    typeof app === "function" ? app : async (path, init) => app.request(path, init);
  const started = await send(`${MOUNT}/connect/attio`, {
    method: "POST",
    headers: headersFor(user),
    body: "{}",
  });
  if (started.status !== 200) throw new Error(`connect: ${started.status} ${await started.text()}`);
  const { authorizeUrl } = (await started.json()) as { authorizeUrl: string };
  const callback = await answerConsent(authorizeUrl);
  const landed = await send(`${callback.pathname}${callback.search}`, {
    headers: headersFor(user),
  });
  if (landed.status !== 200) throw new Error(`callback: ${landed.status}`);
}

/** A secret connection for each user ("tenant:user"), saved through POST /connections. */
export async function addSecretConnections(app: Hono, users: string[]): Promise<void> {
  for (const user of users) {
    const saved = await app.request(`${MOUNT}/connections`, {
      method: "POST",
      headers: headersFor(user),
      body: JSON.stringify({ provider: API_KEY_PROVIDER, secret: `sk_bench_${user}` }),
    });
    if (saved.status >= 300) throw new Error(`save secret: ${saved.status} ${await saved.text()}`);
  }
}
