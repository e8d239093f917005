import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ZodError } from "zod";
import { ConnectionsError, errorStatus, InsufficientScopeError } from "../errors";
import { isStoreUnavailable, storeUnavailableError } from "../store/unavailable";

export function errorBody(error: ConnectionsError) {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.provider ? { provider: error.provider } : {}),
      ...(error instanceof InsufficientScopeError ? { scopes: error.scopes } : {}),
    },
  };
}

/** One place maps errors to HTTP: typed codes keep their message, anything else says nothing. */
export function toErrorResponse(error: unknown, c: Context): Response {
  const known =
    error instanceof ConnectionsError
      ? error
      : error instanceof ZodError
        ? new ConnectionsError("invalid_request", describeZodError(error))
        : isStoreUnavailable(error)
          ? storeUnavailableError()
          : undefined;
  if (known) {
    const status = (errorStatus[known.code] ?? 400) as ContentfulStatusCode;
    return c.json(errorBody(known), status);
  }
  // Unknown errors may carry anything in their message: log the kind, never the text.
  console.error(
    `@x/server: unexpected ${(error as Error)?.name ?? "error"} on ${c.req.method} ${c.req.routePath}`,
  );
  return c.json({ error: { code: "internal_error", message: "Something went wrong" } }, 500);
}

function describeZodError(error: ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "Invalid request";
  const path = issue.path.join(".");
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** For host routes that call the kit: the same JSON error and status the kit's routes send. */
export function connectionsErrorResponse(error: ConnectionsError): Response {
  return Response.json(errorBody(error), { status: errorStatus[error.code] ?? 400 });
}
