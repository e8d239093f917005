import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { keepLease } from "./lease-heartbeat";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("keepLease", () => {
  it("renews every interval until stopped", async () => {
    const renew = vi.fn(async () => true);
    const stop = keepLease(renew, 250);
    expect(renew).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(renew).toHaveBeenCalledTimes(4);
    stop();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(renew).toHaveBeenCalledTimes(4);
  });

  it("stops once a renewal finds the lease is no longer ours", async () => {
    const renew = vi.fn(async () => renew.mock.calls.length < 2);
    keepLease(renew, 250);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(renew).toHaveBeenCalledTimes(2);
  });

  it("tries again at the next beat after a renewal that failed", async () => {
    const renew = vi.fn(async () => {
      if (renew.mock.calls.length === 1) throw new Error("database unreachable");
      return true;
    });
    const stop = keepLease(renew, 250);
    await vi.advanceTimersByTimeAsync(750);
    expect(renew).toHaveBeenCalledTimes(3);
    stop();
  });

  it("never starts a renewal before the previous one answered", async () => {
    let inFlight = 0;
    let most = 0;
    const renew = vi.fn(async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 600));
      inFlight -= 1;
      return true;
    });
    const stop = keepLease(renew, 250);
    await vi.advanceTimersByTimeAsync(3_000);
    stop();
    expect(most).toBe(1);
    expect(renew.mock.calls.length).toBeGreaterThan(1);
  });
});
