import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, describe, expect, it } from "vitest";
import { createPkce } from "../test-support";
import { type McpSandbox, type StartMcpSandboxOptions, startMcpSandbox } from "./start";

const redirectUri = "http://localhost:3050/api/connections/callback";
/** Test bodies are checked by the assertions that read them. */
// biome-ignore lint/suspicious/noExplicitAny: the assertions are the type check
const json = (response: Response): Promise<any> => response.json();
let sandbox: McpSandbox;
const servers: Server[] = [];

afterEach(async () => {
  await sandbox?.close();
  for (const server of servers.splice(0)) server.close();
});

async function start(options: StartMcpSandboxOptions = {}) {
  sandbox = await startMcpSandbox(options);
  return sandbox;
}

async function register(body: Record<string, unknown> = {}) {
  const issuerPath = new URL(sandbox.issuer).pathname.replace(/\/$/, "");
  const metadata = await json(
    await fetch(`${sandbox.origin}/.well-known/oauth-authorization-server${issuerPath}`),
  );
  const response = await fetch(metadata.registration_endpoint, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ redirect_uris: [redirectUri], client_name: "Test", ...body }),
  });
  return { response, body: await json(response) };
}

/** Authorize with consent, then exchange; returns the token response. */
async function connect(
  client: { client_id: string; client_secret?: string },
  options: { resource?: string; tokenResource?: string; scope?: string } = {},
) {
  const { verifier, challenge } = createPkce();
  const authorize = new URL(`${sandbox.issuer}/authorize`);
  authorize.search = new URLSearchParams({
    response_type: "code",
    client_id: client.client_id,
    redirect_uri: redirectUri,
    scope: options.scope ?? "task:read",
    state: "s",
    code_challenge: challenge,
    code_challenge_method: "S256",
    resource: options.resource ?? sandbox.url,
  }).toString();
  const page = await fetch(authorize, { redirect: "manual" });
  if (page.status !== 200)
    return { callback: new URL(page.headers.get("location") ?? "about:blank") };
  const html = await page.text();
  const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? "";
  const decision = await fetch(new URL(action, sandbox.origin), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ request_id: requestId, decision: "allow" }),
  });
  const callback = new URL(decision.headers.get("location") ?? "");
  const token = await fetch(`${sandbox.issuer}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: callback.searchParams.get("code") ?? "",
      redirect_uri: redirectUri,
      code_verifier: verifier,
      client_id: client.client_id,
      ...(client.client_secret ? { client_secret: client.client_secret } : {}),
      resource: options.tokenResource ?? options.resource ?? sandbox.url,
    }),
  });
  return { callback, token, body: await json(token) };
}

async function callTool(accessToken: string, name: string, args: Record<string, unknown> = {}) {
  const client = new Client({ name: "test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(sandbox.url), {
    requestInit: { headers: { authorization: `Bearer ${accessToken}` } },
  });
  await client.connect(transport);
  const result = await client.callTool({ name, arguments: args });
  await client.close();
  return result;
}

const listTasks = (accessToken: string) => callTool(accessToken, "list_tasks");

describe("the MCP sandbox's resource server", () => {
  it("answers 401 with a challenge naming its metadata and scope (RFC 9728 §5.1)", async () => {
    await start();
    const response = await fetch(sandbox.url, { method: "POST", body: "{}" });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(
      `Bearer resource_metadata="${sandbox.origin}/.well-known/oauth-protected-resource/mcp", scope="task:read"`,
    );
    const metadata = await (
      await fetch(`${sandbox.origin}/.well-known/oauth-protected-resource/mcp`)
    ).json();
    expect(metadata).toMatchObject({
      resource: sandbox.url,
      authorization_servers: [sandbox.issuer],
    });
  });

  it("leaves the challenge bare and serves the metadata at the root when told to", async () => {
    await start({ mcpKnobs: { challengeParameters: false, resourceMetadataAt: "root" } });
    const response = await fetch(sandbox.url, { method: "POST", body: "{}" });
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
    expect((await fetch(`${sandbox.origin}/.well-known/oauth-protected-resource/mcp`)).status).toBe(
      404,
    );
    expect((await fetch(`${sandbox.origin}/.well-known/oauth-protected-resource`)).status).toBe(
      200,
    );
  });
});

describe("the MCP sandbox's authorization server", () => {
  it("inserts the issuer's path into the metadata URL (RFC 8414 §3.1), OpenID only when told", async () => {
    await start({ issuerPath: "/tenant1" });
    expect(sandbox.issuer).toBe(`${sandbox.origin}/tenant1`);
    const oauth = await fetch(`${sandbox.origin}/.well-known/oauth-authorization-server/tenant1`);
    expect(await oauth.json()).toMatchObject({
      issuer: sandbox.issuer,
      registration_endpoint: `${sandbox.issuer}/register`,
      code_challenge_methods_supported: ["S256"],
      client_id_metadata_document_supported: true,
    });
    expect(oauth.headers.get("cache-control")).toBe("max-age=300");
    sandbox.mcpKnobs.authorizationServerMetadata = "openid";
    expect(
      (await fetch(`${sandbox.origin}/.well-known/oauth-authorization-server/tenant1`)).status,
    ).toBe(404);
    expect((await fetch(`${sandbox.origin}/.well-known/openid-configuration/tenant1`)).status).toBe(
      200,
    );
    expect((await fetch(`${sandbox.origin}/tenant1/.well-known/openid-configuration`)).status).toBe(
      200,
    );
  });

  it("registers a client (RFC 7591), binds its tokens to the resource, and the tool answers", async () => {
    await start({ issuerPath: "/tenant1" });
    const registered = await register({ grant_types: ["authorization_code", "refresh_token"] });
    expect(registered.response.status).toBe(201);
    expect(registered.body).toMatchObject({
      client_id: expect.stringMatching(/^sbx_client_/),
      client_secret: expect.any(String),
      token_endpoint_auth_method: "client_secret_basic",
    });
    const { body } = await connect(registered.body);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 300, scope: "task:read" });
    const result = await listTasks(body.access_token);
    const tasks = JSON.parse((result.content as { text: string }[])[0]!.text);
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks[0]).toHaveProperty("content");
  });

  it("refuses a tool call the token's scopes do not cover with 403 insufficient_scope", async () => {
    await start();
    const { body: client } = await register();
    const { body: narrow } = await connect(client);
    const call = {
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "complete_task", arguments: { id: "x" } },
    };
    const refused = await fetch(sandbox.url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${narrow.access_token}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify(call),
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("www-authenticate")).toBe(
      `Bearer error="insufficient_scope", scope="task:read task:read-write", resource_metadata="${sandbox.origin}/.well-known/oauth-protected-resource/mcp"`,
    );
    expect(sandbox.mcpStats.insufficientScopeRequests).toBe(1);

    const { body: wide } = await connect(client, { scope: "task:read task:read-write" });
    const listed = (await listTasks(wide.access_token)).content as { text: string }[];
    const [first] = JSON.parse(listed[0]!.text);
    const done = await callTool(wide.access_token, "complete_task", { id: first.id });
    expect(JSON.parse((done.content as { text: string }[])[0]!.text)).toMatchObject({
      id: first.id,
      isCompleted: true,
    });
  });

  it("refuses a resource it does not serve, at authorize and at the token endpoint (RFC 8707)", async () => {
    await start();
    const { body: client } = await register();
    const wrong = await connect(client, { resource: "http://127.0.0.1:1/other" });
    expect(wrong.callback.searchParams.get("error")).toBe("invalid_target");
    const mismatch = await connect(client, { tokenResource: `${sandbox.url}/other` });
    expect(mismatch.token?.status).toBe(400);
    expect(mismatch.body.error).toBe("invalid_target");
  });

  it("rotates refresh tokens, and refresh needs the resource too", async () => {
    await start();
    const { body: client } = await register({
      grant_types: ["authorization_code", "refresh_token"],
    });
    const { body } = await connect(client);
    const refresh = (resource?: string) =>
      fetch(`${sandbox.issuer}/oauth/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "refresh_token",
          refresh_token: body.refresh_token,
          client_id: client.client_id,
          client_secret: client.client_secret,
          ...(resource ? { resource } : {}),
        }),
      });
    expect((await json(await refresh())).error).toBe("invalid_target");
    const refreshed = await json(await refresh(sandbox.url));
    expect(refreshed.refresh_token).not.toBe(body.refresh_token);
    expect((await refresh(sandbox.url)).status).toBe(400);
  });

  it("accepts a Client ID Metadata Document client, fetched from its URL", async () => {
    await start();
    const document = createServer((_request, response) => {
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify({
          client_id: documentUrl,
          client_name: "Doc client",
          redirect_uris: [redirectUri],
          token_endpoint_auth_method: "none",
        }),
      );
    });
    servers.push(document);
    await new Promise<void>((resolve) => document.listen(0, "127.0.0.1", resolve));
    const documentUrl = `http://127.0.0.1:${(document.address() as AddressInfo).port}/client.json`;
    const { body } = await connect({ client_id: documentUrl });
    expect(body.access_token).toMatch(/^sbx_at_/);
    expect(sandbox.mcpStats.clientMetadataFetches).toBe(1);
  });

  it("forgets a registered client once, answering invalid_client", async () => {
    await start({ mcpKnobs: { forgetClientOnce: true } });
    const { body: client } = await register();
    const { token, body } = await connect(client);
    expect(token?.status).toBe(401);
    expect(body.error).toBe("invalid_client");
    expect(sandbox.clients.has(client.client_id)).toBe(false);
    expect(sandbox.mcpKnobs.forgetClientOnce).toBe(false);
  });

  it("advertises only plain, or nothing, when told to", async () => {
    await start({ mcpKnobs: { codeChallengeMethods: "plain-only", dynamicRegistration: false } });
    const url = `${sandbox.origin}/.well-known/oauth-authorization-server`;
    const metadata = (await (await fetch(url)).json()) as Record<string, unknown>;
    expect(metadata.code_challenge_methods_supported).toEqual(["plain"]);
    expect(metadata.registration_endpoint).toBeUndefined();
    sandbox.mcpKnobs.codeChallengeMethods = "absent";
    const absent = (await (await fetch(url)).json()) as Record<string, unknown>;
    expect(absent.code_challenge_methods_supported).toBeUndefined();
  });
});
