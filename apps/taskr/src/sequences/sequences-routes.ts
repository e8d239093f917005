import { type Connections, ConnectionsError, connectionsErrorResponse } from "@x/server";
import { Hono } from "hono";
import { z } from "zod";
import { type TaskrEnv, TENANT_ID } from "../env";
import {
  enrollmentRequest,
  MAIL_SEQUENCER,
  offlineSequencer,
  type SendEnrollment,
} from "./mail-sequencer";

const enrollment = z.object({
  email: z.email("Enter an e-mail address").max(320),
  sequenceId: z.number().int().positive().default(1),
  mailboxId: z.number().int().positive().default(1),
});

const fail = (code: string, message: string) => ({ error: { code, message } });

/**
 * The guide's `addToSequence`, with the user's own API key from the vault instead of a hardcoded
 * one. No key saved: getUserConnection throws connection_required (never null), and the 409 it
 * becomes is the front end's cue to ask for the key.
 */
export function sequencesRoutes(connections: Connections, send: SendEnrollment = offlineSequencer) {
  const app = new Hono<TaskrEnv>();

  app.post("/", async (c) => {
    const user = c.get("user");
    if (!user) return c.json(fail("unauthenticated", "Sign in first"), 401);
    const parsed = enrollment.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) {
      return c.json(
        fail("invalid_request", parsed.error.issues[0]?.message ?? "Invalid input"),
        400,
      );
    }
    try {
      const connection = await connections.getUserConnection({
        provider: MAIL_SEQUENCER,
        tenantId: TENANT_ID,
        userId: user.id,
      });
      return c.json(await send(enrollmentRequest(parsed.data, connection.value)));
    } catch (error) {
      if (error instanceof ConnectionsError) return connectionsErrorResponse(error);
      // The key may sit in the request the error came from: log the kind, never the text.
      console.error(`[taskr] enrolling failed: ${(error as Error)?.name ?? "error"}`);
      return c.json(fail("sequencer_error", "The mail sequencing tool failed. Try again."), 502);
    }
  });

  return app;
}
