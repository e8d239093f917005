import type { Context } from "hono";
import { ConnectionsError } from "../shared/errors";

/** Bodies above this are refused before they are read: no route needs more than a secret. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * The request's JSON body. An empty body is `whenEmpty` if the route allows one; text that is not
 * JSON is a 400 naming the body, never silently read as `{}`.
 */
export async function readJsonBody(c: Context, whenEmpty?: unknown): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") {
    if (whenEmpty !== undefined) return whenEmpty;
    throw new ConnectionsError("invalid_request", "body: a JSON object is required");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ConnectionsError("invalid_request", "body: not valid JSON");
  }
}
