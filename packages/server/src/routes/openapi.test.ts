import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgliteStore } from "../store/pglite-store";
import { createHost, json, MOUNT } from "../testing/harness";

const client = new PGlite();
let host: ReturnType<typeof createHost>;

beforeAll(() => {
  host = createHost({ store: createPgliteStore({ client }), sandboxUrl: "http://127.0.0.1:9" });
});

afterAll(async () => {
  await client.close();
});

/** Every route of docs/http-api.md, as OpenAPI spells it. */
const ROUTES = [
  "get /providers",
  "get /connections",
  "post /connect/{provider}",
  "get /callback",
  "get /flows/{flowId}",
  "post /connections",
  "patch /connections/{id}",
  "delete /connections/{id}",
  "post /connections/{id}/check",
  "get /mcp-servers",
  "post /mcp-servers",
  "delete /mcp-servers/{id}",
  "get /callback/{key}",
  "get /oauth-clients/{key}",
];

describe("GET /openapi.json", () => {
  it("serves OpenAPI 3.1 without sign-in, listing every route of the HTTP contract", async () => {
    const response = await host.app.request(`${MOUNT}/openapi.json`);
    expect(response.status).toBe(200);
    const document = JSON.parse(await response.text());
    expect(document.openapi).toBe("3.1.0");
    expect(document.servers).toEqual([{ url: `http://localhost:3050${MOUNT}` }]);
    const listed = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => `${method} ${path}`),
    );
    expect(listed).toEqual(expect.arrayContaining(ROUTES));
  });

  it("describes bodies and responses with the schemas the routes parse with", async () => {
    const document = await json(await host.app.request(`${MOUNT}/openapi.json`));
    const { schemas } = document.components;
    expect(Object.keys(schemas).sort()).toEqual(
      [
        "AddMcpServerBody",
        "ConnectBody",
        "ConnectStarted",
        "Connection",
        "Error",
        "Flow",
        "McpServer",
        "McpServerList",
        "Provider",
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
    expect(schemas.Connection.additionalProperties).toBe(false);
    expect(schemas.Error.properties.error.required).toEqual(["code", "message"]);
    expect(JSON.stringify(schemas)).not.toContain('"$schema"');

    const createSecret = document.paths["/connections"].post;
    expect(createSecret.requestBody.content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/SecretBody",
    });
    expect(createSecret.responses["201"].content["application/json"].schema).toEqual({
      type: "object",
      properties: { connection: { $ref: "#/components/schemas/Connection" } },
      required: ["connection"],
    });
    expect(createSecret.parameters).toContainEqual({ $ref: "#/components/parameters/csrfHeader" });
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(
        item as Record<string, { responses: object }>,
      )) {
        // Served without a sign-in: the document, the provider's redirect, the client documents.
        const open = ["/openapi.json", "/callback", "/callback/{key}", "/oauth-clients/{key}"];
        if (open.includes(path)) continue;
        expect(operation.responses, `${method} ${path}`).toHaveProperty("401");
      }
    }
    const refs = JSON.stringify(document).match(/#\/components\/schemas\/\w+/g) ?? [];
    for (const ref of refs) expect(schemas).toHaveProperty(ref.split("/").at(-1) as string);
  });
});
