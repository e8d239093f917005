import { createMiddleware } from "hono/factory";
import type { SandboxContext } from "../context";
import { AttioApiError } from "../errors";
import type { AccessToken } from "../oauth/grants";

export type ApiEnv = { Variables: { accessToken: AccessToken } };

/** RFC 6750 §2.1 b64token syntax. */
const bearerPattern = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

/** Attio answers every bad token alike; so does this, so a client cannot tell why. */
export const requireAccessToken = (context: SandboxContext) =>
  createMiddleware<ApiEnv>(async function requireAccessToken(c, next) {
    const match = bearerPattern.exec(c.req.header("authorization") ?? "");
    const record = match?.[1] ? context.store.findAccessToken(match[1]) : null;
    if (!record) {
      throw new AttioApiError(
        401,
        "auth_error",
        "unauthorized",
        "The access token is missing, invalid, expired or revoked.",
      );
    }
    c.set("accessToken", record);
    await next();
  });

/** Passes when the token holds any one of the scopes. */
export const requireScope = (...anyOf: string[]) =>
  createMiddleware<ApiEnv>(async function requireScope(c, next) {
    if (!anyOf.some((scope) => c.var.accessToken.scopes.includes(scope))) {
      throw new AttioApiError(
        403,
        "auth_error",
        "forbidden",
        `This token is missing a required scope: ${anyOf.join(" or ")}.`,
      );
    }
    await next();
  });
