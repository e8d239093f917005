import { describe, expect, it } from "vitest";
import { parseSlackAuthTest, slack, slackTokenResponse } from "./slack";

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
