import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createConnections, pgliteStore } from "@x/server";
import { createTaskrApp } from "../app";
import type { LimiterOptions } from "../auth/limiter";
import type { SignupMode } from "../auth/sign-in";
import { openDatabase } from "../db/open-database";
import { TENANT_ID } from "../env";

export const TEST_BASE_URL = "http://localhost:3050";
export const TEST_PASSWORD = "correct horse battery";

/**
 * Taskr's whole app in this process, behind a real HTTP server on loopback (the throttle reads
 * the socket's address), on a fresh in-memory PGlite. Tests only.
 */
export async function startTaskrServer(options: {
  signupMode: SignupMode;
  trustedProxies?: number;
  hashingLimits?: LimiterOptions;
}) {
  const database = await openDatabase(undefined);
  const connections = createConnections({
    baseUrl: TEST_BASE_URL,
    mount: "/api/connections",
    store: pgliteStore({ client: database.client }),
    vault: { keys: `v1:${randomBytes(32).toString("base64")}` },
    providers: [],
    identify: (c) => {
      const user = c.get("user");
      return user ? { tenantId: TENANT_ID, userId: user.id, role: user.role } : null;
    },
  });
  await connections.ready();
  const app = createTaskrApp({
    db: database.db,
    connections,
    baseUrl: TEST_BASE_URL,
    attioApiUrl: "http://attio.invalid",
    signupMode: options.signupMode,
    trustedProxies: options.trustedProxies ?? 0,
    hashingLimits: options.hashingLimits,
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** A POST as Taskr's page sends it, with the session cookie `as` when given. */
  const post = (
    path: string,
    body: unknown,
    extra: { as?: string; headers?: Record<string, string> } = {},
  ) =>
    fetch(`${url}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-connect-request": "1",
        ...(extra.as ? { cookie: extra.as } : {}),
        ...extra.headers,
      },
      body: JSON.stringify(body),
    });

  return {
    url,
    db: database.db,
    post,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await connections.close();
      await database.client.close();
    },
  };
}

/** The `taskr_session=…` pair a sign-in set, to send back as a cookie. */
export function sessionCookie(response: Response): string {
  const pair = response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0]!)
    .find((cookie) => cookie.startsWith("taskr_session="));
  if (!pair) throw new Error(`No session cookie (status ${response.status})`);
  return pair;
}
