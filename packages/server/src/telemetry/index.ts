// The kit's OpenTelemetry, through @opentelemetry/api only: a no-op until the host registers an SDK.
export { type HttpOperation, hostOf, tracedRequest } from "./http-client";
export { measure, type RefreshOutcome, type WorkKind } from "./metrics";
export { annotate, errorType, inSpan, markFailed } from "./tracing";
