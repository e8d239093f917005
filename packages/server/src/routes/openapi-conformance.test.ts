import { createServer } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import { type McpSandbox, type Sandbox, startMcpSandbox, startSandbox } from "@x/sandbox";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secret } from "../providers/secret";
import { createPgliteStore } from "../store/pglite-store";
import { createPostgresStore } from "../store/postgres-store";
import type { Store } from "../store/store";
import { asUser, consent, createHost, json, MOUNT, sandboxAttio } from "../testing/harness";
import { MAX_BODY_BYTES } from "./request-body";

// The document is only as good as the answers it predicts: every answer the routes give here,
// happy or not, must be one GET /openapi.json declares for that operation, in its schema.

type Responses = Record<string, { content?: Record<string, unknown> }>;
type Document = {
  paths: Record<string, Record<string, { responses: Responses; requestBody?: unknown }>>;
  components: { schemas: Record<string, object> };
};

let sandbox: Sandbox;
let mcpSandbox: McpSandbox;
const client = new PGlite();
let host: ReturnType<typeof hostWith>;
let document: Document;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
/** `method template status` of every answer checked. */
const seen = new Set<string>();
const SOME_ID = "00000000-0000-4000-8000-000000000000";
const SOME_KEY = "abcdefghijklmnop";

function hostWith(store: Store) {
  return createHost({
    store,
    sandboxUrl: sandbox.url,
    providers: [
      sandboxAttio(sandbox.url),
      secret({ name: "mail-sequencer", displayName: "Mail sequencer" }),
    ],
    settings: { mcp: { allowPrivateNetwork: true } },
  });
}

beforeAll(async () => {
  sandbox = await startSandbox();
  mcpSandbox = await startMcpSandbox({ mcpKnobs: { clientIdMetadataDocuments: false } });
  host = hostWith(createPgliteStore({ client }));
  await host.connections.ready();
  document = await json(await host.app.request(`${MOUNT}/openapi.json`));
  ajv.addSchema(document, "openapi");
});

afterAll(async () => {
  await host.connections.close();
  await mcpSandbox.close();
  await sandbox.close();
});

/** The operation a request lands on: its path template, as the document spells it. */
function templateOf(method: string, path: string): string {
  const matches = Object.keys(document.paths).filter((template) => {
    const pattern = template.replace(/\{\w+\}/g, "[^/]+").replace(/\./g, "\\.");
    return new RegExp(`^${pattern}$`).test(path) && document.paths[template]?.[method];
  });
  expect(matches, `${method} ${path}`).toHaveLength(1);
  return matches[0]!;
}

/** Fails unless the document declares this answer: its status, its media type, its body. */
async function expectDeclared(response: Response, method: string, url: string) {
  const path = new URL(url, "http://x").pathname.slice(MOUNT.length);
  const template = templateOf(method, path);
  const where = `${method} ${path} answered ${response.status}`;
  const declared = document.paths[template]![method]!.responses[response.status];
  expect(declared, `${where}: not in the document`).toBeDefined();
  seen.add(`${method} ${template} ${response.status}`);
  const media = response.headers.get("content-type")?.split(";")[0];
  if (!declared?.content) {
    expect(await response.clone().text(), `${where}: a body the document does not declare`).toBe(
      "",
    );
    return;
  }
  expect(Object.keys(declared.content), where).toContain(media);
  if (media !== "application/json") return;
  const pointer = ["paths", template, method, "responses", response.status, "content", media]
    .map((part) => String(part).replaceAll("~", "~0").replaceAll("/", "~1"))
    .join("/");
  const validate = ajv.getSchema(`openapi#/${pointer}/schema`)!;
  const body = await response.clone().json();
  expect(validate(body), `${where}: ${JSON.stringify(validate.errors)}`).toBe(true);
}

/** A request as @x/client sends it (the CSRF header on non-GET), checked against the document. */
async function call(
  user: string | null,
  method: string,
  path: string,
  init: { body?: unknown; on?: typeof host } = {},
): Promise<Response> {
  const requestInit: RequestInit = {
    method: method.toUpperCase(),
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  };
  const anonymous: Record<string, string> = method === "get" ? {} : { "x-connect-request": "1" };
  const request = user ? asUser(user, requestInit) : { ...requestInit, headers: anonymous };
  const response = await (init.on ?? host).app.request(`${MOUNT}${path}`, request);
  await expectDeclared(response, method, `${MOUNT}${path}`);
  return response;
}

/** Follows an authorize URL through the sandbox's consent back to the kit's callback. */
async function callback(user: string, authorizeUrl: string, decision: "allow" | "deny") {
  const back = await consent(authorizeUrl, decision);
  return call(user, "get", `${back.pathname.slice(MOUNT.length)}${back.search}`);
}

describe("every answer the routes give is one GET /openapi.json declares, in its schema", () => {
  it("publishes schemas that are valid JSON Schema 2020-12", () => {
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      expect(ajv.validateSchema(schema), `${name}: ${JSON.stringify(ajv.errors)}`).toBe(true);
    }
  });

  it("the connections routes", async () => {
    const body = { provider: "mail-sequencer", secret: "ms-key" };
    expect((await call(null, "get", "/connections")).status).toBe(401);
    const created = await call("acme:alice", "post", "/connections", { body });
    expect(created.status).toBe(201);
    const { id } = (await json(created)).connection;
    expect((await call("acme:alice", "post", "/connections", { body })).status).toBe(200);
    expect((await call("acme:alice", "post", "/connections", { body: {} })).status).toBe(400);
    const control = { ...body, secret: "a\u0007b" };
    expect((await call("acme:alice", "post", "/connections", { body: control })).status).toBe(400);
    const unknown = { ...body, provider: "nope" };
    expect((await call("acme:alice", "post", "/connections", { body: unknown })).status).toBe(404);
    const shared = { ...body, visibility: "workspace" };
    expect((await call("acme:alice", "post", "/connections", { body: shared })).status).toBe(403);
    expect((await call("acme:alice", "get", "/connections")).status).toBe(200);
    const rename = { body: { name: "Mine" } };
    expect((await call("acme:alice", "patch", `/connections/${id}`, rename)).status).toBe(200);
    expect((await call("acme:bob", "patch", `/connections/${id}`, rename)).status).toBe(404);
    expect((await call("acme:alice", "patch", `/connections/${id}`, { body: [] })).status).toBe(
      400,
    );
    expect((await call("acme:alice", "post", `/connections/${id}/check`)).status).toBe(200);
    expect((await call("acme:alice", "post", "/connections/nope/check")).status).toBe(404);
    expect((await call("acme:alice", "delete", `/connections/${id}`)).status).toBe(204);
    expect((await call("acme:alice", "delete", `/connections/${id}`)).status).toBe(404);
  });

  it("the connect flow, its callbacks and its outcome", async () => {
    const started = await call("acme:alice", "post", "/connect/attio");
    expect(started.status).toBe(200);
    const { authorizeUrl, flowId } = await json(started);
    expect((await callback("acme:alice", authorizeUrl, "allow")).status).toBe(200);
    expect((await call("acme:alice", "get", `/flows/${flowId}`)).status).toBe(200);
    expect((await call("acme:bob", "get", `/flows/${flowId}`)).status).toBe(404);

    const denied = await json(await call("acme:alice", "post", "/connect/attio", { body: {} }));
    expect((await callback("acme:alice", denied.authorizeUrl, "deny")).status).toBe(400);
    const redirect = { body: { mode: "redirect", returnTo: "/settings" } };
    const away = await json(await call("acme:alice", "post", "/connect/attio", redirect));
    expect((await callback("acme:alice", away.authorizeUrl, "allow")).status).toBe(303);

    expect((await call("acme:alice", "get", "/callback?state=spent")).status).toBe(400);
    expect((await call(null, "get", `/callback/${SOME_KEY}?code=x`)).status).toBe(400);
    expect((await call(null, "get", "/callback/not-a-key")).status).toBe(404);
    expect((await call("acme:alice", "post", "/connect/nope")).status).toBe(404);
    expect((await call("acme:alice", "post", "/connect/mail-sequencer")).status).toBe(400);
    expect((await call(null, "post", "/connect/attio")).status).toBe(401);
    expect((await call(null, "get", "/popup-result.js")).status).toBe(200);
    expect((await call(null, "get", "/openapi.json")).status).toBe(200);
  });

  it("the providers and the MCP servers added at run time", async () => {
    expect((await call("acme:alice", "get", "/providers")).status).toBe(200);
    const server = { body: { url: mcpSandbox.url, name: "tasks" } };
    const added = await call("acme:alice", "post", "/mcp-servers", server);
    expect(added.status).toBe(201);
    expect((await call("acme:alice", "post", "/mcp-servers", server)).status).toBe(200);
    const ftp = { body: { url: "ftp://example.com" } };
    expect((await call("acme:alice", "post", "/mcp-servers", ftp)).status).toBe(400);
    expect((await call("acme:alice", "get", "/mcp-servers")).status).toBe(200);
    expect((await call("acme:alice", "get", "/providers")).status).toBe(200);
    // The kit registered itself there: the server's issuer answers on a callback of its own.
    const popup = await json(await call("acme:alice", "post", "/connect/tasks"));
    const back = await callback("acme:alice", popup.authorizeUrl, "allow");
    expect(back.status).toBe(200);
    const redirect = { body: { mode: "redirect" } };
    const away = await json(await call("acme:alice", "post", "/connect/tasks", redirect));
    expect((await callback("acme:alice", away.authorizeUrl, "allow")).status).toBe(303);
    const { id } = (await json(added)).server;
    expect((await call("acme:bob", "delete", `/mcp-servers/${id}`)).status).toBe(404);
    expect((await call("acme:alice", "delete", `/mcp-servers/${id}`)).status).toBe(204);
    expect((await call(null, "get", `/oauth-clients/${SOME_KEY}`)).status).toBe(200);
    expect((await call(null, "get", "/oauth-clients/nope")).status).toBe(404);
  });

  it("every non-GET: 403 csrf_rejected without the header, 413 over the body limit", async () => {
    for (const [template, item] of Object.entries(document.paths)) {
      const path = template.replace(/\{\w+\}/g, SOME_ID);
      for (const method of Object.keys(item).filter((name) => name !== "get")) {
        const url = `${MOUNT}${path}`;
        const bare = new Headers(asUser("acme:alice", { method: "POST" }).headers);
        bare.delete("x-connect-request");
        const verb = method.toUpperCase();
        const refused = await host.app.request(url, { method: verb, headers: bare, body: "{}" });
        await expectDeclared(refused, method, url);
        expect([refused.status, (await json(refused)).error.code]).toEqual([403, "csrf_rejected"]);
        const large = JSON.stringify({ name: "x".repeat(MAX_BODY_BYTES) });
        const tooLarge = await host.app.request(
          url,
          asUser("acme:alice", { method: verb, body: large }),
        );
        await expectDeclared(tooLarge, method, url);
        expect([tooLarge.status, (await json(tooLarge)).error.code]).toEqual([
          413,
          "payload_too_large",
        ]);
      }
    }
  });

  it("while the database is away: 503 store_unavailable where the document says so, only there", async () => {
    const away = hostWith(
      createPostgresStore({ url: `postgres://127.0.0.1:${await closedPort()}/x` }),
    );
    const body: Record<string, unknown> = {
      "post /connections": { provider: "mail-sequencer", secret: "ms-key" },
      "patch /connections/{id}": { name: "Mine" },
      "post /mcp-servers": { url: mcpSandbox.url },
    };
    try {
      for (const [template, item] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(item)) {
          const path = template
            .replace("{key}", SOME_KEY)
            .replace(/\{\w+\}/g, template.includes("connect/") ? "attio" : SOME_ID);
          const query = template.startsWith("/callback") ? "?state=s&code=c" : "";
          const response = await call("acme:alice", method, `${path}${query}`, {
            body: body[`${method} ${template}`],
            on: away,
          });
          const declared = "503" in operation.responses;
          expect(response.status === 503, `${method} ${template}: ${response.status}`).toBe(
            declared,
          );
        }
      }
    } finally {
      await away.connections.close();
    }
  });

  it("has seen every operation's success answers, so none of the above left one out", () => {
    const missing = Object.entries(document.paths).flatMap(([template, item]) =>
      Object.entries(item).flatMap(([method, operation]) =>
        Object.keys(operation.responses)
          .filter((status) => Number(status) < 400)
          .map((status) => `${method} ${template} ${status}`)
          .filter((answer) => !seen.has(answer)),
      ),
    );
    expect(missing).toEqual([]);
  });
});

/** A port nothing listens on: connecting is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
