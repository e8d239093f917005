import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  type HostileKnobs,
  type HostileMcpServer,
  type McpSandbox,
  type Recorder,
  startHostileMcpServer,
  startMcpSandbox,
  startRecorder,
} from "@x/sandbox";
import { describe, expect, it } from "vitest";
import { issuerKey } from "../oauth/redirect-uris";
import { oauth2 } from "../providers/oauth2";
import { asUser, consent, createHost, json, MOUNT, makeConnectionsDue } from "../testing/harness";
import { pgliteForFile } from "../testing/pglite";
import { mcpTransport } from "./adapters";
import { type McpOptions, mcp } from "./provider";

// Each test is one attack by an MCP server (or its authorization server) that a member of a
// tenant could add: docs/security.md, "A member adds a hostile MCP server", names these tests.

const { client, store, closers } = pgliteForFile([
  "x_connections",
  "x_oauth_flows",
  "x_mcp_client_registrations",
]);

async function hostileServer(hostile: Partial<HostileKnobs> = {}, knobs = {}) {
  const server = await startHostileMcpServer({
    hostile,
    knobs,
    // Dynamic registration, and metadata read again on every connect: the server can change it.
    mcpKnobs: { clientIdMetadataDocuments: false, metadataMaxAgeSeconds: null },
  });
  closers.push(() => server.close());
  return server;
}

async function recorder(): Promise<Recorder> {
  const started = await startRecorder();
  closers.push(() => started.close());
  return started;
}

/** The kit with one MCP provider per server, each allowed by its origin alone (as Taskr does). */
function hostFor(servers: { url: string; origin: string }[], options: Partial<McpOptions> = {}) {
  const made = createHost({
    store,
    sandboxUrl: "",
    providers: servers.map((server, index) =>
      mcp({
        name: `evil${index || ""}`,
        url: server.url,
        allowedOrigins: new Set([server.origin]),
        ...options,
      }),
    ),
  });
  closers.push(() => made.connections.close());
  return made;
}

type Host = ReturnType<typeof hostFor>;

const startConnect = (made: Host, user = "acme:alice", provider = "evil") =>
  made.app.request(`${MOUNT}/connect/${provider}`, asUser(user, { method: "POST", body: "{}" }));

async function connect(made: Host, user = "acme:alice", provider = "evil") {
  const started = await startConnect(made, user, provider);
  expect(started.status).toBe(200);
  const { authorizeUrl, flowId } = await json(started);
  const callback = await consent(authorizeUrl);
  const page = await made.app.request(`${callback.pathname}${callback.search}`, asUser(user));
  const flow = await json(await made.app.request(`${MOUNT}/flows/${flowId}`, asUser(user)));
  return { page, flow, callback };
}

const countRows = async (table: string) =>
  Number(
    ((await client.query(`select count(*)::int as n from ${table}`)).rows[0] as { n: number }).n,
  );

const alice = { provider: "evil", tenantId: "acme", userId: "alice" };

describe("a hostile MCP server's metadata (RFC 8414, RFC 9728)", () => {
  it.each([
    ["javascript:alert(document.cookie)", false],
    ["data:text/html,<script>alert(1)</script>", false],
    ["http://169.254.169.254/latest/meta-data/", false],
    // Promising iss lifts the origin rule: only the scheme check is left to refuse these.
    ["javascript:alert(document.cookie)", true],
    ["data:text/html,<script>alert(1)</script>", true],
  ])(
    "refuses the authorization endpoint %s (iss promised: %s): no flow, no browser sent there",
    async (endpoint, iss) => {
      const metadata = {
        authorization_endpoint: endpoint,
        ...(iss ? { authorization_response_iss_parameter_supported: true } : {}),
      };
      const server = await hostileServer({ metadata });
      const response = await startConnect(hostFor([server]));
      expect(response.status).toBe(502);
      const body = await json(response);
      expect(body.error.code).toBe("unsafe_url");
      expect(JSON.stringify(body)).not.toContain(endpoint.slice(0, 12));
      // Refused as the metadata is read: before the kit registers itself there.
      expect(server.mcpStats.registrations).toBe(0);
      expect(await countRows("x_oauth_flows")).toBe(0);
    },
  );

  it("refuses a token endpoint off the issuer's origin (mix-up, RFC 9700 §4.4): nothing reaches it", async () => {
    const attacker = await recorder();
    // A server that does not promise iss (RFC 9207), so nothing else would catch the mix-up.
    const server = await hostileServer(
      { metadata: { token_endpoint: `${attacker.origin}/token` } },
      { sendIssuer: false },
    );
    // Plain http on loopback is let through for both, so only the origin rule is tested.
    const made = hostFor([server], { allowedOrigins: new Set([server.origin, attacker.origin]) });
    const response = await startConnect(made);
    expect((await json(response)).error.code).toBe("unsafe_url");
    expect(server.mcpStats.registrations).toBe(0);
    expect(attacker.requests).toEqual([]);
  });

  it("lets endpoints off the issuer's origin through only with iss, which then catches the mix-up", async () => {
    const attacker = await recorder();
    // It promises iss (RFC 9207) but the authorization server it points at sends none.
    const server = await hostileServer(
      {
        metadata: {
          token_endpoint: `${attacker.origin}/token`,
          authorization_response_iss_parameter_supported: true,
        },
      },
      { sendIssuer: false },
    );
    // Plain http on loopback is let through for both, so only the mix-up defence is tested.
    const made = hostFor([server], { allowedOrigins: new Set([server.origin, attacker.origin]) });
    const { flow } = await connect(made);
    expect(flow).toMatchObject({ status: "error", error: { code: "issuer_mismatch" } });
    // Neither the code nor the PKCE verifier went to the attacker's token endpoint.
    expect(attacker.requests).toEqual([]);
    expect(await countRows("x_connections")).toBe(0);
  });
});

describe("grants bound to the authorization server that issued them", () => {
  // Neither server sends iss (RFC 9207), which would also catch a code from the wrong one:
  // these tests are of the kit's own binding.
  async function movedServer() {
    const other: McpSandbox = await startMcpSandbox({
      knobs: { sendIssuer: false },
      mcpKnobs: { clientIdMetadataDocuments: false },
    });
    closers.push(() => other.close());
    const server = await hostileServer({}, { sendIssuer: false });
    const made = hostFor([server], { allowedOrigins: new Set([server.origin, other.origin]) });
    return { server, other, made, events: made.events };
  }

  it("refuses a refresh once the server names another AS: reconnect needed, with an event, and the new AS sees no token", async () => {
    const { server, other, made, events } = await movedServer();
    expect((await connect(made)).flow.status).toBe("success");
    server.hostile.authorizationServers = [other.issuer];
    // Bob's connect reads the metadata again: the provider now points at the other server,
    // where the kit registers itself anew (client credentials are per issuer).
    expect((await startConnect(made, "acme:bob")).status).toBe(200);
    expect(other.mcpStats.registrations).toBe(1);
    await makeConnectionsDue(client);
    await expect(made.connections.getCredential(alice)).rejects.toMatchObject({
      code: "reauth_required",
    });
    expect(other.stats.tokenRequests).toBe(0);
    const failed = events.find((event) => event.type === "connection.auth_failed");
    expect(failed).toMatchObject({
      reason: "issuer_changed",
      connection: { status: "auth_failed" },
    });
    // Disconnecting revokes nowhere: the granting server is no longer the provider's, and the
    // new one must not receive the token.
    const [row] = await made.connections.listConnections({ tenantId: "acme" });
    await made.connections.disconnect(row!.id);
    expect(other.stats.revocations).toBe(0);
    expect(server.stats.revocations).toBe(0);
    expect(await countRows("x_connections")).toBe(0);
  });

  it("refuses a callback for a flow started at the AS the server no longer names", async () => {
    const { server, other, made } = await movedServer();
    const started = await json(await startConnect(made, "acme:carol"));
    const callback = await consent(started.authorizeUrl);
    server.hostile.authorizationServers = [other.issuer];
    await startConnect(made, "acme:bob");
    await made.app.request(`${callback.pathname}${callback.search}`, asUser("acme:carol"));
    const flow = await json(
      await made.app.request(`${MOUNT}/flows/${started.flowId}`, asUser("acme:carol")),
    );
    expect(flow).toMatchObject({ status: "error", error: { code: "issuer_mismatch" } });
    expect(other.stats.tokenRequests).toBe(0);
    expect(server.stats.tokenRequests).toBe(0);
  });

  it("redeems a code only at the token endpoint the flow was started against", async () => {
    const server = await hostileServer();
    const made = hostFor([server]);
    const started = await json(await startConnect(made, "acme:carol"));
    const callback = await consent(started.authorizeUrl);
    server.hostile.metadata = { token_endpoint: `${server.origin}/elsewhere/token` };
    await startConnect(made, "acme:bob");
    await made.app.request(`${callback.pathname}${callback.search}`, asUser("acme:carol"));
    const flow = await json(
      await made.app.request(`${MOUNT}/flows/${started.flowId}`, asUser("acme:carol")),
    );
    expect(flow).toMatchObject({ status: "error", error: { code: "issuer_mismatch" } });
    expect(server.stats.tokenRequests).toBe(0);
  });

  it("gives each issuer its own callback: a code that comes back to another's is refused (RFC 9700 §4.4.2.2)", async () => {
    const first = await hostileServer();
    const second = await hostileServer();
    const made = hostFor([first, second]);
    for (const provider of ["evil", "evil1"]) {
      const started = await json(await startConnect(made, "acme:alice", provider));
      expect(new URL(started.authorizeUrl).searchParams.get("redirect_uri")).toMatch(
        /\/callback\/.{16}$/,
      );
      const callback = await consent(started.authorizeUrl);
      // The code `first` issued, presented at the plain callback and at `second`'s.
      const wrong =
        provider === "evil" ? `${MOUNT}/callback/${issuerKey(second.issuer)}` : `${MOUNT}/callback`;
      await made.app.request(`${wrong}${callback.search}`, asUser("acme:alice"));
      const flow = await json(
        await made.app.request(`${MOUNT}/flows/${started.flowId}`, asUser("acme:alice")),
      );
      expect(flow).toMatchObject({ status: "error", error: { code: "issuer_mismatch" } });
    }
    expect(first.stats.tokenRequests + second.stats.tokenRequests).toBe(0);
  });
});

describe("an issuer's own callback", () => {
  it("serves the popup page whose script loads from where the page is", async () => {
    const server = await hostileServer();
    const made = hostFor([server]);
    const { page, callback } = await connect(made);
    expect(callback.pathname).toMatch(/\/callback\/.{16}$/);
    const src = /<script src="([^"]+)"/.exec(await page.text())?.[1];
    const script = await made.app.request(new URL(src!, callback).pathname);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/javascript/);
  });
});

describe("answers from endpoints a stranger named", () => {
  // The answer is 150 MB; what the server got to send is the kit's cap plus what the sockets
  // between them buffer, where an unbounded read takes all of it into memory.
  const readLittle = (server: HostileMcpServer) =>
    expect(server.hostileStats.bytesSent).toBeLessThan(16 * 1024 * 1024);

  it("stops reading a token answer that is 150 MB, and stores nothing", async () => {
    const server = await hostileServer({ tokenResponse: "oversized" });
    const { flow } = await connect(hostFor([server]));
    expect(flow).toMatchObject({ status: "error", error: { code: "response_too_large" } });
    readLittle(server);
    expect(await countRows("x_connections")).toBe(0);
  });

  it("stops reading a registration answer that is 150 MB", async () => {
    const server = await hostileServer({ registrationResponse: "oversized" });
    const response = await startConnect(hostFor([server]));
    expect((await json(response)).error.code).toBe("response_too_large");
    readLittle(server);
  });

  it("disconnects even when the revocation answer is 150 MB", async () => {
    const server = await hostileServer();
    const made = hostFor([server]);
    await connect(made);
    server.hostile.revocationResponse = "oversized";
    const [row] = await made.connections.listConnections({ tenantId: "acme" });
    await made.connections.disconnect(row!.id);
    readLittle(server);
    expect(await countRows("x_connections")).toBe(0);
    expect(made.events.map((event) => event.type)).not.toContain("connection.revoked");
  });

  it("cuts off an MCP reply that is 150 MB", async () => {
    const server = await hostileServer();
    const made = hostFor([server]);
    await connect(made);
    server.hostile.mcpResponse = "oversized";
    const mcpClient = new Client({ name: "test", version: "1.0.0" });
    await expect(mcpClient.connect(await mcpTransport(made.connections, alice))).rejects.toThrow();
    await mcpClient.close();
    expect(server.hostileStats.bytesSent).toBeLessThan(32 * 1024 * 1024);
  });

  it("stops reading an identity answer that is 150 MB, and still connects", async () => {
    const server = await hostileServer();
    const made = createHost({
      store,
      sandboxUrl: "",
      providers: [
        {
          ...oauth2(
            { name: "evil", displayName: "Evil", issuer: server.issuer, clientId: "c" },
            {
              issuer: server.issuer,
              authorization_endpoint: `${server.issuer}/authorize`,
              token_endpoint: `${server.issuer}/oauth/token`,
              userinfo_endpoint: server.oversizedUrl,
            },
          ),
          // Its tokens are for the MCP server (RFC 8707), as the sandbox's authorization server asks.
          resource: server.url,
        },
      ],
    });
    closers.push(() => made.connections.close());
    server.clients.set("c", {
      clientId: "c",
      clientSecret: "",
      tokenEndpointAuthMethod: "none",
      name: "Kit",
      redirectUris: [],
    });
    expect((await connect(made)).flow.status).toBe("success");
    readLittle(server);
  });

  it("keeps at most 16 short unknown token fields, so a token answer cannot grow the sealed row", async () => {
    const server = await hostileServer({ tokenResponse: "many-fields" });
    const made = hostFor([server]);
    expect((await connect(made)).flow.status).toBe("success");
    const credential = await made.connections.getCredential(alice);
    expect(
      credential.type === "oauth2" && Object.keys(credential.extras).length,
    ).toBeLessThanOrEqual(16);
    const { rows } = await client.query<{ length: number }>(
      "select length(sealed) as length from x_connections",
    );
    expect(rows[0]!.length).toBeLessThan(64 * 1024);
  });

  it("refuses an access token a header cannot carry (CR/LF), and stores nothing", async () => {
    const server = await hostileServer({ tokenResponse: "control-characters" });
    const { flow } = await connect(hostFor([server]));
    expect(flow).toMatchObject({ status: "error", error: { code: "provider_error" } });
    expect(await countRows("x_connections")).toBe(0);
  });
});

describe("words a hostile server wants shown", () => {
  it("shows and posts only our words for a token error, never the server's text", async () => {
    const server = await hostileServer({ tokenResponse: "error-text" });
    const { page, flow } = await connect(hostFor([server]));
    const html = await page.text();
    expect(html).not.toContain("evil.example");
    expect(html).toContain("The provider answered with an error.");
    expect(flow).toMatchObject({ status: "error", error: { code: "provider_error" } });
    expect(JSON.stringify(flow)).not.toContain("evil.example");
  });

  it("does not repeat a registration error's text", async () => {
    const server = await hostileServer({ registrationResponse: "error-text" });
    const body = await json(await startConnect(hostFor([server])));
    expect(body.error.code).toBe("mcp_registration_failed");
    expect(JSON.stringify(body)).not.toContain("evil.example");
  });
});

describe("words a hostile server wants repeated to backend code", () => {
  it("keeps a refresh error's text out of the error getCredential throws", async () => {
    const server = await hostileServer();
    const made = hostFor([server]);
    await connect(made);
    server.hostile.tokenResponse = "error-text";
    // Expired, so there is no valid token to keep serving while the refresh fails.
    await client.query("update x_connections set expires_at = now() - interval '1 minute'");
    const failure = await made.connections.getCredential(alice).catch((error: Error) => error);
    expect(failure).toMatchObject({ code: "provider_error" });
    expect((failure as Error).message).not.toContain("evil.example");
  });

  it("names a stranger's endpoint by its origin only, never its path or query", async () => {
    const server = await hostileServer();
    server.hostile.metadata = {
      registration_endpoint: `${server.origin}/register/alice-workspace?key=s3cr3t`,
    };
    const response = await startConnect(hostFor([server]));
    const { error } = await json(response);
    expect(error.message).toContain(server.origin);
    expect(error.message).not.toMatch(/alice-workspace|s3cr3t/);
  });
});

describe("connections.fetch and a server's token", () => {
  it("hands a server's redirect back instead of following it past the address check", async () => {
    const attacker = await recorder();
    const server = await hostileServer();
    const made = hostFor([server]);
    await connect(made);
    server.hostile.mcpRedirect = `${attacker.origin}/latest/meta-data/`;
    const answer = await made.connections.fetch(alice, server.url, { method: "POST", body: "{}" });
    expect(answer.status).toBe(302);
    expect(attacker.requests).toEqual([]);
  });

  it("sends the token only to the MCP server's own origin", async () => {
    const attacker = await recorder();
    const server = await hostileServer();
    const made = hostFor([server]);
    await connect(made);
    await expect(made.connections.fetch(alice, `${attacker.origin}/steal`)).rejects.toMatchObject({
      code: "origin_not_allowed",
    });
    expect(attacker.requests).toEqual([]);
    const own = await made.connections.fetch(alice, server.url, { method: "POST", body: "{}" });
    await own.body?.cancel();
    expect(own.status).not.toBe(401);
  });
});
