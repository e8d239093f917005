import type { AccountIdentity, OAuthProvider } from "../types";
import { type CatalogOptions, defined, type JsonObject, text, withOptions } from "./shared";

export type GitHubOptions = CatalogOptions;

/**
 * GitHub OAuth apps (and GitHub apps acting for a user). Access tokens of OAuth apps do not
 * expire and come without a refresh token; GitHub apps with expiring tokens add both. There is
 * no RFC 7009 revocation endpoint (GitHub's is DELETE /applications/{client_id}/token).
 * oauth4webapi already sends `Accept: application/json`, without which GitHub answers
 * form-encoded.
 */
export function github(options: GitHubOptions = {}): OAuthProvider {
  return withOptions(
    {
      kind: "oauth2",
      name: "github",
      displayName: "GitHub",
      docsUrl:
        "https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps",
      authorizationEndpoint: "https://github.com/login/oauth/authorize",
      tokenEndpoint: "https://github.com/login/oauth/access_token",
      scopes: ["read:user", "user:email"],
      scopeSeparator: " ",
      apiOrigins: ["https://api.github.com", "https://uploads.github.com"],
      clientAuth: "client_secret_post",
      pkce: true,
      identity: { url: "https://api.github.com/user", parse: parseGitHubUser },
      quirks: { tokenResponse: githubTokenResponse },
    },
    options,
  );
}

/** GitHub's token errors, which it answers with HTTP 200, mapped onto RFC 6749 §5.2 codes. */
const githubErrors: Record<string, string> = {
  bad_verification_code: "invalid_grant",
  bad_refresh_token: "invalid_grant",
  incorrect_client_credentials: "invalid_client",
  redirect_uri_mismatch: "invalid_grant",
};

/**
 * GitHub lists the granted scopes comma-separated ("repo,gist") though it takes them
 * space-separated, and names its errors its own way.
 */
export function githubTokenResponse(body: JsonObject): JsonObject {
  const error = typeof body.error === "string" ? body.error : undefined;
  return defined({
    ...body,
    scope:
      typeof body.scope === "string"
        ? body.scope
            .split(",")
            .map((scope) => scope.trim())
            .filter(Boolean)
            .join(" ")
        : undefined,
    error: error ? (githubErrors[error] ?? error) : undefined,
    error_description: error && githubErrors[error] ? error : body.error_description,
  });
}

/** GET /user: the numeric id is stable, the login can be renamed. */
export function parseGitHubUser(body: unknown): AccountIdentity {
  return {
    accountId: text(body, "id"),
    name: text(body, "name") ?? text(body, "login"),
    handle: text(body, "login"),
  };
}
