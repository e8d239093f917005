import { type Context, Hono } from "hono";
import type { SandboxClient } from "../clients";
import type { SandboxContext } from "../context";
import { OAuthError } from "../errors";
import type { SandboxKnobs } from "../knobs";
import { formatScope, parseScope } from "../scopes";
import type { Workspace } from "../workspace";
import { authenticateClient, readClientCredentials } from "./client-auth";
import type { IssuedTokens, TokenPolicy } from "./grants";
import { readFormBody, readParam, requireParam } from "./params";
import { verifyCodeVerifier } from "./pkce";

const policyOf = (knobs: SandboxKnobs): TokenPolicy => ({
  accessTokenTtlSeconds: knobs.accessTokenTtlSeconds,
  issueRefreshToken: knobs.issueRefreshToken,
});

/**
 * RFC 8707 §2.2: a token request names the resource again, and it must be the one granted.
 * Servers without resources (the Attio stand-in) ignore the parameter.
 */
function checkTokenResource(
  context: SandboxContext,
  body: URLSearchParams,
  granted: string | null,
): void {
  if (!context.resources) return;
  const resource = readParam(body, "resource");
  if (resource === null) throw new OAuthError("invalid_target", "resource is required");
  if (resource !== granted) {
    throw new OAuthError("invalid_target", "resource differs from the one granted");
  }
}

/** RFC 6749 §4.1.3 and RFC 7636 §4.6. */
export function exchangeAuthorizationCode(
  context: SandboxContext,
  client: SandboxClient,
  body: URLSearchParams,
): IssuedTokens {
  const { store } = context;
  const record = store.findCode(requireParam(body, "code"));
  // Another client's code is not burned: that would let any client cancel someone's login.
  if (!record || record.request.clientId !== client.clientId) {
    throw new OAuthError("invalid_grant", "the authorization code is unknown or expired");
  }
  if (record.redeemed) {
    // RFC 6749 §4.1.2: a replayed code may be stolen, so the tokens it bought are revoked.
    if (record.grantId !== null) store.revokeGrant(record.grantId);
    throw new OAuthError("invalid_grant", "the authorization code was already used");
  }
  // Burned before the checks below, so a wrong verifier cannot be retried against it.
  record.redeemed = true;
  const { request } = record;
  const redirectUri = readParam(body, "redirect_uri");
  const redirectUriMatches = request.redirectUriSent
    ? redirectUri === request.redirectUri
    : redirectUri === null || redirectUri === request.redirectUri;
  if (!redirectUriMatches) {
    throw new OAuthError("invalid_grant", "redirect_uri does not match the authorization request");
  }
  const verifier = readParam(body, "code_verifier");
  if (request.codeChallenge !== null) {
    if (verifier === null) throw new OAuthError("invalid_grant", "code_verifier is required");
    if (!verifyCodeVerifier(verifier, request.codeChallenge)) {
      throw new OAuthError("invalid_grant", "code_verifier does not match the code_challenge");
    }
  } else if (verifier !== null) {
    // RFC 9700 §2.1.1: a verifier without a challenge is a PKCE downgrade attempt.
    throw new OAuthError("invalid_grant", "the authorization request had no code_challenge");
  }
  checkTokenResource(context, body, request.resource);
  const grantId = store.createGrant(request.resource);
  record.grantId = grantId;
  return store.issueTokens(grantId, client.clientId, request.scopes, policyOf(context.knobs));
}

/** RFC 6749 §6. */
export function exchangeRefreshToken(
  context: SandboxContext,
  client: SandboxClient,
  body: URLSearchParams,
): IssuedTokens {
  const { store, knobs } = context;
  const refreshToken = requireParam(body, "refresh_token");
  const record = store.findRefreshToken(refreshToken);
  if (!record || record.clientId !== client.clientId) {
    throw new OAuthError("invalid_grant", "the refresh token is unknown, rotated or revoked");
  }
  checkTokenResource(context, body, store.resourceOf(record.grantId));
  const requested = readParam(body, "scope");
  const scopes = requested === null ? record.scopes : parseScope(requested);
  const widened = scopes.filter((scope) => !record.scopes.includes(scope));
  if (widened.length > 0) {
    throw new OAuthError("invalid_scope", `not granted originally: ${widened.join(", ")}`);
  }
  const { accessToken, expiresIn } = store.issueAccessToken(
    record.grantId,
    client.clientId,
    scopes,
    policyOf(knobs),
  );
  let newRefreshToken: string | null = null;
  if (knobs.rotateRefreshToken) {
    store.retireRefreshToken(refreshToken);
    // §6: the new refresh token keeps the original scope, whatever this request narrowed.
    newRefreshToken = store.issueRefreshToken(record.grantId, client.clientId, record.scopes);
  }
  return { accessToken, refreshToken: newRefreshToken, expiresIn, scopes };
}

/** RFC 6749 §5.1: tokens must never be cached. */
function sendTokens(c: Context, tokens: IssuedTokens, context: SandboxContext): Response {
  c.header("Cache-Control", "no-store");
  c.header("Pragma", "no-cache");
  return c.json(tokenResponseBody(tokens, context.knobs, context.workspace));
}

/** The token response in the shape the knobs ask for, with their extras merged in. */
export function tokenResponseBody(
  tokens: IssuedTokens,
  knobs: Pick<SandboxKnobs, "tokenResponseExtras" | "tokenResponseShape" | "returnScope">,
  workspace: Workspace,
): Record<string, unknown> {
  const standard = {
    access_token: tokens.accessToken,
    token_type: "Bearer",
    ...(tokens.expiresIn !== null && { expires_in: tokens.expiresIn }),
    ...(tokens.refreshToken !== null && { refresh_token: tokens.refreshToken }),
    ...(knobs.returnScope && { scope: formatScope(tokens.scopes) }),
  };
  if (knobs.tokenResponseShape === "standard") return { ...standard, ...knobs.tokenResponseExtras };
  // Slack's oauth.v2.access after a user-scope-only install: the token sits under authed_user,
  // typed "user", scopes comma-separated, and the workspace under team.
  return {
    ok: true,
    app_id: "A0SANDBOX",
    authed_user: {
      id: workspace.memberId,
      ...standard,
      token_type: "user",
      scope: tokens.scopes.join(","),
    },
    team: { id: workspace.id, name: workspace.name },
    enterprise: null,
    is_enterprise_install: false,
    ...knobs.tokenResponseExtras,
  };
}

/** Slack answers a failed method with HTTP 200 and `{ ok: false, error }`. */
function slackShapedError(error: OAuthError): Response {
  return Response.json(
    { ok: false, error: error.code },
    { status: 200, headers: { "Cache-Control": "no-store" } },
  );
}

/** Answers the scripted failure and clears it, so exactly one request sees it. */
function takeScriptedFailure(knobs: SandboxKnobs): Response | null {
  const failure = knobs.failNextToken;
  if (failure === null) return null;
  knobs.failNextToken = null;
  const headers = { "Cache-Control": "no-store" };
  if (failure.body === undefined) return new Response(null, { status: failure.status, headers });
  if (typeof failure.body === "string") {
    return new Response(failure.body, {
      status: failure.status,
      headers: { ...headers, "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  return Response.json(failure.body, { status: failure.status, headers });
}

export function tokenRoutes(context: SandboxContext) {
  const { clients, knobs, stats } = context;
  return new Hono().post("/oauth/token", async (c) => {
    stats.tokenRequests += 1;
    const body = await readFormBody(c.req.raw);
    const grantType = body.get("grant_type");
    if (grantType === "authorization_code") stats.authorizationCodeGrants += 1;
    if (grantType === "refresh_token") stats.refreshGrants += 1;
    const scripted = takeScriptedFailure(knobs);
    if (scripted) return scripted;

    try {
      const credentials = readClientCredentials(c.req.header("authorization"), body);
      const client = authenticateClient(credentials, clients, knobs.tokenEndpointAuth);
      switch (requireParam(body, "grant_type")) {
        case "authorization_code":
          return sendTokens(c, exchangeAuthorizationCode(context, client, body), context);
        case "refresh_token":
          return sendTokens(c, exchangeRefreshToken(context, client, body), context);
        default:
          throw new OAuthError("unsupported_grant_type", "use authorization_code or refresh_token");
      }
    } catch (error) {
      if (knobs.tokenResponseShape === "slack" && error instanceof OAuthError) {
        return slackShapedError(error);
      }
      throw error;
    }
  });
}
