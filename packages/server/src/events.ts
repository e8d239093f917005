import type { ConnectionView } from "./routes/schemas";
import type { ConnectionSource } from "./routes/views";
import { toConnection } from "./routes/views";
import type { Logger } from "./shared/logger";
import type { WebhookSender } from "./webhooks/webhooks";

export type ConnectionEventType =
  | "connection.created"
  | "connection.reconnected"
  | "connection.refreshed"
  | "connection.auth_failed"
  | "connection.revoked"
  | "connection.deleted";

/** Events carry the public view of a connection, never its credential. */
export type ConnectionEvent = {
  type: ConnectionEventType;
  connection: ConnectionView;
  /** Set on `connection.reconnected` when the connection had failed: it recovered. */
  recovered?: boolean;
  /**
   * Why `connection.auth_failed` happened when the provider did not say so itself:
   * "issuer_changed" when the server's metadata names another authorization server than the
   * one that granted the connection (its tokens are never sent there).
   */
  reason?: "issuer_changed";
  at: string;
};

export type OnEvent = (event: ConnectionEvent) => void | Promise<void>;

export type Emit = (
  type: ConnectionEventType,
  row: ConnectionSource,
  details?: Pick<ConnectionEvent, "recovered" | "reason">,
) => void;

/**
 * Every event goes to the host's `onEvent` and to the webhooks, neither waited for: a slow or
 * failing receiver never holds up a connect or a refresh; its failure is logged.
 */
export function createEmitter(deps: {
  onEvent: OnEvent | undefined;
  webhooks: WebhookSender;
  logger: Logger;
}): Emit {
  return (type, row, details = {}) => {
    const event: ConnectionEvent = {
      type,
      connection: toConnection(row),
      ...details,
      at: new Date().toISOString(),
    };
    const failed = (what: string) => (error: unknown) =>
      deps.logger.error({ err: error, event: type }, `@x/server: ${what} failed`);
    if (deps.onEvent) {
      const onEvent = deps.onEvent;
      Promise.resolve()
        .then(() => onEvent(event))
        .catch(failed("onEvent"));
    }
    if (deps.webhooks.enabled) deps.webhooks.enqueue(event).catch(failed("webhook delivery"));
  };
}
