import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { serve } from "@hono/node-server";
import { createConnections, pgliteStore, secret } from "@x/server";
import { createTaskrApp } from "./app";
import { setUpAttio } from "./attio-provider";
import { readConfig } from "./config";
import { openDatabase } from "./db/open-database";
import { TENANT_ID } from "./env";
import { startSandboxMcpServer } from "./mcp/sandbox-mcp-server";

const MOUNT = "/api/connections";

if (existsSync(".env")) process.loadEnvFile(".env");
const config = readConfig(process.env);
const dataDir = resolve(config.DATA_DIR);
mkdirSync(dataDir, { recursive: true });

const database = await openDatabase(join(dataDir, "taskr"));
const redirectUri = `${config.baseUrl}${MOUNT}/callback`;
const attio = await setUpAttio(config, redirectUri);
const sandboxMcp = await startSandboxMcpServer(config);
const connections = createConnections({
  baseUrl: config.baseUrl,
  mount: MOUNT,
  dataDir,
  store: pgliteStore({ client: database.client }),
  providers: [
    attio.provider,
    secret({
      name: "mail-sequencer",
      displayName: "Mail sequencing API key",
      validate: (value) =>
        value.trim().length < 16 ? "That does not look like an API key" : undefined,
    }),
  ],
  identify: (c) => {
    const user = c.get("user");
    return user ? { tenantId: TENANT_ID, userId: user.id, role: user.role } : null;
  },
  mcp: {
    allowPrivateNetwork: config.mcpAllowPrivateNetwork,
    allowedOrigins: sandboxMcp.url ? [sandboxMcp.url] : [],
  },
  onEvent: (event) =>
    console.log(`[taskr] ${event.type} ${event.connection.provider} ${event.connection.id}`),
});
await connections.ready();

const app = createTaskrApp({
  db: database.db,
  connections,
  baseUrl: config.baseUrl,
  attioApiUrl: attio.apiUrl,
  sandboxMcpUrl: sandboxMcp.url,
});
const server = serve({ fetch: app.fetch, port: config.PORT, hostname: "localhost" }, () => {
  console.log(`Taskr is running at ${config.baseUrl}`);
  // Before the Attio line, which tells a watcher the start is complete.
  if (sandboxMcp.url) {
    console.log(
      `MCP: the sandbox MCP server at ${sandboxMcp.url} (add it on the MCP servers page)`,
    );
  }
  console.log(
    config.useSandbox
      ? `Attio: the offline sandbox at ${attio.apiUrl} (set ATTIO_CLIENT_ID and ATTIO_CLIENT_SECRET for real Attio)`
      : `Attio: ${config.ATTIO_APP_URL}; register the redirect URI ${redirectUri}`,
  );
});

async function shutdown() {
  server.close();
  await attio.close();
  await sandboxMcp.close();
  await connections.close();
  await database.client.close();
  process.exit(0);
}
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
