import { useEffect, useMemo, useState } from "react";
import { ApiError } from "./api";

/**
 * Seconds left of the wait a 429 asked for, counting down to 0, so the form can say how long
 * and keep its button off until then. Each new error starts its own wait.
 */
export function useRetryWait(error: Error | null): number {
  const until = useMemo(
    () =>
      error instanceof ApiError && error.status === 429
        ? Date.now() + (error.retryAfter ?? 1) * 1000
        : 0,
    [error],
  );
  const [, tick] = useState(0);
  useEffect(() => {
    if (until <= Date.now()) return;
    const timer = setInterval(() => {
      tick((count) => count + 1);
      if (Date.now() >= until) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
  }, [until]);
  return Math.max(0, Math.ceil((until - Date.now()) / 1000));
}
