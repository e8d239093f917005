import type { Context, Hono, TypedResponse } from "hono";
import type { StatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { type ConnectionsErrorCode, ERROR_STATUS } from "../shared/errors";
import type { Identity } from "../shared/identity";
import { caller, type Env } from "./env";
import { readJsonBody } from "./request-body";

// What a use case may answer with, by what it reaches: spread into an operation's `errors`.

/** It reads or writes the database: 503 while the database is away. */
export const STORE = ["store_unavailable"] as const;
/** It opens or seals a stored credential: 500 when the keyring does not open it. */
export const VAULT = ["vault_unavailable"] as const;
/** It calls a provider, or a URL a provider's metadata named (shared/outbound.ts). */
export const OUTBOUND = [
  "provider_error",
  "provider_unreachable",
  "unsafe_url",
  "response_too_large",
] as const;
/** It discovers an MCP server or an issuer and registers a client there (mcp/prepare.ts). */
export const DISCOVERY = [
  ...OUTBOUND,
  "mcp_discovery_failed",
  "mcp_pkce_unsupported",
  "mcp_registration_failed",
  "mcp_registration_unavailable",
  "invalid_options",
] as const;

/** One answer a route gives without throwing: a JSON schema's output, a page, a script, nothing. */
export type Reply = {
  description: string;
  json?: z.ZodType;
  /** A body that is not JSON, by its media type. */
  media?: "text/html" | "text/javascript";
  /** Response headers a caller relies on, by name, with what they carry. */
  headers?: Record<string, string>;
};

type Method = "get" | "post" | "patch" | "delete";
type Replies = Partial<Record<StatusCode, Reply>>;
type ErrorCodes = readonly ConnectionsErrorCode[];

/** The route's answers: its replies, and the statuses of the codes it may return (not throw). */
type Answer<R extends Replies, E extends ErrorCodes> = Response &
  // biome-ignore lint/suspicious/noExplicitAny: any format; the status is what is checked
  TypedResponse<unknown, (keyof R & StatusCode) | (typeof ERROR_STATUS)[E[number]], any>;

type Input<Caller, Body extends z.ZodType> = {
  /** The signed-in caller: already checked (401 otherwise) when the operation needs one. */
  identity: Caller extends "user" ? Identity : Identity | null;
  /** The body, parsed with the very schema the document publishes for it. */
  body(): Promise<z.output<Body>>;
};

/**
 * A route as Hono serves it and as GET /openapi.json describes it: one definition, so the two
 * cannot disagree. Only the codes a use case may answer with are listed; those every route
 * shares (401 without a caller, 403 csrf_rejected and 413 on every non-GET, 400 on a body that
 * does not parse, 500) the document adds by the rules that produce them.
 */
export type Operation<
  Path extends string = string,
  Caller extends "user" | "anyone" = "user" | "anyone",
  Body extends z.ZodType = z.ZodType,
  R extends Replies = Replies,
  E extends ErrorCodes = ErrorCodes,
> = {
  method: Method;
  path: Path;
  operationId: string;
  summary: string;
  /** "user": identify() must find the caller first (401 otherwise); "anyone": no sign-in. */
  caller: Caller;
  /** The JSON body and its schema; `whenEmpty` is what an empty body reads as, if one may be. */
  body?: { schema: Body; whenEmpty?: unknown };
  /** Query parameters the route reads, by name, with what each is. */
  query?: Record<string, string>;
  replies: R;
  errors: E;
  handle(c: Context<Env, Path>, input: Input<Caller, Body>): Answer<R, E> | Promise<Answer<R, E>>;
};

const operations = new WeakMap<object, Operation>();

/** Serves `operation` on `app`, remembering its definition for the document. */
export function serve<
  const Path extends string,
  const Caller extends "user" | "anyone",
  const R extends Replies,
  const E extends ErrorCodes,
  Body extends z.ZodType = never,
>(app: Hono<Env>, operation: Operation<Path, Caller, Body, R, E>): void {
  const handler = async (c: Context<Env, Path>) => {
    const identity = operation.caller === "user" ? caller(c) : c.get("identity");
    const body = async () => {
      const schema = operation.body?.schema;
      if (!schema) throw new TypeError(`${operation.operationId} declares no body`);
      return schema.parse(await readJsonBody(c, operation.body?.whenEmpty));
    };
    return operation.handle(c, { identity, body } as Input<Caller, Body>);
  };
  operations.set(handler, operation as unknown as Operation);
  app.on(operation.method.toUpperCase(), operation.path, handler);
}

/** A registered route and the operation it serves, with the path as the app routes it. */
export type Served = { path: string; operation: Operation };

/**
 * Every route `app` registered, read from Hono's own table: a route added without `serve()`
 * fails here rather than going undocumented. Middleware (`use`) and the catch-all 404 answer
 * every method on a wildcard and are no operation.
 */
export function servedBy(app: Hono<Env>): Served[] {
  return app.routes
    .filter((route) => !(route.method === "ALL" && route.path.endsWith("*")))
    .map((route) => {
      const operation = operations.get(route.handler);
      if (!operation || operation.method !== route.method.toLowerCase()) {
        throw new Error(`${route.method} ${route.path} is routed without serve(): undocumented`);
      }
      return { path: route.path, operation };
    });
}

/** The statuses of `codes`, each with the codes that answer with it. */
export function byStatus(codes: readonly ConnectionsErrorCode[]): Map<number, string[]> {
  const statuses = new Map<number, string[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_STATUS[code];
    statuses.set(status, [...(statuses.get(status) ?? []), code]);
  }
  return statuses;
}
