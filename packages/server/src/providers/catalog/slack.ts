import type { AccountIdentity, OAuthProvider } from "../types";
import {
  type CatalogOptions,
  defined,
  isObject,
  type JsonObject,
  text,
  withOptions,
} from "./shared";

export type SlackOptions = CatalogOptions & {
  /** Scopes for a user token (`user_scope`); `scopes` are the bot token's. */
  userScopes?: string[];
};

/**
 * Slack's OAuth v2: comma-separated scopes, bot scopes in `scope` and user scopes in
 * `user_scope`; no PKCE for confidential apps; tokens do not expire unless the app turned on
 * token rotation. Revocation is the auth.revoke Web API method, which takes `token` like RFC 7009.
 */
export function slack(options: SlackOptions = {}): OAuthProvider {
  const userScopes = options.userScopes ?? [];
  return withOptions(
    {
      kind: "oauth2",
      name: "slack",
      displayName: "Slack",
      docsUrl: "https://docs.slack.dev/authentication/installing-with-oauth",
      authorizationEndpoint: "https://slack.com/oauth/v2/authorize",
      tokenEndpoint: "https://slack.com/api/oauth.v2.access",
      revocationEndpoint: "https://slack.com/api/auth.revoke",
      scopes: ["users:read"],
      scopeSeparator: ",",
      apiOrigins: ["https://slack.com"],
      clientAuth: "client_secret_post",
      pkce: false,
      ...(userScopes.length > 0 ? { authorizeParams: { user_scope: userScopes.join(",") } } : {}),
      identity: { url: "https://slack.com/api/auth.test", parse: parseSlackAuthTest },
      quirks: { tokenResponse: slackTokenResponse, identityStatus: slackAuthTestStatus },
    },
    options,
  );
}

/** Slack's method errors that mean "this grant is dead" or "this client is wrong". */
const slackErrors: Record<string, string> = {
  invalid_code: "invalid_grant",
  code_already_used: "invalid_grant",
  invalid_refresh_token: "invalid_grant",
  invalid_grant_type: "unsupported_grant_type",
  invalid_client_id: "invalid_client",
  bad_client_secret: "invalid_client",
  bad_redirect_uri: "invalid_grant",
};

/**
 * oauth.v2.access answers errors as HTTP 200 `{ ok: false, error }`, nests the user token under
 * `authed_user` (absent at the top when only user scopes were asked), names token types "bot" and
 * "user" (both are sent as Bearer), and nests the workspace under `team`.
 */
export function slackTokenResponse(body: JsonObject): JsonObject {
  if (body.ok === false) {
    const code = typeof body.error === "string" ? body.error : "server_error";
    return { error: slackErrors[code] ?? code, error_description: code };
  }
  const user = isObject(body.authed_user) ? body.authed_user : {};
  const token = typeof body.access_token === "string" ? body : user;
  return defined({
    ...body,
    ok: undefined,
    authed_user: undefined,
    team: undefined,
    enterprise: undefined,
    access_token: token.access_token,
    token_type: "bearer",
    scope: token.scope,
    refresh_token: token.refresh_token,
    expires_in: token.expires_in,
    authed_user_id: text(user, "id") ?? undefined,
    team_id: text(body, "team", "id") ?? undefined,
    team_name: text(body, "team", "name") ?? undefined,
  });
}

/** auth.test names the workspace and the user (or bot user) behind a token. */
export function parseSlackAuthTest(body: unknown): AccountIdentity {
  return {
    accountId: text(body, "user_id"),
    name: text(body, "team"),
    handle: text(body, "user"),
  };
}

/**
 * auth.test answers a revoked or invalid token as HTTP 200 `{ ok: false, error }`: that is a
 * 401 for the health check. https://docs.slack.dev/reference/methods/auth.test
 */
export function slackAuthTestStatus(body: unknown): number | null {
  if (!isObject(body) || body.ok !== false) return null;
  const dead = ["invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"];
  return dead.includes(String(body.error)) ? 401 : 502;
}
