import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ZodError } from "zod";
import { ConnectionsError, ERROR_STATUS, InsufficientScopeError } from "../shared/errors";
import type { ErrorBody } from "./schemas";

export function errorBody(error: ConnectionsError): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.provider ? { provider: error.provider } : {}),
      ...(error instanceof InsufficientScopeError ? { scopes: error.scopes } : {}),
    },
  };
}

/** The error a route failed with, as the kit's typed error, or undefined when it is none. */
export function knownError(error: unknown): ConnectionsError | undefined {
  if (error instanceof ConnectionsError) return error;
  if (error instanceof ZodError)
    return new ConnectionsError("invalid_request", describeZodError(error));
  return undefined;
}

/**
 * One place maps errors to HTTP: typed codes keep their message, anything else says nothing
 * to the browser and goes to `unexpected` (the host's logger), whose text may be anything.
 */
export function errorHandler(unexpected: (error: unknown, c: Context) => void) {
  return (error: unknown, c: Context): Response => {
    const known = knownError(error);
    if (known) return c.json(errorBody(known), ERROR_STATUS[known.code] as ContentfulStatusCode);
    unexpected(error, c);
    const body: ErrorBody = { error: { code: "internal_error", message: "Something went wrong" } };
    return c.json(body, 500);
  };
}

function describeZodError(error: ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "Invalid request";
  const path = issue.path.join(".");
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** For host routes that call the kit: the same JSON error and status the kit's routes send. */
export function connectionsErrorResponse(error: ConnectionsError): Response {
  return Response.json(errorBody(error), { status: ERROR_STATUS[error.code] });
}
