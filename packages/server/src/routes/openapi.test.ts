import { PGlite } from "@electric-sql/pglite";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_STATUS } from "../shared/errors";
import { createPgliteStore } from "../store/pglite-store";
import { createHost, json, MOUNT } from "../testing/harness";

const client = new PGlite();
let host: ReturnType<typeof createHost>;
// biome-ignore lint/suspicious/noExplicitAny: the assertions read the document
let document: any;

type Operation = {
  security: object[];
  parameters: Array<{ $ref?: string; name?: string; in?: string }>;
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};

/** The codes an operation's answer with `status` may carry, from its narrowed error schema. */
function codesAt(operation: Operation, status: number | string): string[] {
  const schema = operation.responses[status]?.content?.["application/json"]?.schema as
    | { allOf?: [unknown, { properties: { error: { properties: { code: { enum: string[] } } } } }] }
    | undefined;
  return schema?.allOf?.[1].properties.error.properties.code.enum ?? [];
}

/** Every operation of the document, as `method path` with its object. */
function operations(): Array<[string, Operation]> {
  return Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(
    ([path, item]) => Object.entries(item).map(([method, op]) => [`${method} ${path}`, op]),
  ) as Array<[string, Operation]>;
}

beforeAll(async () => {
  host = createHost({ store: createPgliteStore({ client }), sandboxUrl: "http://127.0.0.1:9" });
  document = await json(await host.app.request(`${MOUNT}/openapi.json`));
});

afterAll(async () => {
  await client.close();
});

describe("GET /openapi.json", () => {
  it("serves OpenAPI 3.1 without sign-in, valid by the OpenAPI 3.1 schema", async () => {
    const response = await host.app.request(`${MOUNT}/openapi.json`);
    expect(response.status).toBe(200);
    expect(document.openapi).toBe("3.1.0");
    expect(document.servers).toEqual([{ url: `http://localhost:3050${MOUNT}` }]);
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("names exactly the routes the app registers: none missing, none extra", () => {
    const registered = (routes: Array<{ method: string; path: string }>, prefix = "") =>
      routes
        .filter((route) => route.method !== "ALL")
        .map((route) => {
          const path = route.path.slice(prefix.length).replace(/:(\w+)/g, "{$1}");
          return `${route.method.toLowerCase()} ${path}`;
        })
        .sort();
    const documented = operations()
      .map(([name]) => name)
      .sort();
    expect(registered(host.connections.routes.routes)).toEqual(documented);
    // As the host mounts it too: what its own app routes under the mount.
    const mounted = host.app.routes.filter((route) => route.path.startsWith(MOUNT));
    expect(registered(mounted, MOUNT)).toEqual(documented);
    // What answers every method is middleware or the catch-all 404, on a wildcard.
    const everyMethod = host.connections.routes.routes.filter((route) => route.method === "ALL");
    expect(everyMethod.every((route) => route.path.endsWith("*"))).toBe(true);
    expect(documented).toContain("get /popup-result.js");
  });

  it("describes errors as { error: { code, message } }, code of exactly the set in shared/errors.ts", () => {
    const error = document.components.schemas.Error;
    expect(error.properties.error.required).toEqual(["code", "message"]);
    expect([...error.properties.error.properties.code.enum].sort()).toEqual(
      Object.keys(ERROR_STATUS).sort(),
    );
    for (const [name, operation] of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        const schema = response.content?.["application/json"]?.schema as { allOf?: unknown[] };
        if (!schema?.allOf) continue;
        expect(schema.allOf[0], `${name} ${status}`).toEqual({
          $ref: "#/components/schemas/Error",
        });
        const codes = codesAt(operation, status) as (keyof typeof ERROR_STATUS)[];
        expect(codes.length).toBeGreaterThan(0);
        for (const code of codes) expect(ERROR_STATUS[code], `${name}: ${code}`).toBe(+status);
      }
    }
  });

  it("lists the answers every route shares by its rules: 401, 403 csrf_rejected, 413, 400, 500", () => {
    const open = ["get /openapi.json", "get /callback", "get /callback/{key}"];
    const alsoOpen = ["get /oauth-clients/{key}", "get /popup-result.js"];
    for (const [name, operation] of operations()) {
      const signedIn = ![...open, ...alsoOpen].includes(name);
      expect(codesAt(operation, 401).includes("unauthenticated"), name).toBe(signedIn);
      const mutates = !name.startsWith("get ");
      expect(codesAt(operation, 403).includes("csrf_rejected"), name).toBe(mutates);
      expect(codesAt(operation, 413), name).toEqual(mutates ? ["payload_too_large"] : []);
      if (operation.requestBody) expect(codesAt(operation, 400), name).toContain("invalid_request");
      expect(codesAt(operation, 500), name).toContain("internal_error");
      const csrf = operation.parameters.some(
        (parameter) => parameter.$ref === "#/components/parameters/csrfHeader",
      );
      expect(csrf, name).toBe(mutates);
    }
    expect(document.components.parameters.csrfHeader).toMatchObject({
      name: "x-connect-request",
      in: "header",
      required: true,
      schema: { const: "1" },
    });
  });

  it("answers 503 store_unavailable where the route reaches the database, and says so", () => {
    const storeFree = ["get /openapi.json", "get /popup-result.js", "get /oauth-clients/{key}"];
    for (const [name, operation] of operations()) {
      const unavailable = JSON.stringify(operation.responses["503"] ?? {});
      expect(unavailable.includes('"store_unavailable"'), name).toBe(!storeFree.includes(name));
    }
  });

  it("declares the host's session as the security scheme, on every operation", () => {
    expect(document.components.securitySchemes.hostSession).toMatchObject({
      type: "apiKey",
      in: "cookie",
    });
    expect(document.security).toEqual([{ hostSession: [] }]);
    for (const [name, operation] of operations()) {
      expect(operation.security, name).toContainEqual({ hostSession: [] });
      const anonymous = operation.security.some((scheme) => Object.keys(scheme).length === 0);
      expect(anonymous, name).toBe(
        !JSON.stringify(operation.responses).includes("unauthenticated"),
      );
    }
  });

  it("describes bodies and responses with the schemas the routes parse with", () => {
    const { schemas } = document.components;
    expect(Object.keys(schemas).sort()).toEqual(
      [
        "AddMcpServerBody",
        "ClientMetadataDocument",
        "ConnectBody",
        "ConnectStarted",
        "Connection",
        "ConnectionEnvelope",
        "ConnectionList",
        "Error",
        "Flow",
        "McpServer",
        "McpServerList",
        "OpenApiDocument",
        "Provider",
        "ProviderList",
        "RenameBody",
        "SecretBody",
      ].sort(),
    );
    expect(schemas.SecretBody).toMatchObject({
      type: "object",
      additionalProperties: false,
      required: ["provider", "secret"],
    });
    expect(schemas.AddMcpServerBody).toMatchObject({
      additionalProperties: false,
      required: ["url"],
    });
    // An input: the defaults may be left out.
    expect(schemas.ConnectBody.required).toBeUndefined();
    expect(schemas.Connection.additionalProperties).toBe(false);
    expect(JSON.stringify(schemas)).not.toContain('"$schema"');

    const createSecret = document.paths["/connections"].post;
    expect(createSecret.requestBody).toEqual({
      required: true,
      content: { "application/json": { schema: { $ref: "#/components/schemas/SecretBody" } } },
    });
    expect(document.paths["/connect/{provider}"].post.requestBody.required).toBe(false);
    expect(createSecret.responses["201"].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/ConnectionEnvelope",
    });
    expect(schemas.ConnectionEnvelope).toMatchObject({
      properties: { connection: { $ref: "#/components/schemas/Connection" } },
      required: ["connection"],
    });
    const refs = JSON.stringify(document).match(/#\/components\/schemas\/\w+/g) ?? [];
    for (const ref of refs) expect(schemas).toHaveProperty(ref.split("/").at(-1) as string);
  });
});
