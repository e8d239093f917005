import { describe, expect, it } from "vitest";
import { githubTokenResponse, parseGitHubUser } from "./github";

describe("githubTokenResponse", () => {
  it("splits GitHub's comma-separated granted scopes into the standard space-separated form", () => {
    expect(
      githubTokenResponse({ access_token: "gho_1", token_type: "bearer", scope: "repo,gist" }),
    ).toEqual({ access_token: "gho_1", token_type: "bearer", scope: "repo gist" });
    expect(githubTokenResponse({ access_token: "gho_1", token_type: "bearer", scope: "" })).toEqual(
      { access_token: "gho_1", token_type: "bearer", scope: "" },
    );
  });

  it("maps GitHub's own error codes onto RFC 6749's", () => {
    expect(
      githubTokenResponse({ error: "bad_verification_code", error_description: "expired" }),
    ).toEqual({ error: "invalid_grant", error_description: "bad_verification_code" });
    expect(githubTokenResponse({ error: "bad_refresh_token" })).toMatchObject({
      error: "invalid_grant",
    });
    expect(githubTokenResponse({ error: "incorrect_client_credentials" })).toMatchObject({
      error: "invalid_client",
    });
    expect(githubTokenResponse({ error: "unverified_user_email", error_description: "x" })).toEqual(
      { error: "unverified_user_email", error_description: "x" },
    );
  });
});

describe("parseGitHubUser", () => {
  it("keeps the numeric id and falls back to the login for a name", () => {
    expect(parseGitHubUser({ id: 583231, login: "octocat", name: null })).toEqual({
      accountId: "583231",
      name: "octocat",
      handle: "octocat",
    });
  });
});
