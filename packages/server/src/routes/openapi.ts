import { type ZodType, z } from "zod";
import {
  addMcpServerBody,
  connectBody,
  connectionResponse,
  connectStartedResponse,
  errorResponse,
  flowResponse,
  mcpServerListResponse,
  mcpServerResponse,
  providerResponse,
  renameBody,
  secretBody,
} from "./schemas";

type JsonObject = Record<string, unknown>;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/**
 * The routes as an OpenAPI 3.1 document. Schemas come from the zod schemas the routes parse
 * with (request bodies as their input, responses as their output), so the two cannot drift.
 */
export function openApiDocument(serverUrl: string): JsonObject {
  return {
    openapi: "3.1.0",
    info: {
      title: "@x/server connections",
      version: "1",
      description:
        "The BFF routes @x/client calls. The caller is the host app's signed-in user. Every " +
        "non-GET request needs the header X-Connect-Request: 1 and, when the browser sends " +
        "Origin, the app's own origin. No route ever returns a token or a secret.",
    },
    servers: [{ url: serverUrl }],
    paths: {
      "/providers": {
        get: operation("get", "listProviders", "The providers this app can connect", {
          200: json(
            "The providers",
            object({ providers: { type: "array", items: ref("Provider") } }),
          ),
        }),
      },
      "/mcp-servers": {
        get: operation(
          "get",
          "listMcpServers",
          "The MCP servers added for the caller's tenant that the caller may see, each with its provider",
          { 200: json("The servers, oldest first", ref("McpServerList")) },
        ),
        post: operation(
          "post",
          "addMcpServer",
          "Add a remote MCP server for the caller's tenant: discovered and registered first",
          {
            200: json("The tenant already has this URL: the existing server", ref("McpServer")),
            201: json("Discovered, registered and saved", ref("McpServer")),
            ...errors(400, 403, 409, 502, 504),
          },
          { body: "AddMcpServerBody" },
        ),
      },
      "/connections": {
        get: operation(
          "get",
          "listConnections",
          "The caller's and the tenant's workspace connections",
          {
            200: json(
              "The connections",
              object({ connections: { type: "array", items: ref("Connection") } }),
            ),
          },
        ),
        post: operation(
          "post",
          "createSecretConnection",
          "Store a secret (API key) for a secret provider",
          {
            200: json(
              "Replaced the key of an existing connection",
              object({ connection: ref("Connection") }),
            ),
            201: json("Created", object({ connection: ref("Connection") })),
            ...errors(400, 403, 404),
          },
          { body: "SecretBody" },
        ),
      },
      "/connect/{provider}": {
        post: operation(
          "post",
          "startConnect",
          "Start an OAuth connect: returns the provider's authorize URL",
          {
            200: json("Started", ref("ConnectStarted")),
            ...errors(400, 403, 404, 409),
          },
          { body: "ConnectBody", optionalBody: true, parameters: [pathParameter("provider")] },
        ),
      },
      "/callback": {
        get: {
          operationId: "oauthCallback",
          summary: "The provider's redirect back (RFC 6749 §4.1.2)",
          parameters: ["code", "state", "iss", "error", "error_description"].map((name) => ({
            name,
            in: "query",
            required: false,
            schema: { type: "string" },
          })),
          responses: {
            200: { description: "Popup mode: a page that posts the outcome to the app origin" },
            303: {
              description: "Redirect mode: back to returnTo with x_connect=success|error",
              headers: { location: { schema: { type: "string" } } },
            },
            400: {
              description:
                "Unknown, used, expired or foreign state (JSON), or a failed popup flow (page)",
              content: {
                "application/json": { schema: ref("Error") },
                "text/html": { schema: { type: "string" } },
              },
            },
          },
        },
      },
      "/flows/{flowId}": {
        get: operation(
          "get",
          "getFlow",
          "A connect flow's outcome, for its own user only",
          { 200: json("The flow", ref("Flow")), ...errors(404) },
          { parameters: [pathParameter("flowId")] },
        ),
      },
      "/mcp-servers/{id}": {
        delete: operation(
          "delete",
          "removeMcpServer",
          "Revoke and delete the tenant's connections to an added MCP server, then remove it",
          { 204: { description: "Removed" }, ...errors(403, 404) },
          { parameters: [pathParameter("id")] },
        ),
      },
      "/callback/{key}": {
        get: {
          operationId: "oauthCallbackForIssuer",
          summary:
            "The redirect back for an MCP issuer the kit registered with (RFC 9700 §4.4.2.2)",
          parameters: [
            pathParameter("key"),
            ...["code", "state", "iss", "error", "error_description"].map((name) => ({
              name,
              in: "query",
              required: false,
              schema: { type: "string" },
            })),
          ],
          responses: {
            200: { description: "Popup mode: a page that posts the outcome to the app origin" },
            303: { description: "Redirect mode: back to returnTo with x_connect=success|error" },
            400: { description: "As GET /callback" },
          },
        },
      },
      "/oauth-clients/{key}": {
        get: {
          operationId: "clientMetadataDocument",
          summary: "The kit's Client ID Metadata Document at one MCP issuer (no sign-in needed)",
          parameters: [pathParameter("key")],
          responses: { 200: { description: "The document", content: { "application/json": {} } } },
        },
      },
      "/connections/{id}": {
        patch: operation(
          "patch",
          "renameConnection",
          "Rename a connection",
          {
            200: json("Renamed", object({ connection: ref("Connection") })),
            ...errors(400, 403, 404),
          },
          { body: "RenameBody", parameters: [pathParameter("id")] },
        ),
        delete: operation(
          "delete",
          "deleteConnection",
          "Revoke at the provider when it can, then delete",
          { 204: { description: "Deleted" }, ...errors(403, 404) },
          { parameters: [pathParameter("id")] },
        ),
      },
      "/connections/{id}/check": {
        post: operation(
          "post",
          "checkConnection",
          "Health check against the provider's identity endpoint",
          {
            200: json("Checked", object({ connection: ref("Connection") })),
            ...errors(403, 404, 409, 502, 504),
          },
          { parameters: [pathParameter("id")] },
        ),
      },
      "/openapi.json": {
        get: {
          operationId: "getOpenApi",
          summary: "This document (no sign-in needed)",
          responses: { 200: { description: "OpenAPI 3.1", content: { "application/json": {} } } },
        },
      },
    },
    components: {
      schemas: {
        ...componentSchemas(
          {
            ConnectBody: connectBody,
            SecretBody: secretBody,
            RenameBody: renameBody,
            AddMcpServerBody: addMcpServerBody,
          },
          "input",
        ),
        ...componentSchemas(
          {
            Provider: providerResponse,
            Connection: connectionResponse,
            ConnectStarted: connectStartedResponse,
            Flow: flowResponse,
            McpServer: mcpServerResponse,
            McpServerList: mcpServerListResponse,
            Error: errorResponse,
          },
          "output",
        ),
      },
      parameters: {
        csrfHeader: {
          name: "X-Connect-Request",
          in: "header",
          required: true,
          description: "Must be 1; a cross-site form cannot send it (403 csrf_rejected otherwise)",
          schema: { type: "string", const: "1" },
        },
      },
    },
  };
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

function operation(
  method: "get" | "post" | "patch" | "delete",
  operationId: string,
  summary: string,
  responses: JsonObject,
  options: { body?: string; optionalBody?: boolean; parameters?: JsonObject[] } = {},
): JsonObject {
  // csrfGuard: every method but GET needs the custom header.
  const mutates = method !== "get";
  return {
    operationId,
    summary,
    parameters: [
      ...(options.parameters ?? []),
      ...(mutates ? [{ $ref: "#/components/parameters/csrfHeader" }] : []),
    ],
    ...(options.body
      ? {
          requestBody: {
            required: !options.optionalBody,
            content: { "application/json": { schema: ref(options.body) } },
          },
        }
      : {}),
    responses: { ...responses, ...errors(401), ...(mutates ? errors(403) : {}) },
  };
}

const errorMeaning: Record<number, string> = {
  400: "invalid_request, invalid_secret, issuer_mismatch or origin_not_allowed",
  401: "unauthenticated: the host's identify() found no user",
  403: "csrf_rejected or forbidden",
  404: "unknown_provider or not_found",
  409: "provider_not_configured, connection_required, reauth_required, invalid_credential, mcp_server_exists or provider_name_taken",
  502: "provider_error, unsafe_url, response_too_large, mcp_discovery_failed, mcp_pkce_unsupported or mcp_registration_failed",
  504: "provider_unreachable",
};

function errors(...statuses: number[]): JsonObject {
  return Object.fromEntries(
    statuses.map((status) => [status, json(errorMeaning[status] ?? "Error", ref("Error"))]),
  );
}

function json(description: string, schema: JsonObject): JsonObject {
  return { description, content: { "application/json": { schema } } };
}

function object(properties: Record<string, JsonObject>): JsonObject {
  return { type: "object", properties, required: Object.keys(properties) };
}

function pathParameter(name: string): JsonObject {
  return { name, in: "path", required: true, schema: { type: "string" } };
}
