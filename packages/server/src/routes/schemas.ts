import { z } from "zod";
import { type ConnectionsErrorCode, ERROR_CODES } from "../shared/errors";

const visibility = z.enum(["user", "workspace"]);

/** RFC 6749 §3.3 scope-token: printable ASCII without space, `"` or `\`. */
const scopeToken = z
  .string()
  .regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,200}$/, "each scope must be a scope token (RFC 6749 §3.3)");

// Request bodies. Strict: an unknown key (a typo, or "__proto__") is a 400, never ignored.

export const connectBody = z
  .object({
    mode: z.enum(["popup", "redirect"]).default("popup"),
    visibility: visibility.default("user"),
    returnTo: z.string().max(2048).optional(),
    /**
     * Step-up: scopes to ask for on top of the provider's and those the connection already
     * holds (an InsufficientScopeError's `scopes`). The same connection is updated.
     */
    scopes: z.array(scopeToken).max(50).optional(),
  })
  .strict();

export const secretBody = z
  .object({
    provider: z.string().min(1).max(100),
    secret: z.string().min(1, "the secret is empty").max(16_384),
    visibility: visibility.default("user"),
    name: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

export const addMcpServerBody = z
  .object({
    url: z.string().trim().min(1).max(2048),
    visibility: visibility.default("user"),
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/, "must be kebab-case")
      .max(64)
      .optional(),
    displayName: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

export const renameBody = z.object({ name: z.string().trim().min(1).max(200) }).strict();

export const idParam = z.string().uuid();

// Responses: what docs/http-api.md promises, and what GET /openapi.json publishes. The server's
// types for them come from here, and @x/client's are checked against them (contract test).

export const errorResponse = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    provider: z.string().optional(),
    /** insufficient_scope: what the provider said the request needs. */
    scopes: z.array(z.string()).optional(),
  }),
});

export const providerResponse = z.object({
  name: z.string(),
  displayName: z.string(),
  kind: z.enum(["oauth2", "secret"]),
  configured: z.boolean(),
  scopes: z.array(z.string()),
  iconUrl: z.string().optional(),
});

/** Strict, so a test parsing every route's output proves no token field slipped in. */
export const connectionResponse = z
  .object({
    id: z.string(),
    provider: z.string(),
    visibility,
    tenantId: z.string(),
    userId: z.string().nullable(),
    scopes: z.array(z.string()),
    name: z.string().nullable(),
    handle: z.string().nullable(),
    status: z.enum(["active", "auth_failed", "revoked"]),
    authFailedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    lastRefreshedAt: z.iso.datetime().nullable(),
  })
  .strict();

const mcpServer = z.object({
  id: z.string(),
  name: z.string(),
  displayName: z.string(),
  url: z.string(),
  visibility,
  createdAt: z.iso.datetime(),
});

export const mcpServerWithProvider = mcpServer.extend({ provider: providerResponse });

export const mcpServerResponse = z.object({ server: mcpServer, provider: providerResponse });

export const mcpServerListResponse = z.object({ servers: z.array(mcpServerWithProvider) });

export const providerListResponse = z.object({ providers: z.array(providerResponse) });

export const connectionListResponse = z.object({ connections: z.array(connectionResponse) });

/** What a route that saved, renamed or checked one connection answers. */
export const connectionEnvelope = z.object({ connection: connectionResponse });

/** draft-ietf-oauth-client-id-metadata-document §4: mcp/client-metadata-document.ts. */
export const clientMetadataResponse = z.looseObject({
  client_id: z.url(),
  client_name: z.string(),
  client_uri: z.url(),
  redirect_uris: z.array(z.url()),
  grant_types: z.array(z.string()),
  response_types: z.array(z.string()),
  token_endpoint_auth_method: z.literal("none"),
});

export const connectStartedResponse = z.object({
  authorizeUrl: z.url(),
  flowId: z.string(),
  nonce: z.string(),
  resultOrigin: z.url(),
});

export const flowResponse = z.object({
  flowId: z.string(),
  status: z.enum(["pending", "success", "error"]),
  provider: z.string(),
  connectionId: z.string().optional(),
  error: z.object({ code: z.enum(ERROR_CODES) }).optional(),
});

// The wire types, written out so the public declarations show shapes, not schema internals; each
// must be exactly its schema's output, or this file does not compile (and neither does the
// contract test of @x/client's types, which compares them with these).

export type ErrorBody = {
  error: {
    code: ConnectionsErrorCode;
    message: string;
    provider?: string | undefined;
    /** insufficient_scope: what the provider said the request needs. */
    scopes?: string[] | undefined;
  };
};

/** The public description of a provider: what `GET /providers` returns. */
export type ProviderView = {
  name: string;
  displayName: string;
  kind: "oauth2" | "secret";
  /** false: "needs server admin"; connecting is disabled. */
  configured: boolean;
  scopes: string[];
  iconUrl?: string | undefined;
};

/** A connection as callers see it: never a token. */
export type ConnectionView = {
  id: string;
  provider: string;
  visibility: "user" | "workspace";
  tenantId: string;
  /** The owner of a user connection; who connected a workspace one. */
  userId: string | null;
  scopes: string[];
  /** Display name, from the identity endpoint, renamable. */
  name: string | null;
  /** The account's handle or e-mail at the provider. */
  handle: string | null;
  status: "active" | "auth_failed" | "revoked";
  /** ISO 8601, as every time here. */
  authFailedAt: string | null;
  createdAt: string;
  lastRefreshedAt: string | null;
};

/** An MCP server added at run time, with the provider it is connected by. */
export type McpServerView = {
  id: string;
  name: string;
  displayName: string;
  url: string;
  visibility: "user" | "workspace";
  createdAt: string;
  provider: ProviderView;
};

export type ConnectStartedView = {
  authorizeUrl: string;
  flowId: string;
  nonce: string;
  /** The origin the popup's result message comes from: the callback's, baseUrl's. */
  resultOrigin: string;
};

export type FlowView = {
  flowId: string;
  status: "pending" | "success" | "error";
  provider: string;
  connectionId?: string | undefined;
  error?: { code: ConnectionsErrorCode } | undefined;
};

type Same<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Holds<Check extends true> = Check;

/** Compile-time only: each declared wire type is its schema's output, field for field. */
export type WireTypesMatchSchemas = [
  Holds<Same<z.infer<typeof errorResponse>, ErrorBody>>,
  Holds<Same<z.infer<typeof providerResponse>, ProviderView>>,
  Holds<Same<z.infer<typeof connectionResponse>, ConnectionView>>,
  Holds<Same<z.infer<typeof mcpServerWithProvider>, McpServerView>>,
  Holds<Same<z.infer<typeof connectStartedResponse>, ConnectStartedView>>,
  Holds<Same<z.infer<typeof flowResponse>, FlowView>>,
];
