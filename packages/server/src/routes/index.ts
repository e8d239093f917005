import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ConnectionsError } from "../shared/errors";
import type { Identify } from "../shared/identity";
import type { Logger } from "../shared/logger";
import { type ConnectRoutesDeps, connectRoutes } from "./connect-routes";
import { type ConnectionsRoutesDeps, connectionsRoutes } from "./connections-routes";
import { csrfGuard } from "./csrf";
import type { Env } from "./env";
import { errorBody, errorHandler } from "./error-response";
import { openApiDocument, openApiResponse } from "./openapi";
import { serve, servedBy } from "./operation";
import { type ProvidersRoutesDeps, providersRoutes } from "./providers-routes";
import { MAX_BODY_BYTES } from "./request-body";

export type RoutesDeps = {
  identify: Identify;
  appOrigin: string;
  /** The routes' public URL: baseUrl + mount. */
  root: string;
  logger: Logger;
  connect: Omit<ConnectRoutesDeps, "appOrigin" | "mountPath">;
  connections: ConnectionsRoutesDeps;
  providers: ProvidersRoutesDeps;
};

/**
 * The kit's HTTP surface, for the host to mount with `app.route(mount, connections.routes)`:
 * the caller from the host's session, security headers, CSRF, a body limit and one error
 * mapping around sub-apps of one concern each.
 */
export function createRoutes(deps: RoutesDeps): Hono<Env> {
  const app = new Hono<Env>();
  app.onError(
    errorHandler((error, c) =>
      deps.logger.error(
        { err: error, method: c.req.method, route: c.req.routePath },
        "@x/server: unexpected error in a route",
      ),
    ),
  );
  app.use(async (c, next) => {
    c.header("cache-control", "no-store");
    c.set("identity", await deps.identify(c));
    await next();
    // RFC 9700 §4.16: nothing the kit serves may be framed; pages set a CSP of their own too.
    setIfAbsent(c.res.headers, "x-frame-options", "DENY");
    setIfAbsent(c.res.headers, "x-content-type-options", "nosniff");
  });
  app.use(
    csrfGuard(deps.appOrigin, (reason) =>
      deps.logger.warn({ reason }, "@x/server: refused a cross-site request"),
    ),
  );
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => {
        const error = new ConnectionsError(
          "payload_too_large",
          `The body is larger than ${MAX_BODY_BYTES} bytes`,
        );
        return c.json(errorBody(error), 413);
      },
    }),
  );
  let document: Record<string, unknown> | undefined;
  serve(app, {
    method: "get",
    path: "/openapi.json",
    operationId: "getOpenApi",
    summary: "This document, made from the routes as they are registered (no sign-in needed)",
    caller: "anyone",
    replies: { 200: { description: "OpenAPI 3.1", json: openApiResponse } },
    errors: [],
    handle: (c) => {
      document ??= openApiDocument(deps.root, servedBy(app));
      return c.json(document, 200);
    },
  });
  const mountPath = new URL(deps.root).pathname;
  app.route("/", connectRoutes({ ...deps.connect, appOrigin: deps.appOrigin, mountPath }));
  app.route("/", connectionsRoutes(deps.connections));
  app.route("/", providersRoutes(deps.providers));
  // Last, and a route rather than notFound(): a host's app.route() keeps only the sub-app's routes.
  app.all("*", () => {
    throw new ConnectionsError("not_found", "No such route");
  });
  return app;
}

function setIfAbsent(headers: Headers, name: string, value: string): void {
  if (!headers.has(name)) headers.set(name, value);
}
