import { defaultKnobs, type Sandbox, type SandboxKnobs, startSandbox } from "@x/sandbox";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ReauthRequiredError } from "../../shared/errors";
import {
  asUser,
  consent,
  createHost,
  json,
  MOUNT,
  makeConnectionsDue,
} from "../../testing/harness";
import { pgliteForFile } from "../../testing/pglite";
import type { OAuthProvider } from "../types";
import {
  asana,
  atlassian,
  github,
  gitlab,
  google,
  hubspot,
  linear,
  microsoft,
  notion,
  salesforce,
  slack,
} from ".";
import type { CatalogOptions } from "./shared";

// Each provider's quirks, against the sandbox configured by its knobs to answer like that provider.

const { client, store } = pgliteForFile(["x_connections", "x_oauth_flows"]);
let sandbox: Sandbox;
let host: ReturnType<typeof createHost>;

/** The sandbox only knows Attio's scopes; each provider asks for one of them. */
function pointedAtSandbox(url: string): CatalogOptions {
  return {
    clientId: "taskr-sandbox",
    clientSecret: "taskr-sandbox-secret",
    scopes: ["task:read"],
    endpoints: {
      issuer: url,
      authorizationEndpoint: `${url}/authorize`,
      tokenEndpoint: `${url}/oauth/token`,
      revocationEndpoint: `${url}/oauth/revoke`,
      identityUrl: `${url}/v2/self`,
    },
  };
}

function catalogAt(url: string): OAuthProvider[] {
  const options = pointedAtSandbox(url);
  return [
    github(options),
    gitlab(options),
    linear(options),
    slack({ ...options, scopes: [], userScopes: ["task:read"] }),
    google(options),
    microsoft(options),
    hubspot(options),
    notion({ ...options, scopes: [] }),
    salesforce(options),
    atlassian(options),
    asana(options),
  ];
}

beforeAll(async () => {
  sandbox = await startSandbox();
  host = createHost({ store, sandboxUrl: sandbox.url, providers: catalogAt(sandbox.url) });
  await host.connections.ready();
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => {
  Object.assign(sandbox.knobs, defaultKnobs);
});

afterEach(() => {
  vi.restoreAllMocks();
});

function knobs(patch: Partial<SandboxKnobs>) {
  Object.assign(sandbox.knobs, patch);
}

async function start(provider: string) {
  const started = await host.app.request(
    `${MOUNT}/connect/${provider}`,
    asUser("acme:alice", { method: "POST", body: "{}" }),
  );
  expect(started.status).toBe(200);
  const { authorizeUrl, flowId } = await json(started);
  return { authorizeUrl: new URL(authorizeUrl), flowId: flowId as string };
}

/** Start, consent at the sandbox, land on the callback; returns the flow's outcome. */
async function connect(provider: string) {
  const { authorizeUrl, flowId } = await start(provider);
  const callback = await consent(authorizeUrl.href);
  await host.app.request(`${callback.pathname}${callback.search}`, asUser("acme:alice"));
  const flow = await json(await host.app.request(`${MOUNT}/flows/${flowId}`, asUser("acme:alice")));
  return { authorizeUrl, flow };
}

async function connectOk(provider: string) {
  const result = await connect(provider);
  expect(result.flow).toMatchObject({ status: "success" });
  const [connection] = await host.connections.listConnections({ tenantId: "acme" });
  return { ...result, connection: connection! };
}

const credentialOf = (provider: string) =>
  host.connections.getCredential({ provider, tenantId: "acme", userId: "alice" });

const urlsFetched = (spy: { mock: { calls: unknown[][] } }) =>
  spy.mock.calls.map(([input]) => String(input instanceof Request ? input.url : input));

describe("GitHub", () => {
  it("keeps a token that never expires, without a refresh token, and reads comma-separated scopes", async () => {
    knobs({
      accessTokenTtlSeconds: null,
      issueRefreshToken: false,
      tokenResponseExtras: { scope: "task:read,user_management:read" },
    });
    const spy = vi.spyOn(globalThis, "fetch");
    const { connection } = await connectOk("github");
    expect(connection.scopes).toEqual(["task:read", "user_management:read"]);
    const credential = await credentialOf("github");
    const before = sandbox.stats.refreshGrants;
    expect(credential).toMatchObject({ type: "oauth2", expiresAt: null });
    await credentialOf("github");
    expect(sandbox.stats.refreshGrants).toBe(before);
    const tokenCall = spy.mock.calls.find(([input]) => String(input).endsWith("/oauth/token"));
    expect(new Headers(tokenCall?.[1]?.headers).get("accept")).toBe("application/json");
  });

  it("maps GitHub's HTTP 200 bad_refresh_token to invalid_grant: the user must reconnect", async () => {
    // GitHub apps with expiring user tokens.
    await connectOk("github");
    await makeConnectionsDue(client);
    knobs({ failNextToken: { status: 200, body: { error: "bad_refresh_token" } } });
    await expect(credentialOf("github")).rejects.toBeInstanceOf(ReauthRequiredError);
    const [connection] = await host.connections.listConnections({ tenantId: "acme" });
    expect(connection?.status).toBe("auth_failed");
  });

  it("answers a failed code exchange (HTTP 200 with error) as a provider_error", async () => {
    knobs({ failNextToken: { status: 200, body: { error: "bad_verification_code" } } });
    const { flow } = await connect("github");
    expect(flow).toMatchObject({ status: "error", error: { code: "provider_error" } });
  });
});

describe("Slack", () => {
  it("asks user scopes with user_scope and takes the user token nested under authed_user", async () => {
    knobs({ tokenResponseShape: "slack" });
    const { authorizeUrl, connection } = await connectOk("slack");
    expect(authorizeUrl.searchParams.get("user_scope")).toBe("task:read");
    expect(authorizeUrl.searchParams.has("scope")).toBe(false);
    expect(authorizeUrl.searchParams.has("code_challenge")).toBe(false);
    expect(connection.scopes.length).toBeGreaterThan(1);
    const credential = await credentialOf("slack");
    expect(credential.type === "oauth2" && credential.accessToken).toMatch(/^sbx_at_/);
    expect(credential.type === "oauth2" && credential.extras).toMatchObject({
      team_name: "Acme Sandbox",
      authed_user_id: expect.any(String),
      app_id: "A0SANDBOX",
    });
  });

  it("maps { ok: false } on HTTP 200 to invalid_grant: a dead grant needs the user again", async () => {
    knobs({ tokenResponseShape: "slack" });
    await connectOk("slack");
    await makeConnectionsDue(client);
    sandbox.revokeAll();
    await expect(credentialOf("slack")).rejects.toBeInstanceOf(ReauthRequiredError);
    const [connection] = await host.connections.listConnections({ tenantId: "acme" });
    expect(connection?.status).toBe("auth_failed");
  });
});

describe("Google", () => {
  it("asks for offline access, a fresh consent, PKCE and an OpenID nonce", async () => {
    const { authorizeUrl } = await start("google");
    const params = authorizeUrl.searchParams;
    expect(params.get("access_type")).toBe("offline");
    expect(params.get("prompt")).toBe("consent");
    expect(params.get("nonce")).toMatch(/^[\w-]{43}$/);
    expect(params.get("code_challenge_method")).toBe("S256");
  });

  it("refuses a token response without the id_token OpenID promised", async () => {
    const { flow } = await connect("google");
    expect(flow).toMatchObject({ status: "error", error: { code: "provider_error" } });
    expect(await host.connections.listConnections({ tenantId: "acme" })).toHaveLength(0);
  });
});

describe("Microsoft Entra ID", () => {
  it("always asks for offline_access and a query response", async () => {
    const { authorizeUrl } = await start("microsoft");
    expect(authorizeUrl.searchParams.get("scope")).toBe("task:read offline_access");
    expect(authorizeUrl.searchParams.get("response_mode")).toBe("query");
  });
});

describe("Notion", () => {
  it("authenticates with HTTP Basic, asks owner=user, and keeps the workspace from the token response", async () => {
    knobs({
      tokenEndpointAuth: "client_secret_basic",
      accessTokenTtlSeconds: null,
      issueRefreshToken: false,
      tokenResponseExtras: {
        workspace_id: "w1",
        workspace_name: "Acme Notion",
        owner: {
          type: "user",
          user: { id: "u1", name: "Alice", person: { email: "a@acme.test" } },
        },
      },
    });
    const spy = vi.spyOn(globalThis, "fetch");
    const { authorizeUrl } = await connectOk("notion");
    expect(authorizeUrl.searchParams.get("owner")).toBe("user");
    const credential = await credentialOf("notion");
    expect(credential.type === "oauth2" && credential.extras).toMatchObject({
      workspace_name: "Acme Notion",
      owner_user_email: "a@acme.test",
    });
    const identityCall = spy.mock.calls.find(([input]) => String(input).endsWith("/v2/self"));
    expect(new Headers(identityCall?.[1]?.headers).get("notion-version")).toBe("2022-06-28");
  });
});

describe("Salesforce", () => {
  it("keeps instance_url and asks that instance who the user is", async () => {
    const instanceUrl = `${sandbox.url}/acme-instance`;
    knobs({ tokenResponseExtras: { instance_url: instanceUrl } });
    const spy = vi.spyOn(globalThis, "fetch");
    await connectOk("salesforce");
    expect(urlsFetched(spy)).toContain(`${instanceUrl}/services/oauth2/userinfo`);
    const credential = await credentialOf("salesforce");
    expect(credential.type === "oauth2" && credential.extras.instance_url).toBe(instanceUrl);
  });
});

describe("Atlassian", () => {
  it("sends audience and prompt=consent, and follows rotating refresh tokens", async () => {
    knobs({ rotateRefreshToken: true });
    const { authorizeUrl } = await connectOk("atlassian");
    const before = sandbox.stats.refreshGrants;
    expect(authorizeUrl.searchParams.get("audience")).toBe("api.atlassian.com");
    expect(authorizeUrl.searchParams.get("prompt")).toBe("consent");
    // Each refresh redeems the refresh token the previous one rotated in.
    await makeConnectionsDue(client);
    await credentialOf("atlassian");
    await makeConnectionsDue(client);
    await vi.waitFor(async () => {
      await credentialOf("atlassian");
      expect(sandbox.stats.refreshGrants - before).toBe(2);
    });
    const [connection] = await host.connections.listConnections({ tenantId: "acme" });
    expect(connection?.status).toBe("active");
  });
});

describe("Linear, GitLab, HubSpot, Asana", () => {
  it("Linear sends comma-separated scopes and reads them back the same way", async () => {
    knobs({ tokenResponseExtras: { scope: "task:read,user_management:read" } });
    const { connection } = await connectOk("linear");
    expect(connection.scopes).toEqual(["task:read", "user_management:read"]);
  });

  it.each(["gitlab", "asana"])(
    "%s revokes at its RFC 7009 endpoint on disconnect",
    async (name) => {
      const { connection } = await connectOk(name);
      await host.connections.disconnect(connection.id);
      expect(sandbox.stats.revocations).toBeGreaterThanOrEqual(1);
    },
  );

  it("HubSpot connects with PKCE and refreshes", async () => {
    const { authorizeUrl } = await connectOk("hubspot");
    expect(authorizeUrl.searchParams.get("code_challenge_method")).toBe("S256");
    await makeConnectionsDue(client);
    const before = sandbox.stats.refreshGrants;
    await credentialOf("hubspot");
    expect(sandbox.stats.refreshGrants - before).toBe(1);
  });
});
