import { answerConsent } from "@x/sandbox";
import { Hono } from "hono";
import { createConnections } from "../create-connections";
import type { ConnectionEvent } from "../events";
import { type AttioOptions, attio } from "../providers/attio";
import type { EndpointOverrides } from "../providers/catalog/shared";
import { secret } from "../providers/secret";
import type { Provider } from "../providers/types";
import type { Identity } from "../shared/identity";
import type { Store } from "../store/store";
import type { ConnectionsOptions } from "../types";

export const TEST_KEYS = `v1:${Buffer.alloc(32, 7).toString("base64")}`;
export const BASE_URL = "http://localhost:3050";
export const MOUNT = "/api/connections";

/**
 * A host app as a test sees it: identity comes from an `x-test-user` header
 * ("tenant:user[:admin]"), as a host would read its own session.
 *
 * A test file that starts a whole host against a live peer on loopback (this host or
 * `createConnections` with a sandbox, an MCP sandbox or a hostile server; Taskr's
 * `startTaskrServer`) is an integration test: `*.integration.test.ts`, beside the code.
 */
export function createHost(options: {
  store: Store;
  sandboxUrl: string;
  providers?: Provider[];
  settings?: Partial<ConnectionsOptions>;
}) {
  const events: ConnectionEvent[] = [];
  const connections = createConnections({
    baseUrl: BASE_URL,
    mount: MOUNT,
    store: options.store,
    vault: { keys: TEST_KEYS },
    providers: options.providers ?? [
      sandboxAttio(options.sandboxUrl),
      secret({ name: "mail-sequencer", displayName: "Mail sequencer" }),
    ],
    identify: (c) => parseIdentity(c.req.header("x-test-user")),
    onEvent: (event) => {
      events.push(event);
    },
    ...options.settings,
  });
  const app = new Hono().route(MOUNT, connections.routes);
  return { connections, app, events };
}

/** Attio pointed at the sandbox (as packages/sandbox/README.md wires it), with its default client. */
export function sandboxAttio(sandboxUrl: string, options: AttioOptions = {}) {
  return attio({
    clientId: "taskr-sandbox",
    clientSecret: "taskr-sandbox-secret",
    endpoints: sandboxEndpoints(sandboxUrl),
    apiOrigins: [sandboxUrl],
    ...options,
  });
}

/** Where the sandbox at `sandboxUrl` serves Attio's endpoints. */
export function sandboxEndpoints(sandboxUrl: string): EndpointOverrides {
  return {
    authorizationEndpoint: `${sandboxUrl}/authorize`,
    tokenEndpoint: `${sandboxUrl}/oauth/token`,
    revocationEndpoint: `${sandboxUrl}/oauth/revoke`,
    identityUrl: `${sandboxUrl}/v2/self`,
  };
}

export function parseIdentity(header: string | undefined): Identity | null {
  if (!header) return null;
  const [tenantId, userId, role] = header.split(":");
  if (!tenantId || !userId) return null;
  return { tenantId, userId, role: role === "admin" ? "admin" : "member" };
}

export function asUser(user: string, init: RequestInit = {}): RequestInit {
  const headers = new Headers(init.headers);
  headers.set("x-test-user", user);
  if (init.method && init.method !== "GET") {
    headers.set("x-connect-request", "1");
    headers.set("content-type", "application/json");
  }
  return { ...init, headers };
}

/** Plays the person on the sandbox's consent page. */
export const consent = answerConsent;

/** Test bodies are checked by the assertions that read them. */
// biome-ignore lint/suspicious/noExplicitAny: the assertions are the type check
export const json = (response: Response): Promise<any> => response.json();

/** A whole connect flow for `user` ("tenant:user[:admin]"): start, consent at the sandbox, callback. */
export async function connectThroughSandbox(
  app: Hono,
  user: string,
  options: { provider?: string; body?: Record<string, unknown> } = {},
): Promise<Response> {
  const started = await app.request(
    `${MOUNT}/connect/${options.provider ?? "attio"}`,
    asUser(user, { method: "POST", body: JSON.stringify(options.body ?? {}) }),
  );
  if (started.status !== 200)
    throw new Error(`connect failed: ${started.status} ${await started.text()}`);
  const callback = await consent((await json(started)).authorizeUrl);
  return app.request(`${callback.pathname}${callback.search}`, asUser(user));
}

/**
 * Every connection's token expires in two minutes, as an operator forcing a refresh would set it:
 * due by the default skew, for readers and the worker. (A token whose provider only ever gave it
 * two minutes is not due yet: it is refreshed in the second half of its life.) The update's
 * NOTIFY evicts warm copies shortly after.
 */
export async function makeConnectionsDue(db: { query(sql: string): Promise<unknown> }) {
  await db.query(
    `update x_connections set expires_at = now() + interval '2 minutes',
       next_refresh_at = now() - interval '1 second'`,
  );
}
