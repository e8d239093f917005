import { setTimeout as sleep } from "node:timers/promises";
import { createMiddleware } from "hono/factory";
import type { SandboxKnobs } from "./knobs";

/** Reads the knob per request, so a test can change it on a running sandbox. */
export const latency = (knobs: SandboxKnobs) =>
  createMiddleware(async function latency(_c, next) {
    if (knobs.latencyMs > 0) await sleep(knobs.latencyMs);
    await next();
  });
