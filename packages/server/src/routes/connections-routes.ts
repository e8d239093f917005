import { Hono } from "hono";
import type { SecretInput } from "../connect/secret";
import { ConnectionsError } from "../shared/errors";
import type { Identity } from "../shared/identity";
import type { Env } from "./env";
import { OUTBOUND, STORE, serve, VAULT } from "./operation";
import {
  type ConnectionView,
  connectionEnvelope,
  connectionListResponse,
  idParam,
  renameBody,
  secretBody,
} from "./schemas";

export type ConnectionsRoutesDeps = {
  /** The caller's user connections and the tenant's workspace ones. */
  list(identity: Identity): Promise<ConnectionView[]>;
  saveSecret(
    identity: Identity,
    input: SecretInput,
  ): Promise<{ connection: ConnectionView; created: boolean }>;
  rename(identity: Identity, id: string, name: string): Promise<ConnectionView>;
  disconnect(identity: Identity, id: string): Promise<void>;
  check(identity: Identity, id: string): Promise<ConnectionView>;
};

/** The caller's connections: list, secrets, rename, disconnect, health check. */
export function connectionsRoutes(deps: ConnectionsRoutesDeps) {
  const app = new Hono<Env>();

  serve(app, {
    method: "get",
    path: "/connections",
    operationId: "listConnections",
    summary: "The caller's and the tenant's workspace connections",
    caller: "user",
    replies: { 200: { description: "The connections", json: connectionListResponse } },
    errors: [...STORE],
    handle: async (c, { identity }) => c.json({ connections: await deps.list(identity) }, 200),
  });

  serve(app, {
    method: "post",
    path: "/connections",
    operationId: "createSecretConnection",
    summary: "Store a secret (API key) for a secret provider",
    caller: "user",
    body: { schema: secretBody },
    replies: {
      200: { description: "Replaced the key of an existing connection", json: connectionEnvelope },
      201: { description: "Created", json: connectionEnvelope },
    },
    errors: [
      "unknown_provider",
      "invalid_request",
      "invalid_secret",
      "forbidden",
      ...STORE,
      ...VAULT,
    ],
    handle: async (c, { identity, body }) => {
      // A second key for the same provider replaces the first: 200, not a new resource.
      const { connection, created } = await deps.saveSecret(identity, await body());
      return c.json({ connection }, created ? 201 : 200);
    },
  });

  serve(app, {
    method: "patch",
    path: "/connections/:id",
    operationId: "renameConnection",
    summary: "Rename a connection",
    caller: "user",
    body: { schema: renameBody },
    replies: { 200: { description: "Renamed", json: connectionEnvelope } },
    errors: ["not_found", "forbidden", ...STORE],
    handle: async (c, { identity, body }) => {
      const id = parseId(c.req.param("id"));
      const { name } = await body();
      return c.json({ connection: await deps.rename(identity, id, name) }, 200);
    },
  });

  serve(app, {
    method: "delete",
    path: "/connections/:id",
    operationId: "deleteConnection",
    summary: "Revoke at the provider when it can, then delete",
    caller: "user",
    replies: { 204: { description: "Deleted" } },
    errors: ["not_found", "forbidden", ...STORE, ...VAULT],
    handle: async (c, { identity }) => {
      await deps.disconnect(identity, parseId(c.req.param("id")));
      return c.body(null, 204);
    },
  });

  serve(app, {
    method: "post",
    path: "/connections/:id/check",
    operationId: "checkConnection",
    summary: "Health check against the provider's identity endpoint",
    caller: "user",
    replies: { 200: { description: "Checked", json: connectionEnvelope } },
    errors: ["not_found", "invalid_credential", ...STORE, ...VAULT, ...OUTBOUND],
    handle: async (c, { identity }) =>
      c.json({ connection: await deps.check(identity, parseId(c.req.param("id"))) }, 200),
  });

  return app;
}

export function parseId(value: string, notFound = "No such connection"): string {
  const parsed = idParam.safeParse(value);
  if (!parsed.success) throw new ConnectionsError("not_found", notFound);
  return parsed.data;
}
