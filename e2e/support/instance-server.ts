/**
 * One stateless @x/server instance, as a production deployment runs it: its own process, the
 * shared PostgreSQL, the provider (the sandbox) over real HTTP. Tests start several.
 * The credential route answers with a SHA-256 of the token, so tests compare tokens without
 * the tokens ever leaving this process.
 */
import { createHash } from "node:crypto";
import { serve } from "@hono/node-server";
import {
  attio,
  ConnectionsError,
  connectionsErrorResponse,
  createConnections,
  postgresStore,
} from "@x/server";
import { Hono } from "hono";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`instance-server: ${name} is required`);
  return value;
};

const port = Number(env("PORT"));
const sandboxUrl = env("SANDBOX_URL");
const connections = createConnections({
  baseUrl: `http://localhost:${port}`,
  store: postgresStore({ url: env("DATABASE_URL"), max: 5 }),
  vault: { keys: env("X_VAULT_KEYS") },
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
  ],
  identify: (c) => {
    const [tenantId, userId] = (c.req.header("x-test-user") ?? "").split(":");
    return tenantId && userId ? { tenantId, userId, role: "admin" } : null;
  },
  providerTimeoutMs: Number(process.env.PROVIDER_TIMEOUT_MS ?? 5_000),
  // Unset: the kit's default, as a deployment that does not tune it runs.
  refreshLeaseMs: process.env.REFRESH_LEASE_MS ? Number(process.env.REFRESH_LEASE_MS) : undefined,
});
await connections.ready();

const app = new Hono();
app.route("/api/connections", connections.routes);
app.get("/credential", async (c) => {
  try {
    const credential = await connections.getCredential({
      provider: "attio",
      tenantId: c.req.query("tenant") ?? "",
      userId: c.req.query("user") ?? "",
    });
    const token = credential.type === "oauth2" ? credential.accessToken : credential.secret;
    return c.json({ tokenHash: createHash("sha256").update(token).digest("hex") });
  } catch (error) {
    if (error instanceof ConnectionsError) return connectionsErrorResponse(error);
    throw error;
  }
});

serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () =>
  console.log(`instance ready on ${port}`),
);
process.once("SIGTERM", async () => {
  await connections.close();
  process.exit(0);
});
