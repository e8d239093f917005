import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { serve } from "@hono/node-server";
import { createConnections, pgliteStore, secret } from "@x/server";
import { createTaskrApp } from "./app";
import { setUpAttio } from "./attio-provider";
import { armFirstAdminInvite } from "./auth/invites";
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
const firstAdmin =
  config.signupMode === "invite" ? await armFirstAdminInvite(database.db, config.firstAdmin) : null;
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
  signupMode: config.signupMode,
  trustedProxies: config.TRUST_PROXY,
});
const server = serve({ fetch: app.fetch, port: config.PORT, hostname: "localhost" }, () => {
  console.log(`Taskr is running at ${config.baseUrl}`);
  console.log(signupLine());
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

/** Never the invite code itself: whoever reads the log must not be able to become the admin. */
function signupLine(): string {
  if (config.signupMode === "open") {
    return "Sign-up: open to anyone who reaches this Taskr (sandbox mode); the first to sign up is its admin";
  }
  if (firstAdmin === "invite_armed") {
    return `Sign-up: by invite only; sign up at ${config.baseUrl}/signup with the code in TASKR_ADMIN_INVITE to become the admin, ${config.firstAdmin?.username}`;
  }
  return config.firstAdmin
    ? "Sign-up: by invite only (admins invite people on the Connections page); TASKR_ADMIN_INVITE is no longer used now that Taskr has an admin, remove it"
    : "Sign-up: by invite only (admins invite people on the Connections page)";
}

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
