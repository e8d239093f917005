import { Hono } from "hono";
import type { Callback, Connected } from "../connect/finish";
import { FlowError } from "../connect/finish";
import type { ConnectRequest, Started } from "../connect/start";
import { isIssuerKey } from "../oauth/redirect-uris";
import { ConnectionsError } from "../shared/errors";
import type { Identity } from "../shared/identity";
import { failureOf, POPUP_RESULT_SCRIPT, renderCallbackPage } from "./callback-page";
import { caller, type Env } from "./env";
import { errorBody } from "./error-response";
import { readJsonBody } from "./request-body";
import { connectBody, type FlowView } from "./schemas";

export type ConnectRoutesDeps = {
  start(identity: Identity, provider: string, request: ConnectRequest): Promise<Started>;
  finish(callback: Callback): Promise<Connected>;
  /** The flow as its own user may see it, or undefined. */
  flow(identity: Identity, flowId: string): Promise<FlowView | undefined>;
  appOrigin: string;
  /** Where the routes are mounted, as a path: the popup page loads its script from there. */
  mountPath: string;
};

/** The connect flow over HTTP: start, the provider's redirect back, and its outcome. */
export function connectRoutes(deps: ConnectRoutesDeps) {
  const app = new Hono<Env>();
  const popupScriptPath = `${deps.mountPath}/popup-result.js`;

  app.post("/connect/:provider", async (c) => {
    const identity = caller(c);
    const request = connectBody.parse(await readJsonBody(c, {}));
    return c.json(await deps.start(identity, c.req.param("provider"), request));
  });

  const callback = async (c: import("hono").Context<Env>) => {
    try {
      const done = await deps.finish({
        callbackUrl: new URL(c.req.url),
        arrivedKey: c.req.param("key") ?? null,
        identity: c.get("identity"),
      });
      if (done.flow.mode === "redirect") {
        return redirectBack(done.flow.returnTo, {
          x_connect: "success",
          provider: done.flow.provider,
        });
      }
      return renderCallbackPage(
        {
          type: "x-connect:result",
          nonce: done.flow.messageNonce,
          flowId: done.flow.id,
          provider: done.flow.provider,
          status: "success",
          connectionId: done.row.id,
        },
        deps.appOrigin,
        popupScriptPath,
      );
    } catch (error) {
      if (!(error instanceof FlowError)) throw error;
      const { flow } = error;
      if (flow?.mode === "redirect") {
        return redirectBack(flow.returnTo, {
          x_connect: "error",
          code: error.code,
          provider: flow.provider,
        });
      }
      if (!flow) return c.json(errorBody(error), 400);
      return renderCallbackPage(
        {
          type: "x-connect:result",
          nonce: flow.messageNonce,
          flowId: flow.id,
          provider: flow.provider,
          status: "error",
          error: failureOf(error.code),
        },
        deps.appOrigin,
        popupScriptPath,
      );
    }
  };
  app.get("/callback", callback);
  // One callback per authorization server the kit registered itself with (RFC 9700 §4.4.2.2).
  app.get("/callback/:key", (c) => {
    if (!isIssuerKey(c.req.param("key"))) throw new ConnectionsError("not_found", "No such route");
    return callback(c);
  });

  app.get("/popup-result.js", (c) => {
    c.header("content-type", "text/javascript; charset=utf-8");
    c.header("cache-control", "public, max-age=3600");
    return c.body(POPUP_RESULT_SCRIPT);
  });

  app.get("/flows/:flowId", async (c) => {
    const flow = await deps.flow(caller(c), c.req.param("flowId"));
    if (!flow) throw new ConnectionsError("not_found", "No such flow");
    return c.json(flow);
  });

  return app;
}

/** Back to the app's own page (already checked by safeReturnTo), with the outcome in the query. */
function redirectBack(returnTo: string | null, outcome: Record<string, string>): Response {
  const target = new URL(returnTo ?? "/", "http://placeholder");
  for (const [name, value] of Object.entries(outcome)) target.searchParams.set(name, value);
  return new Response(null, {
    status: 303,
    headers: {
      location: target.pathname + target.search + target.hash,
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
    },
  });
}
