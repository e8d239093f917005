import { describe, expect, it } from "vitest";
import { atlassian, atlassianAuthorizeParams, parseAtlassianMe } from "./atlassian";

describe("atlassian()", () => {
  it("sends the api.atlassian.com audience and prompt=consent", () => {
    expect(atlassianAuthorizeParams()).toEqual({
      audience: "api.atlassian.com",
      prompt: "consent",
    });
    expect(atlassian().authorizeParams).toEqual(atlassianAuthorizeParams());
  });

  it("asks for offline_access so a (rotating) refresh token is issued", () => {
    expect(atlassian().scopes).toContain("offline_access");
  });

  it("names the account from /me", () => {
    expect(parseAtlassianMe({ account_id: "a1", name: "Alice", email: "alice@acme.test" })).toEqual(
      { accountId: "a1", name: "Alice", handle: "alice@acme.test" },
    );
  });
});
