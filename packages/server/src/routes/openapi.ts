import { type ZodType, z } from "zod";
import type { ConnectionsErrorCode } from "../shared/errors";
import { CSRF_HEADER } from "./csrf";
import { byStatus, type Operation, type Reply, type Served } from "./operation";
import { MAX_BODY_BYTES } from "./request-body";
import {
  addMcpServerBody,
  clientMetadataResponse,
  connectBody,
  connectionEnvelope,
  connectionListResponse,
  connectionResponse,
  connectStartedResponse,
  errorResponse,
  flowResponse,
  mcpServerListResponse,
  mcpServerResponse,
  providerListResponse,
  providerResponse,
  renameBody,
  secretBody,
} from "./schemas";

type JsonObject = Record<string, unknown>;

/** What GET /openapi.json answers, as far as its own operation promises. */
export const openApiResponse = z.looseObject({
  openapi: z.literal("3.1.0"),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.looseObject({})),
});

/** Request bodies by their component name: as the routes read them (defaults optional). */
const REQUEST_BODIES: Record<string, ZodType> = {
  ConnectBody: connectBody,
  SecretBody: secretBody,
  RenameBody: renameBody,
  AddMcpServerBody: addMcpServerBody,
};

/** Answers by their component name: as the routes write them. */
const ANSWERS: Record<string, ZodType> = {
  Provider: providerResponse,
  ProviderList: providerListResponse,
  Connection: connectionResponse,
  ConnectionList: connectionListResponse,
  ConnectionEnvelope: connectionEnvelope,
  ConnectStarted: connectStartedResponse,
  Flow: flowResponse,
  McpServer: mcpServerResponse,
  McpServerList: mcpServerListResponse,
  ClientMetadataDocument: clientMetadataResponse,
  OpenApiDocument: openApiResponse,
  Error: errorResponse,
};

/** The host's session, as its identify(c) reads it: the kit never sees how it is carried. */
const SESSION = { hostSession: [] };

/** A code's cause, where the code alone does not say it. */
const MEANING: Partial<Record<ConnectionsErrorCode, string>> = {
  unauthenticated: "the host's identify() found no caller",
  csrf_rejected: `no ${CSRF_HEADER}: 1 header, or an Origin that is not the app's`,
  payload_too_large: `a body over ${MAX_BODY_BYTES} bytes, read or not`,
  invalid_request: "the body or a parameter failed validation; the message names it",
  store_unavailable: "the database cannot be reached",
  vault_unavailable: "a stored credential does not open with the keyring",
  internal_error: "anything unexpected; the host's logger has it",
};

/**
 * The routes as an OpenAPI 3.1 document, from the operations the app routes (`servedBy`): a
 * path, a method, a status or a body schema is written once, where the route is defined. The
 * schemas are the zod schemas the routes parse with (bodies as input) and answer in (output).
 */
export function openApiDocument(serverUrl: string, served: Served[]): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const { path, operation } of served) {
    const template = openApiPath(path);
    paths[template] = {
      ...paths[template],
      [operation.method]: describeOperation(operation, template),
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "@x/server connections",
      version: "1",
      description:
        "The BFF routes @x/client calls, relative to where the host mounts them. The caller is " +
        "the host app's signed-in user, from its own session. Every non-GET request needs the " +
        `header ${CSRF_HEADER}: 1 and, when the browser sends Origin, the app's own origin. ` +
        "Errors are { error: { code, message } } with a code of the closed set; any other path " +
        "answers 404 not_found. No route ever returns a token or a secret.",
    },
    servers: [{ url: serverUrl }],
    security: [SESSION],
    paths,
    components: {
      schemas: {
        ...componentSchemas(REQUEST_BODIES, "input"),
        ...componentSchemas(ANSWERS, "output"),
      },
      parameters: {
        csrfHeader: {
          name: CSRF_HEADER,
          in: "header",
          required: true,
          description: "Must be 1: a cross-site form cannot send it (403 csrf_rejected otherwise)",
          schema: { type: "string", const: "1" },
        },
      },
      securitySchemes: {
        hostSession: {
          type: "apiKey",
          in: "cookie",
          // The host's own cookie, whatever its name: the kit only calls identify(c).
          name: "session",
          description:
            "The host app's own session (its cookie, usually; `session` stands for its name), " +
            "read by the identify(c) the host passed to createConnections. The kit has no " +
            "sign-in of its own: without a caller, a route that needs one answers 401.",
        },
      },
    },
  };
}

function describeOperation(operation: Operation, path: string): JsonObject {
  const mutates = operation.method !== "get";
  const shared: ConnectionsErrorCode[] = [
    ...(operation.caller === "user" ? (["unauthenticated"] as const) : []),
    ...(mutates ? (["csrf_rejected", "payload_too_large"] as const) : []),
    ...(operation.body ? (["invalid_request"] as const) : []),
    "internal_error",
  ];
  const responses: Record<string, JsonObject> = {};
  for (const [status, reply] of Object.entries(operation.replies)) {
    responses[status] = describeReply(reply as Reply);
  }
  for (const [status, codes] of byStatus([...operation.errors, ...shared])) {
    const error = errorReply(codes);
    const page = responses[status];
    responses[status] = page
      ? {
          ...page,
          description: `${page.description}; otherwise JSON: ${error.description}`,
          content: { ...(page.content as JsonObject), ...(error.content as JsonObject) },
        }
      : error;
  }
  const query = Object.entries(operation.query ?? {}).map(([name, description]) => ({
    name,
    in: "query",
    required: false,
    description,
    schema: { type: "string" },
  }));
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    // A route for anyone still reads the session when there is one (the callback binds to it).
    security: operation.caller === "user" ? [SESSION] : [{}, SESSION],
    parameters: [
      ...pathParameters(path),
      ...query,
      ...(mutates ? [{ $ref: "#/components/parameters/csrfHeader" }] : []),
    ],
    ...(operation.body
      ? {
          requestBody: {
            required: operation.body.whenEmpty === undefined,
            content: {
              "application/json": { schema: refTo(operation.body.schema, REQUEST_BODIES) },
            },
          },
        }
      : {}),
    responses,
  };
}

function describeReply(reply: Reply): JsonObject {
  const headers = Object.entries(reply.headers ?? {}).map(([name, description]) => [
    name,
    { description, schema: { type: "string" } },
  ]);
  const content = reply.json
    ? { "application/json": { schema: refTo(reply.json, ANSWERS) } }
    : reply.media
      ? { [reply.media]: { schema: { type: "string" } } }
      : undefined;
  return {
    description: reply.description,
    ...(headers.length > 0 ? { headers: Object.fromEntries(headers) } : {}),
    ...(content ? { content } : {}),
  };
}

/** The kit's error, its code narrowed to those this status carries here. */
function errorReply(codes: string[]): JsonObject {
  const named = codes.map((code) => {
    const meaning = MEANING[code as ConnectionsErrorCode];
    return meaning ? `${code} (${meaning})` : code;
  });
  const narrowed = {
    type: "object",
    properties: { error: { type: "object", properties: { code: { enum: codes } } } },
  };
  return {
    description: named.join(", "),
    content: {
      "application/json": { schema: { allOf: [{ $ref: "#/components/schemas/Error" }, narrowed] } },
    },
  };
}

function refTo(schema: ZodType, names: Record<string, ZodType>): JsonObject {
  const name = Object.keys(names).find((candidate) => names[candidate] === schema);
  if (!name) throw new Error("openapi.ts: a route's schema has no component name");
  return { $ref: `#/components/schemas/${name}` };
}

/** Hono's `/connections/:id` as OpenAPI's `/connections/{id}`. */
function openApiPath(path: string): string {
  return path.replace(/:(\w+)(?=\/|$)/g, (_, name: string) => `{${name}}`);
}

function pathParameters(template: string): JsonObject[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((match) => ({
    name: match[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
}

function componentSchemas(
  schemas: Record<string, ZodType>,
  io: "input" | "output",
): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, { io, uri: (id) => `#/components/schemas/${id}` });
  // Each is embedded in the document, so the stand-alone $schema and $id would only mislead.
  return Object.fromEntries(
    Object.entries(generated.schemas).map(([id, { $schema, $id, ...schema }]) => [id, schema]),
  );
}
