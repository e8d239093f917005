import type { Hono } from "hono";
import { createSandboxApp } from "./app";
import type { SandboxClient } from "./clients";
import type { SandboxKnobs } from "./knobs";
import { listenThenServe } from "./listener";
import type { SandboxStats } from "./stats";

export type StartSandboxOptions = {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  clients?: SandboxClient[];
  knobs?: Partial<SandboxKnobs>;
  workspaceName?: string;
};

export type Sandbox = {
  /** "http://127.0.0.1:<port>"; also the issuer. */
  url: string;
  issuer: string;
  /** Mutable: changes apply to the next request. */
  knobs: SandboxKnobs;
  /** Live counters. */
  stats: SandboxStats;
  app: Hono;
  /** Invalidates every access and refresh token, as if the user removed the app in Attio. */
  revokeAll(): void;
  expireAccessTokens(): void;
  close(): Promise<void>;
};

export async function startSandbox(options: StartSandboxOptions = {}): Promise<Sandbox> {
  const {
    app: sandbox,
    origin,
    close,
  } = await listenThenServe(options, (issuer) => {
    const built = createSandboxApp({
      issuer,
      clients: options.clients,
      knobs: options.knobs,
      workspaceName: options.workspaceName,
    });
    return { app: built, fetch: (request) => built.app.fetch(request) };
  });
  return { ...sandbox, url: origin, close };
}
