import { execFile } from "node:child_process";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { serve } from "@hono/node-server";
import { postgresStore } from "@x/server";
import { Hono } from "hono";
import { createScratchDatabase } from "../e2e/support/scratch-database";
import { API_KEY_PROVIDER, createHost, MOUNT } from "./support/host";
import { type Measure, measure } from "./support/measure";

const run = promisify(execFile);
const AUTOCANNON = new URL("../node_modules/.bin/autocannon", import.meta.url).pathname;
const SECONDS = 8;
const CONNECTIONS = 20;

/**
 * GET /api/connections/connections as the browser kit calls it, served by node:http through
 * @hono/node-server, under autocannon (its own process) on loopback. The baseline is a bare Hono
 * route answering the same JSON from `connections.listConnections()`, i.e. the same query and
 * the same mapping without the kit's middleware (identify, CSRF guard, body limit, headers).
 */
export async function routesList(): Promise<Measure[]> {
  const database = createScratchDatabase();
  const { connections, app } = createHost({
    store: postgresStore({ url: database.url, max: 10 }),
  });
  const bare = new Hono().get(`${MOUNT}/connections`, async (c) => {
    const [tenantId, userId] = (c.req.header("x-test-user") ?? "").split(":");
    if (!tenantId || !userId) return c.json({ error: { code: "unauthenticated" } }, 401);
    return c.json({ connections: await connections.listConnections({ tenantId, userId }) });
  });
  const servers = [listen(app.fetch), listen(bare.fetch)];
  try {
    await connections.ready();
    for (const visibility of ["user", "workspace"]) {
      const saved = await app.request(`${MOUNT}/connections`, {
        method: "POST",
        headers: {
          "x-test-user": "acme:alice",
          "x-connect-request": "1",
          "content-type": "application/json",
        },
        body: JSON.stringify({ provider: API_KEY_PROVIDER, secret: "sk_bench", visibility }),
      });
      if (saved.status !== 201) throw new Error(`seed: ${saved.status}`);
    }
    const [kit, baseline] = await Promise.all(servers.map((server) => server.url));
    const kitRps = await requestsPerSecond(`${kit}${MOUNT}/connections`);
    const bareRps = await requestsPerSecond(`${baseline}${MOUNT}/connections`);
    return [
      measure({
        name: "routes.list",
        value: kitRps,
        unit: "req/s",
        baseline: "bare Hono route, same rows from connections.listConnections()",
        baselineValue: bareRps,
      }),
    ];
  } finally {
    await Promise.all(servers.map((server) => server.close()));
    await connections.close();
    database.drop();
  }
}

function listen(fetch: (request: Request) => Response | Promise<Response>) {
  let server: ReturnType<typeof serve> | undefined;
  const url = new Promise<string>((resolve) => {
    server = serve({ fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) =>
      resolve(`http://127.0.0.1:${info.port}`),
    );
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
}

async function requestsPerSecond(url: string): Promise<number> {
  const args = ["-c", String(CONNECTIONS), "-H", "x-test-user=acme:alice", "-j", url];
  await run(AUTOCANNON, ["-d", "2", ...args]); // warm-up, not counted
  const { stdout } = await run(AUTOCANNON, ["-d", String(SECONDS), ...args], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const report = JSON.parse(stdout) as {
    requests: { average: number };
    non2xx: number;
    errors: number;
  };
  if (report.non2xx > 0 || report.errors > 0) {
    throw new Error(`autocannon: ${report.non2xx} non-2xx, ${report.errors} errors at ${url}`);
  }
  return report.requests.average;
}
