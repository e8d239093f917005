import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { listVisibleConnections } from "../connections/repository";
import {
  assertMayManage,
  checkConnection,
  disconnectConnection,
  findVisible,
  renameVisible,
  saveSecretConnection,
  stepUpScopes,
} from "../connections/service";
import { toConnection } from "../connections/view";
import type { CredentialReader } from "../credentials/get-credential";
import { ConnectionsError } from "../errors";
import type { Identify, Identity } from "../identity";
import type { McpServerRegistry } from "../mcp/servers";
import { completeAuthorization, FlowError } from "../oauth/complete-authorization";
import { findFlow } from "../oauth/flows-repository";
import { isIssuerKey } from "../oauth/redirect-uris";
import { startAuthorization } from "../oauth/start-authorization";
import { describeProvider, isConfigured } from "../providers/types";
import type { Runtime } from "../runtime";
import type { McpServerRow } from "../store/schema";
import { failureOf, POPUP_RESULT_SCRIPT, renderCallbackPage } from "./callback-page";
import { csrfGuard } from "./csrf";
import { errorBody, toErrorResponse } from "./error-response";
import { openApiDocument } from "./openapi";
import { MAX_BODY_BYTES, readJsonBody } from "./request-body";
import { safeReturnTo } from "./return-to";
import { addMcpServerBody, connectBody, idParam, renameBody, secretBody } from "./schemas";

export type RoutesConfig = {
  identify: Identify;
  appOrigin: string;
  redirectUri: string;
  reader: CredentialReader;
  /** Served at /oauth-clients/:key: the kit's Client ID Metadata Document at one issuer (MCP). */
  clientMetadataDocument?: (key: string) => Record<string, unknown>;
  /** MCP servers added at run time, per tenant (`POST /mcp-servers`). */
  mcpServers: McpServerRegistry;
};

type Env = { Variables: { identity: Identity | null } };

export function createRoutes(runtime: Runtime, config: RoutesConfig) {
  const app = new Hono<Env>();
  app.onError(toErrorResponse);

  app.use(async (c, next) => {
    c.header("cache-control", "no-store");
    c.set("identity", await config.identify(c));
    await next();
    // RFC 9700 §4.16: nothing the kit serves may be framed; pages set a CSP of their own too.
    setIfAbsent(c.res.headers, "x-frame-options", "DENY");
    setIfAbsent(c.res.headers, "x-content-type-options", "nosniff");
  });
  app.use(csrfGuard(config.appOrigin));
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        toErrorResponse(
          new ConnectionsError(
            "payload_too_large",
            `The body is larger than ${MAX_BODY_BYTES} bytes`,
          ),
          c,
        ),
    }),
  );

  const serverUrl = config.redirectUri.replace(/\/callback$/, "");
  const popupScriptPath = `${new URL(serverUrl).pathname}/popup-result.js`;
  app.get("/openapi.json", (c) => c.json(openApiDocument(serverUrl)));
  const clientDocument = config.clientMetadataDocument;
  if (clientDocument) {
    app.get("/oauth-clients/:key", (c) => {
      const key = c.req.param("key");
      if (!isIssuerKey(key)) throw new ConnectionsError("not_found", "No such client document");
      c.header("cache-control", "public, max-age=3600");
      return c.json(clientDocument(key));
    });
  }

  const caller = (identity: Identity | null): Identity => {
    if (!identity) throw new ConnectionsError("unauthenticated", "Sign in first");
    return identity;
  };

  app.get("/providers", async (c) => {
    const identity = caller(c.get("identity"));
    const added = (await config.mcpServers.list(identity)).map(({ provider }) => provider);
    return c.json({
      providers: [...runtime.providers.values(), ...added].map(describeProvider),
    });
  });

  app.get("/mcp-servers", async (c) => {
    const identity = caller(c.get("identity"));
    const servers = await config.mcpServers.list(identity);
    return c.json({
      servers: servers.map(({ row, provider }) => ({
        ...toMcpServer(row),
        provider: describeProvider(provider),
      })),
    });
  });

  app.post("/mcp-servers", async (c) => {
    const identity = caller(c.get("identity"));
    const body = addMcpServerBody.parse(await readJsonBody(c));
    const { row, provider, created } = await config.mcpServers.add(identity, body);
    return c.json(
      { server: toMcpServer(row), provider: describeProvider(provider) },
      created ? 201 : 200,
    );
  });

  app.delete("/mcp-servers/:id", async (c) => {
    const identity = caller(c.get("identity"));
    await config.mcpServers.remove(identity, parseId(c.req.param("id"), "No such MCP server"));
    return c.body(null, 204);
  });

  app.get("/connections", async (c) => {
    const identity = caller(c.get("identity"));
    const rows = await listVisibleConnections(await runtime.db(), {
      tenantId: identity.tenantId,
      userId: identity.userId,
    });
    return c.json({ connections: rows.map(toConnection) });
  });

  app.post("/connect/:provider", async (c) => {
    const identity = caller(c.get("identity"));
    const name = c.req.param("provider");
    const provider = await runtime.findProvider(name, identity);
    if (!provider) throw new ConnectionsError("unknown_provider", "Unknown provider");
    await runtime.prepareProvider?.(provider, { rediscover: true });
    if (provider.kind !== "oauth2") {
      throw new ConnectionsError(
        "invalid_request",
        `${provider.displayName} takes a secret, not OAuth`,
        {
          provider: provider.name,
        },
      );
    }
    if (!isConfigured(provider)) {
      throw new ConnectionsError(
        "provider_not_configured",
        `${provider.displayName} needs its client id and secret set by the server admin`,
        { provider: provider.name },
      );
    }
    const body = connectBody.parse(await readJsonBody(c, {}));
    assertMayManage(identity, body.visibility);
    if (
      body.visibility === "workspace" &&
      !(await runtime.findProvider(name, { tenantId: identity.tenantId }))
    ) {
      throw new ConnectionsError(
        "invalid_request",
        `${provider.displayName} was added for one user: it cannot carry a workspace connection`,
      );
    }
    const returnTo = safeReturnTo(body.returnTo, config.appOrigin);
    if (body.returnTo !== undefined && returnTo === null) {
      throw new ConnectionsError(
        "invalid_request",
        "returnTo must be a path of this app, like /settings",
      );
    }
    const started = await startAuthorization(await runtime.db(), runtime.vault, {
      provider,
      identity,
      redirectUri: config.redirectUri,
      mode: body.mode,
      visibility: body.visibility,
      returnTo,
      ...(body.scopes
        ? {
            scopes: await stepUpScopes(runtime, identity, provider, body.visibility, body.scopes),
          }
        : {}),
    });
    return c.json(started);
  });

  const callback = async (c: Context<Env>) => {
    const callbackUrl = new URL(c.req.url);
    try {
      const done = await completeAuthorization(await runtime.db(), runtime.vault, {
        callbackUrl,
        arrivedKey: c.req.param("key") ?? null,
        identity: c.get("identity"),
        redirectUri: config.redirectUri,
        findProvider: runtime.findProvider,
        timeoutMs: runtime.timeoutMs,
        schedule: runtime,
      });
      const connection = toConnection(done.row);
      runtime.emit(
        done.created
          ? { type: "connection.created", connection }
          : {
              type: "connection.reconnected",
              connection,
              recovered: done.previous?.status !== "active",
            },
      );
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
        config.appOrigin,
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
        config.appOrigin,
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
    const identity = caller(c.get("identity"));
    const flow = await findFlow(await runtime.db(), c.req.param("flowId"));
    if (!flow || flow.userId !== identity.userId || flow.tenantId !== identity.tenantId) {
      throw new ConnectionsError("not_found", "No such flow");
    }
    return c.json({
      flowId: flow.id,
      status: flow.status,
      provider: flow.provider,
      ...(flow.connectionId ? { connectionId: flow.connectionId } : {}),
      ...(flow.errorCode ? { error: { code: flow.errorCode } } : {}),
    });
  });

  app.post("/connections", async (c) => {
    const identity = caller(c.get("identity"));
    const body = secretBody.parse(await readJsonBody(c));
    // A second key for the same provider replaces the first: 200, not a new resource.
    const { connection, created } = await saveSecretConnection(runtime, identity, body);
    return c.json({ connection }, created ? 201 : 200);
  });

  app.patch("/connections/:id", async (c) => {
    const identity = caller(c.get("identity"));
    const id = parseId(c.req.param("id"));
    const body = renameBody.parse(await readJsonBody(c));
    return c.json({ connection: await renameVisible(runtime, identity, id, body.name) });
  });

  app.delete("/connections/:id", async (c) => {
    const identity = caller(c.get("identity"));
    const row = await findVisible(runtime, identity, parseId(c.req.param("id")));
    assertMayManage(identity, row.visibility);
    await disconnectConnection(runtime, row);
    return c.body(null, 204);
  });

  app.post("/connections/:id/check", async (c) => {
    const identity = caller(c.get("identity"));
    const row = await findVisible(runtime, identity, parseId(c.req.param("id")));
    return c.json({ connection: await checkConnection(runtime, row, config.reader) });
  });

  // Last, and a route rather than notFound(): a host's app.route() keeps only the sub-app's routes.
  app.all("*", () => {
    throw new ConnectionsError("not_found", "No such route");
  });

  return app;
}

function toMcpServer(row: McpServerRow) {
  return {
    id: row.id,
    name: row.name,
    displayName: row.displayName,
    url: row.url,
    visibility: row.visibility,
    createdAt: row.createdAt.toISOString(),
  };
}

function setIfAbsent(headers: Headers, name: string, value: string): void {
  if (!headers.has(name)) headers.set(name, value);
}

function parseId(value: string, notFound = "No such connection"): string {
  const parsed = idParam.safeParse(value);
  if (!parsed.success) throw new ConnectionsError("not_found", notFound);
  return parsed.data;
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
