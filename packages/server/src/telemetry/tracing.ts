import { type Attributes, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";

/** The instrumentation scope of every span and metric the kit records. */
export const SCOPE = "@x/server";

// A ProxyTracer: it follows a tracer provider the host registers later, so no caching issue.
const tracer = trace.getTracer(SCOPE);

/**
 * What an error is, as a span or metric may say it: our closed `code`, or the error's class
 * name. Never its message: a provider's words and a URL's path can carry anything.
 */
export function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^[a-z][a-z0-9_]{0,63}$/.test(code)) return code;
  return error instanceof Error ? error.name : "unknown";
}

/** Marks the span failed with the error's type only (no exception event: it holds the text). */
export function markFailed(span: Span, error: unknown): void {
  const type = errorType(error);
  span.setAttribute("error.type", type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}

/** Adds to the current span what is known only part-way (a provider name once it is checked). */
export function annotate(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

/**
 * Runs `run` inside a span named `name`: its outcome sets the status, an error its type.
 * With no SDK registered this is the API's no-op span.
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  run: (span: Span) => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  return tracer.startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await run(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}
