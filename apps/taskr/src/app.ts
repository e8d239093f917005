import { fileURLToPath } from "node:url";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Connections } from "@x/server";
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { authRoutes } from "./auth/auth-routes";
import type { LimiterOptions } from "./auth/limiter";
import { createPasswords } from "./auth/password";
import { sessionMiddleware } from "./auth/session-middleware";
import type { SignupMode } from "./auth/sign-in";
import { createThrottle } from "./auth/throttle";
import type { TaskrDatabase } from "./db/open-database";
import type { TaskrEnv } from "./env";
import { mcpRoutes } from "./mcp/mcp-routes";
import { requireAppRequest } from "./request-guard";
import { sequencesRoutes } from "./sequences/sequences-routes";
import { tasksRoutes } from "./tasks/tasks-routes";

export type TaskrAppOptions = {
  db: TaskrDatabase;
  connections: Connections;
  baseUrl: string;
  attioApiUrl: string;
  /** "open" only in sandbox mode; see README "Who can sign up". */
  signupMode: SignupMode;
  /** TRUST_PROXY: how many proxies' `X-Forwarded-For` entries to believe; 0 when none. */
  trustedProxies: number;
  /** How many argon2 hashes run at once and how many may wait; Taskr's defaults otherwise. */
  hashingLimits?: LimiterOptions;
  /** The sandbox MCP server the MCP servers page offers (sandbox mode only). */
  sandboxMcpUrl?: string | null;
  /** The built front end; defaults to apps/taskr/dist/web. */
  webRoot?: string;
};

export function createTaskrApp(options: TaskrAppOptions) {
  const secure = options.baseUrl.startsWith("https:");
  const origin = new URL(options.baseUrl).origin;
  const webRoot = options.webRoot ?? fileURLToPath(new URL("../dist/web", import.meta.url));
  const app = new Hono<TaskrEnv>();

  app.use(
    secureHeaders({
      // Headers a handler chose (the connect popup's page) win over these defaults.
      overwrite: false,
      // same-origin-allow-popups keeps window.opener for the connect popup.
      crossOriginOpenerPolicy: "same-origin-allow-popups",
      referrerPolicy: "no-referrer",
      xFrameOptions: "DENY",
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        styleSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    }),
  );
  app.use(sessionMiddleware(options.db, secure));
  app.use("/auth/*", requireAppRequest(origin));
  app.use("/api/tasks/*", requireAppRequest(origin));
  app.use("/api/sequences/*", requireAppRequest(origin));
  app.use("/api/mcp/*", requireAppRequest(origin));
  app.route(
    "/auth",
    authRoutes({
      db: options.db,
      secure,
      baseUrl: options.baseUrl,
      signupMode: options.signupMode,
      trustedProxies: options.trustedProxies,
      passwords: createPasswords(options.hashingLimits),
      throttle: createThrottle(options.db),
    }),
  );
  app.route("/api/tasks", tasksRoutes(options.connections, options.attioApiUrl));
  app.route("/api/sequences", sequencesRoutes(options.connections));
  app.route("/api/mcp", mcpRoutes(options.connections, options.sandboxMcpUrl ?? null));
  app.route("/api/connections", options.connections.routes);
  app.use("/*", serveStatic({ root: webRoot }));
  // The front end routes itself: every other page is the app shell.
  app.get("*", serveStatic({ root: webRoot, path: "index.html" }));
  return app;
}
