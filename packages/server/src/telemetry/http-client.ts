import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { measure } from "./metrics";
import { inSpan } from "./tracing";

/** What a request is for: part of its span and metric, so an operator can tell them apart. */
export type HttpOperation =
  | "token"
  | "revocation"
  | "identity"
  | "metadata"
  | "registration"
  | "api"
  | "mcp"
  | "webhook";

/** A URL's host alone, for an attribute: its path and query are never recorded. */
export function hostOf(url: string): string {
  return URL.canParse(url) ? new URL(url).hostname : "invalid";
}

/**
 * A request to a third party as an HTTP client span (OpenTelemetry's semantic conventions,
 * named by the method) and a sample of `http.client.request.duration`. The URL is reported by
 * scheme, host and port only: a path or query can carry a key (some MCP servers put one
 * there), so `url.full` is left out on purpose. No header, body or error text is recorded.
 */
export function tracedRequest(
  method: string,
  url: URL,
  labels: { provider?: string | undefined; operation: HttpOperation },
  send: () => Promise<Response>,
): Promise<Response> {
  const port = Number(url.port) || (url.protocol === "https:" ? 443 : 80);
  const attributes = {
    "http.request.method": method.toUpperCase(),
    "server.address": url.hostname,
    "server.port": port,
    "url.scheme": url.protocol.slice(0, -1),
    "connections.operation": labels.operation,
    ...(labels.provider ? { "connections.provider": labels.provider } : {}),
  };
  const started = performance.now();
  return inSpan(
    method.toUpperCase(),
    attributes,
    async (span) => {
      let status: number | undefined;
      let errorType: string | undefined;
      try {
        const response = await send();
        status = response.status;
        span.setAttribute("http.response.status_code", status);
        if (status >= 400) {
          errorType = String(status);
          span.setAttribute("error.type", errorType);
          span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
        }
        return response;
      } catch (error) {
        errorType = (error as Error)?.name === "TimeoutError" ? "timeout" : "request_failed";
        throw error;
      } finally {
        measure.httpClient((performance.now() - started) / 1000, {
          ...attributes,
          ...(status === undefined ? {} : { "http.response.status_code": status }),
          ...(errorType ? { "error.type": errorType } : {}),
        });
      }
    },
    SpanKind.CLIENT,
  );
}
