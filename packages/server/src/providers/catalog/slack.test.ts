import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { fetchAccount } from "../../oauth/fetch-account";
import { parseSlackAuthTest, slack, slackAuthTestStatus, slackTokenResponse } from "./slack";

describe("slackTokenResponse", () => {
  it("lifts a user token out of authed_user when only user scopes were granted", () => {
    expect(
      slackTokenResponse({
        ok: true,
        app_id: "A1",
        authed_user: {
          id: "U1",
          scope: "search:read,chat:write",
          access_token: "xoxp-1",
          token_type: "user",
        },
        team: { id: "T1", name: "Acme" },
        enterprise: null,
        is_enterprise_install: false,
      }),
    ).toEqual({
      app_id: "A1",
      is_enterprise_install: false,
      access_token: "xoxp-1",
      token_type: "bearer",
      scope: "search:read,chat:write",
      authed_user_id: "U1",
      team_id: "T1",
      team_name: "Acme",
    });
  });

  it("keeps the bot token when there is one, and its rotation fields", () => {
    const normalised = slackTokenResponse({
      ok: true,
      access_token: "xoxb-1",
      token_type: "bot",
      scope: "users:read",
      refresh_token: "xoxe-1",
      expires_in: 43200,
      bot_user_id: "B1",
      authed_user: { id: "U1" },
      team: { id: "T1", name: "Acme" },
    });
    expect(normalised).toMatchObject({
      access_token: "xoxb-1",
      token_type: "bearer",
      refresh_token: "xoxe-1",
      expires_in: 43200,
      bot_user_id: "B1",
    });
  });

  it("turns { ok: false } into an RFC 6749 error, keeping Slack's code as the description", () => {
    expect(slackTokenResponse({ ok: false, error: "invalid_refresh_token" })).toEqual({
      error: "invalid_grant",
      error_description: "invalid_refresh_token",
    });
    expect(slackTokenResponse({ ok: false, error: "bad_client_secret" })).toMatchObject({
      error: "invalid_client",
    });
    expect(slackTokenResponse({ ok: false, error: "ratelimited" })).toMatchObject({
      error: "ratelimited",
    });
  });
});

describe("slack()", () => {
  it("asks for user scopes with user_scope, comma-separated", () => {
    const provider = slack({ scopes: [], userScopes: ["search:read", "chat:write"] });
    expect(provider.authorizeParams).toEqual({ user_scope: "search:read,chat:write" });
    expect(provider.scopeSeparator).toBe(",");
    expect(slack().authorizeParams).toBeUndefined();
  });

  it("names the account from auth.test", () => {
    expect(
      parseSlackAuthTest({ ok: true, team: "Acme", user: "alice", team_id: "T1", user_id: "U1" }),
    ).toEqual({ accountId: "U1", name: "Acme", handle: "alice" });
  });
});

describe("slackAuthTestStatus", () => {
  it("reads a revoked token reported inside a 200 as a 401, other failures as 502", () => {
    expect(slackAuthTestStatus({ ok: false, error: "token_revoked" })).toBe(401);
    expect(slackAuthTestStatus({ ok: false, error: "invalid_auth" })).toBe(401);
    expect(slackAuthTestStatus({ ok: false, error: "ratelimited" })).toBe(502);
    expect(slackAuthTestStatus({ ok: true, team: "Acme" })).toBeNull();
  });

  it("makes the health check see a revoked Slack token as failed", async () => {
    const server = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ ok: false, error: "token_revoked" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/auth.test`;
    const provider = slack({ clientId: "id", clientSecret: "secret" });
    const result = await fetchAccount(
      { ...provider, identity: { ...provider.identity!, url } },
      { accessToken: "xoxb-test" },
      2_000,
    );
    await new Promise((resolve) => server.close(resolve));
    expect(result).toEqual({ ok: false, status: 401 });
  });
});
