import type { DatabaseStore } from "../store/store";

export type ConnectionChange = { tenantId: string; provider: string; connectionId: string };

export type ChangeSubscriber = {
  changed(change: ConnectionChange): void;
  /** Changes may have gone unheard (LISTEN was lost and is back): any connection may differ. */
  missed(): void;
};

/**
 * Changes to connections made by any instance, from the database's NOTIFY (a trigger announces
 * every insert, credential change, status change and delete). Waiters for one connection wake
 * as soon as it changes instead of waiting out their poll interval.
 */
export function createChangeFeed() {
  const subscribers = new Set<ChangeSubscriber>();
  const waiters = new Map<string, Set<() => void>>();
  let unlisten: (() => Promise<void>) | undefined;

  const publish = (change: ConnectionChange) => {
    for (const subscriber of subscribers) subscriber.changed(change);
    const waiting = waiters.get(change.connectionId);
    if (waiting) {
      waiters.delete(change.connectionId);
      for (const wake of waiting) wake();
    }
  };

  // Waiters need no word: they look at their row again within a poll interval anyway.
  const publishMissed = () => {
    for (const subscriber of subscribers) subscriber.missed();
  };

  return {
    async start(store: DatabaseStore): Promise<void> {
      unlisten ??= await store.listen(
        "x_connections",
        (payload) => {
          const [tenantId, provider, connectionId] = payload.split("\t");
          if (tenantId && provider && connectionId) publish({ tenantId, provider, connectionId });
        },
        publishMissed,
      );
    },
    subscribe(subscriber: ChangeSubscriber): void {
      subscribers.add(subscriber);
    },
    /** Resolves when the connection changes or after `ms`, whichever comes first. */
    wait(connectionId: string, ms: number): Promise<void> {
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.get(connectionId)?.delete(wake);
          resolve();
        }, ms);
        const set = waiters.get(connectionId) ?? new Set();
        set.add(wake);
        waiters.set(connectionId, set);
      });
    },
    async stop(): Promise<void> {
      await unlisten?.();
      unlisten = undefined;
    },
  };
}

export type ChangeFeed = ReturnType<typeof createChangeFeed>;
