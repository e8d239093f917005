import { type Context, Hono, type TypedResponse } from "hono";
import type { Callback, Connected } from "../connect/finish";
import { FlowError } from "../connect/finish";
import type { ConnectRequest, Started } from "../connect/start";
import { isIssuerKey } from "../oauth/redirect-uris";
import { ConnectionsError } from "../shared/errors";
import type { Identity } from "../shared/identity";
import { failureOf, POPUP_RESULT_SCRIPT, renderCallbackPage } from "./callback-page";
import type { Env } from "./env";
import { errorBody } from "./error-response";
import { DISCOVERY, STORE, serve, VAULT } from "./operation";
import { connectBody, connectStartedResponse, type FlowView, flowResponse } from "./schemas";

export type ConnectRoutesDeps = {
  start(identity: Identity, provider: string, request: ConnectRequest): Promise<Started>;
  finish(callback: Callback): Promise<Connected>;
  /** The flow as its own user may see it, or undefined. */
  flow(identity: Identity, flowId: string): Promise<FlowView | undefined>;
  appOrigin: string;
  /** Where the routes are mounted, as a path: the popup page loads its script from there. */
  mountPath: string;
};

const CALLBACK_QUERY = {
  code: "The authorization code (RFC 6749 §4.1.2)",
  state: "The state the flow was started with",
  iss: "The issuer that answered (RFC 9207)",
  error: "The provider's error code (RFC 6749 §4.1.2.1)",
  error_description: "The provider's words for it: never shown",
};

const CALLBACK_REPLIES = {
  200: { description: "Popup mode: a page that posts the outcome to the app", media: "text/html" },
  303: {
    description: "Redirect mode: back to returnTo with x_connect=success|error",
    headers: { location: "returnTo, with the outcome in its query" },
  },
  400: { description: "Popup mode, a failed flow: the page posts the error", media: "text/html" },
} as const;

/** The connect flow over HTTP: start, the provider's redirect back, and its outcome. */
export function connectRoutes(deps: ConnectRoutesDeps) {
  const app = new Hono<Env>();
  const popupScriptPath = `${deps.mountPath}/popup-result.js`;

  serve(app, {
    method: "post",
    path: "/connect/:provider",
    operationId: "startConnect",
    summary: "Start an OAuth connect: returns the provider's authorize URL",
    caller: "user",
    body: { schema: connectBody, whenEmpty: {} },
    replies: { 200: { description: "Started", json: connectStartedResponse } },
    errors: [
      "unknown_provider",
      "invalid_request",
      "provider_not_configured",
      "forbidden",
      ...STORE,
      ...VAULT,
      ...DISCOVERY,
    ],
    handle: async (c, { identity, body }) =>
      c.json(await deps.start(identity, c.req.param("provider"), await body()), 200),
  });

  const callback = async (c: Context<Env>, identity: Identity | null) => {
    try {
      const done = await deps.finish({
        callbackUrl: new URL(c.req.url),
        arrivedKey: c.req.param("key") ?? null,
        identity,
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
      // Without a flow the caller may know of, the only failure is the state's.
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
  serve(app, {
    method: "get",
    path: "/callback",
    operationId: "oauthCallback",
    summary: "The provider's redirect back (RFC 6749 §4.1.2)",
    caller: "anyone",
    query: CALLBACK_QUERY,
    replies: CALLBACK_REPLIES,
    errors: ["invalid_state", ...STORE],
    handle: (c, { identity }) => callback(c, identity),
  });
  // One callback per authorization server the kit registered itself with (RFC 9700 §4.4.2.2).
  serve(app, {
    method: "get",
    path: "/callback/:key",
    operationId: "oauthCallbackForIssuer",
    summary: "The redirect back for an MCP issuer the kit registered with (RFC 9700 §4.4.2.2)",
    caller: "anyone",
    query: CALLBACK_QUERY,
    replies: CALLBACK_REPLIES,
    errors: ["invalid_state", "not_found", ...STORE],
    handle: (c, { identity }) => {
      if (!isIssuerKey(c.req.param("key"))) {
        throw new ConnectionsError("not_found", "No such route");
      }
      return callback(c, identity);
    },
  });

  serve(app, {
    method: "get",
    path: "/popup-result.js",
    operationId: "popupResultScript",
    summary: "The callback page's script, a file so the host's CSP (script-src 'self') allows it",
    caller: "anyone",
    replies: { 200: { description: "The script", media: "text/javascript" } },
    errors: [],
    handle: (c) => {
      c.header("content-type", "text/javascript; charset=utf-8");
      c.header("cache-control", "public, max-age=3600");
      return c.body(POPUP_RESULT_SCRIPT, 200);
    },
  });

  serve(app, {
    method: "get",
    path: "/flows/:flowId",
    operationId: "getFlow",
    summary: "A connect flow's outcome, for its own user only",
    caller: "user",
    replies: { 200: { description: "The flow", json: flowResponse } },
    errors: ["not_found", ...STORE],
    handle: async (c, { identity }) => {
      const flow = await deps.flow(identity, c.req.param("flowId"));
      if (!flow) throw new ConnectionsError("not_found", "No such flow");
      return c.json(flow, 200);
    },
  });

  return app;
}

/** Back to the app's own page (already checked by safeReturnTo), with the outcome in the query. */
function redirectBack(
  returnTo: string | null,
  outcome: Record<string, string>,
): Response & TypedResponse<null, 303, "redirect"> {
  const target = new URL(returnTo ?? "/", "http://placeholder");
  for (const [name, value] of Object.entries(outcome)) target.searchParams.set(name, value);
  const response = new Response(null, {
    status: 303,
    headers: {
      location: target.pathname + target.search + target.hash,
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
    },
  });
  return response as typeof response & TypedResponse<null, 303, "redirect">;
}
