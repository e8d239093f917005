import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSandboxApp } from "../app";
import { type Sandbox, startSandbox } from "../start";
import {
  connect,
  consent,
  exchangeCode,
  getApi,
  postToken,
  redirectUri,
  refresh,
  type TokenBody,
} from "../test-support";

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox();
});
afterEach(() => sandbox.close());

describe("authorization_code grant", () => {
  it("exchanges a code and its PKCE verifier for recognisable tokens", async () => {
    const response = await exchangeCode(sandbox, await consent(sandbox));
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as TokenBody;
    expect(body).toEqual({
      access_token: expect.stringMatching(/^sbx_at_[A-Za-z0-9_-]{43}$/),
      token_type: "Bearer",
      expires_in: 3600,
      refresh_token: expect.stringMatching(/^sbx_rt_[A-Za-z0-9_-]{43}$/),
      scope: "task:read user_management:read",
    });
    expect((await getApi(sandbox, "/v2/self", body.access_token)).status).toBe(200);
  });

  it("accepts client_secret_basic too", async () => {
    const flow = await consent(sandbox);
    const response = await postToken(
      sandbox,
      {
        grant_type: "authorization_code",
        code: flow.code,
        redirect_uri: redirectUri,
        code_verifier: flow.verifier,
      },
      { basic: true },
    );
    expect(response.status).toBe(200);
  });

  it("answers invalid_grant for a wrong verifier", async () => {
    const flow = await consent(sandbox);
    const response = await exchangeCode(sandbox, {
      ...flow,
      verifier: "x".repeat(43),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("answers invalid_grant when the verifier is missing or the redirect_uri differs", async () => {
    const first = await consent(sandbox);
    const missing = await postToken(sandbox, {
      grant_type: "authorization_code",
      code: first.code,
      redirect_uri: redirectUri,
    });
    expect(await missing.json()).toMatchObject({ error: "invalid_grant" });
    const second = await consent(sandbox);
    const otherUri = await postToken(sandbox, {
      grant_type: "authorization_code",
      code: second.code,
      redirect_uri: "http://localhost:3050/other",
      code_verifier: second.verifier,
    });
    expect(await otherUri.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("refuses a replayed code and revokes the tokens it bought", async () => {
    const flow = await consent(sandbox);
    const first = (await (await exchangeCode(sandbox, flow)).json()) as TokenBody;
    const replay = await exchangeCode(sandbox, flow);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: "invalid_grant" });
    expect((await getApi(sandbox, "/v2/self", first.access_token)).status).toBe(401);
    const refreshed = await refresh(sandbox, first.refresh_token!);
    expect(await refreshed.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("expires codes after ten minutes", async () => {
    let time = Date.now();
    const { app } = createSandboxApp({ issuer: "http://sandbox.test", now: () => time });
    const query = new URLSearchParams({
      response_type: "code",
      client_id: "taskr-sandbox",
      redirect_uri: redirectUri,
    });
    const page = await (await app.request(`/authorize?${query}`)).text();
    const requestId = /name="request_id" value="([^"]+)"/.exec(page)![1]!;
    const decision = await app.request("/authorize/decision", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ request_id: requestId, decision: "allow" }),
    });
    const code = new URL(decision.headers.get("location")!).searchParams.get("code")!;
    time += 10 * 60 * 1000;
    const response = await app.request("/oauth/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: redirectUri,
        client_id: "taskr-sandbox",
        client_secret: "taskr-sandbox-secret",
      }),
    });
    expect(await response.json()).toMatchObject({ error: "invalid_grant" });
  });
});

describe("refresh_token grant", () => {
  it("rotates: the new refresh token works and the old one answers invalid_grant", async () => {
    const tokens = await connect(sandbox);
    const response = await refresh(sandbox, tokens.refresh_token!);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const next = (await response.json()) as TokenBody;
    expect(next.access_token).toMatch(/^sbx_at_/);
    expect(next.access_token).not.toBe(tokens.access_token);
    expect(next.refresh_token).toMatch(/^sbx_rt_/);
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect(next.scope).toBe(tokens.scope);

    const old = await refresh(sandbox, tokens.refresh_token!);
    expect(old.status).toBe(400);
    expect(await old.json()).toMatchObject({ error: "invalid_grant" });
    expect((await refresh(sandbox, next.refresh_token!)).status).toBe(200);
  });

  it("keeps the refresh token and omits a new one when rotation is off", async () => {
    sandbox.knobs.rotateRefreshToken = false;
    const tokens = await connect(sandbox);
    const first = (await (await refresh(sandbox, tokens.refresh_token!)).json()) as TokenBody;
    expect(first.refresh_token).toBeUndefined();
    expect((await refresh(sandbox, tokens.refresh_token!)).status).toBe(200);
  });

  it("refuses to widen the scope", async () => {
    const tokens = await connect(sandbox);
    const response = await postToken(sandbox, {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token!,
      scope: "task:read-write",
    });
    expect(await response.json()).toMatchObject({ error: "invalid_scope" });
  });
});

describe("token endpoint knobs", () => {
  it("omits expires_in when accessTokenTtlSeconds is null", async () => {
    sandbox.knobs.accessTokenTtlSeconds = null;
    const tokens = await connect(sandbox);
    expect(tokens).not.toHaveProperty("expires_in");
    expect(tokens.access_token).toMatch(/^sbx_at_/);
  });

  it("omits the refresh token when issueRefreshToken is off", async () => {
    sandbox.knobs.issueRefreshToken = false;
    expect(await connect(sandbox)).not.toHaveProperty("refresh_token");
  });

  it("fails the next token request once, as scripted", async () => {
    const tokens = await connect(sandbox);
    sandbox.knobs.failNextToken = { status: 500 };
    const failed = await refresh(sandbox, tokens.refresh_token!);
    expect(failed.status).toBe(500);
    expect(sandbox.knobs.failNextToken).toBeNull();
    expect((await refresh(sandbox, tokens.refresh_token!)).status).toBe(200);

    sandbox.knobs.failNextToken = { status: 400, body: { error: "invalid_grant" } };
    const scripted = await refresh(sandbox, tokens.refresh_token!);
    expect(scripted.status).toBe(400);
    expect(await scripted.json()).toEqual({ error: "invalid_grant" });
  });

  it("enforces the configured client authentication method", async () => {
    sandbox.knobs.tokenEndpointAuth = "client_secret_basic";
    const tokens = await connect(sandbox).catch((error: Error) => error);
    expect(tokens).toBeInstanceOf(Error);
    const flow = await consent(sandbox);
    const params = {
      grant_type: "authorization_code",
      code: flow.code,
      redirect_uri: redirectUri,
      code_verifier: flow.verifier,
    };
    expect((await postToken(sandbox, params, { basic: true })).status).toBe(200);
  });

  it("answers 401 invalid_client for a wrong secret", async () => {
    const response = await fetch(new URL("/oauth/token", sandbox.url), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: "sbx_rt_x",
        client_id: "taskr-sandbox",
        client_secret: "wrong",
      }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Basic/);
    expect(await response.json()).toEqual({
      error: "invalid_client",
      error_description: expect.any(String),
    });
  });

  it("adds latencyMs to token responses", async () => {
    sandbox.knobs.latencyMs = 120;
    const started = performance.now();
    await postToken(sandbox, { grant_type: "refresh_token", refresh_token: "sbx_rt_x" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it("counts requests by grant type", async () => {
    const tokens = await connect(sandbox);
    await refresh(sandbox, tokens.refresh_token!);
    await refresh(sandbox, tokens.refresh_token!);
    expect(sandbox.stats).toEqual({
      tokenRequests: 3,
      authorizationCodeGrants: 1,
      refreshGrants: 2,
      revocations: 0,
    });
  });

  it("answers unsupported_grant_type and refuses non-form bodies", async () => {
    const password = await postToken(sandbox, { grant_type: "password" });
    expect(await password.json()).toMatchObject({ error: "unsupported_grant_type" });
    const json = await fetch(new URL("/oauth/token", sandbox.url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "refresh_token" }),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: "invalid_request" });
  });
});

describe("provider-shaped token responses", () => {
  it("merges tokenResponseExtras into the standard response", async () => {
    sandbox.knobs.tokenResponseExtras = { instance_url: "https://acme.my.salesforce.com" };
    const body = await connect(sandbox);
    expect(body).toMatchObject({
      token_type: "Bearer",
      instance_url: "https://acme.my.salesforce.com",
    });
  });

  it('"slack" nests the user token under authed_user, with comma-separated scopes', async () => {
    sandbox.knobs.tokenResponseShape = "slack";
    const response = await exchangeCode(sandbox, await consent(sandbox));
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      ok: true,
      authed_user: {
        access_token: expect.stringMatching(/^sbx_at_/),
        token_type: "user",
        scope: "task:read,user_management:read",
        refresh_token: expect.stringMatching(/^sbx_rt_/),
        expires_in: 3600,
      },
      team: { name: "Acme Sandbox" },
    });
    expect(body).not.toHaveProperty("access_token");
  });

  it('"slack" answers errors as HTTP 200 { ok: false, error }', async () => {
    sandbox.knobs.tokenResponseShape = "slack";
    const response = await refresh(sandbox, "sbx_rt_unknown");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: false, error: "invalid_grant" });
  });
});
