import { serve } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import {
  attio,
  ConnectionsError,
  connectionsErrorResponse,
  createConnections,
  secret,
} from "@x/server";
import { Hono } from "hono";

type User = { id: string; orgId: string; isAdmin: boolean };

const port = Number(process.env.PORT ?? 3000);
const sandboxUrl = process.env.SANDBOX_URL ?? "http://127.0.0.1:3051";

const connections = createConnections({
  baseUrl: process.env.BASE_URL ?? `http://localhost:${port}`, // redirect URI: baseUrl + mount + "/callback"
  ...(process.env.APP_ORIGIN ? { appOrigin: process.env.APP_ORIGIN } : {}),
  dataDir: process.env.DATA_DIR ?? ".data",
  providers: [
    attio({
      clientId: process.env.ATTIO_CLIENT_ID,
      clientSecret: process.env.ATTIO_CLIENT_SECRET,
      endpoints: {
        authorizationEndpoint: `${sandboxUrl}/authorize`,
        tokenEndpoint: `${sandboxUrl}/oauth/token`,
        revocationEndpoint: `${sandboxUrl}/oauth/revoke`,
        identityUrl: `${sandboxUrl}/v2/self`,
      },
      apiOrigins: [sandboxUrl], // connections.fetch() may send the token there (GET /v2/tasks)
    }),
    secret({ name: "mail-sequencer", displayName: "Mail sequencing API key" }),
  ],
  identify: (c) => {
    const user = c.get("user"); // from your own session middleware
    return user
      ? { tenantId: user.orgId, userId: user.id, role: user.isAdmin ? "admin" : "member" }
      : null;
  },
});
await connections.ready(); // migrations + keyring check: fails the start, loudly

const app = new Hono<{ Variables: { user: User } }>();
// Stands in for a real session: everyone is Alice of Acme.
app.use("/api/*", async (c, next) => {
  c.set("user", { id: "alice", orgId: "acme", isAdmin: true });
  await next();
});
app.route("/api/connections", connections.routes);
app.get("/api/tasks", async (c) => {
  try {
    const response = await connections.fetch(
      { provider: "attio", tenantId: "acme", userId: "alice" },
      `${sandboxUrl}/v2/tasks?limit=10`,
    );
    return c.json(await response.json());
  } catch (error) {
    if (error instanceof ConnectionsError) return connectionsErrorResponse(error);
    throw error;
  }
});
if (process.env.STATIC_DIR) app.use("/*", serveStatic({ root: process.env.STATIC_DIR }));

serve({ fetch: app.fetch, port }, () => console.log(`listening on http://localhost:${port}`));
connections.worker.start(); // background refresh and health checks
