import { Hono } from "hono";
import { selfRoutes } from "./attio/self";
import { taskRoutes } from "./attio/tasks";
import { createClientRegistry, defaultSandboxClient, type SandboxClient } from "./clients";
import type { SandboxContext } from "./context";
import { controlRoutes } from "./control";
import { errorResponse } from "./error-responses";
import { createKnobs, type SandboxKnobs } from "./knobs";
import { latency } from "./latency";
import { authorizeRoutes } from "./oauth/authorize";
import { createGrantStore } from "./oauth/grants";
import { metadataRoutes } from "./oauth/metadata";
import { revokeRoutes } from "./oauth/revoke";
import { tokenRoutes } from "./oauth/token";
import { type SandboxState, stateOf } from "./state-file";
import { createStats, type SandboxStats } from "./stats";
import { createWorkspace } from "./workspace";

export type SandboxAppOptions = {
  /** The sandbox's own origin, e.g. "http://127.0.0.1:3051"; also the RFC 9207 issuer. */
  issuer: string;
  clients?: SandboxClient[];
  knobs?: Partial<SandboxKnobs>;
  workspaceName?: string;
  /** Clock in milliseconds; tests pass one to step past code and token lifetimes. */
  now?: () => number;
  /** Clients, grants and tokens from before a restart (see `state()`). */
  savedState?: SandboxState;
};

export type SandboxApp = {
  app: Hono;
  issuer: string;
  knobs: SandboxKnobs;
  stats: SandboxStats;
  revokeAll(): void;
  expireAccessTokens(): void;
  /** What a restart needs to keep honouring the tokens issued so far. */
  state(): SandboxState;
};

/** The sandbox without a listener, for app.request() in-process or any Hono-compatible server. */
export function createSandboxApp(options: SandboxAppOptions): SandboxApp {
  const now = options.now ?? Date.now;
  const clients = options.clients ?? [defaultSandboxClient];
  const context: SandboxContext = {
    issuer: options.issuer.replace(/\/+$/, ""),
    clients: createClientRegistry(clients, options.savedState?.clients),
    knobs: createKnobs(options.knobs),
    stats: createStats(),
    store: createGrantStore(now, options.savedState?.grants),
    workspace: createWorkspace(options.workspaceName ?? "Acme Sandbox"),
  };
  const app = new Hono();
  app.use("/oauth/*", latency(context.knobs));
  app.use("/v2/*", latency(context.knobs));
  app.route("/", metadataRoutes(context));
  app.route("/", authorizeRoutes(context));
  app.route("/", tokenRoutes(context));
  app.route("/", revokeRoutes(context));
  app.route("/", selfRoutes(context));
  app.route("/", taskRoutes(context));
  app.route("/", controlRoutes(context));
  app.notFound((c) => c.json({ error: { code: "not_found", message: "no such endpoint" } }, 404));
  app.onError(errorResponse);
  return {
    app,
    issuer: context.issuer,
    knobs: context.knobs,
    stats: context.stats,
    revokeAll: () => context.store.revokeAll(),
    expireAccessTokens: () => context.store.expireAccessTokens(),
    state: () => stateOf(context.clients, clients, context.store),
  };
}
