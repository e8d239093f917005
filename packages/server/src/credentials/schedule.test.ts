import { describe, expect, it } from "vitest";
import { backoffMs } from "../shared/backoff";
import { IDLE_REFRESH_MS, refreshDueAt, scheduleFor } from "./schedule";

const settings = { refreshSkewMs: 5 * 60_000, checkIntervalMs: 6 * 3_600_000, hasIdentity: true };
const now = Date.UTC(2026, 0, 1);

describe("scheduleFor", () => {
  it("refreshes a skew before expiry", () => {
    const schedule = scheduleFor(
      {
        type: "oauth2",
        accessToken: "a",
        refreshToken: "r",
        tokenType: "bearer",
        expiresAt: now + 3_600_000,
      },
      settings,
      now,
    );
    expect(schedule.nextRefreshAt?.getTime()).toBe(now + 3_600_000 - 5 * 60_000);
    expect(schedule.nextCheckAt?.getTime()).toBe(now + 6 * 3_600_000);
  });

  it("redeems a long-lived or non-expiring refresh token at least daily", () => {
    const schedule = scheduleFor(
      { type: "oauth2", accessToken: "a", refreshToken: "r", tokenType: "bearer" },
      settings,
      now,
    );
    expect(schedule.nextRefreshAt?.getTime()).toBe(now + IDLE_REFRESH_MS);
  });

  it("never schedules a refresh without a refresh token, but still health-checks", () => {
    const schedule = scheduleFor(
      { type: "oauth2", accessToken: "a", tokenType: "bearer" },
      settings,
      now,
    );
    expect(schedule.nextRefreshAt).toBeNull();
    expect(schedule.nextCheckAt).not.toBeNull();
  });

  it("leaves secrets alone", () => {
    expect(scheduleFor({ type: "secret", secret: "s" }, settings, now)).toEqual({
      nextRefreshAt: null,
      nextCheckAt: null,
    });
  });
});

describe("refreshDueAt and backoffMs", () => {
  it("spreads callers over the last fifth of the skew", () => {
    expect(refreshDueAt({ expiresAt: now }, 300_000, 0)).toBe(now - 300_000);
    expect(refreshDueAt({ expiresAt: now }, 300_000, 0.999)).toBe(now - 300_000 - 59_940);
    expect(refreshDueAt({ expiresAt: undefined }, 300_000)).toBe(Number.POSITIVE_INFINITY);
  });

  it("refreshes a token that lives shorter than the skew in the second half of its life", () => {
    // A five-minute token under a five-minute skew would otherwise be due the moment it arrives.
    const fiveMinutes = { expiresAt: now + 300_000, lifetimeMs: 300_000 };
    expect(refreshDueAt(fiveMinutes, 300_000, 0)).toBe(now + 150_000);
    const hour = { expiresAt: now + 3_600_000, lifetimeMs: 3_600_000 };
    expect(refreshDueAt(hour, 300_000, 0)).toBe(now + 3_300_000);
    // An hour-long token whose row an operator moved to expire in two minutes is due now.
    expect(refreshDueAt({ expiresAt: now + 120_000, lifetimeMs: 3_600_000 }, 300_000, 0)).toBe(
      now - 180_000,
    );
    const schedule = scheduleFor(
      {
        type: "oauth2",
        accessToken: "a",
        refreshToken: "r",
        tokenType: "bearer",
        expiresAt: now + 300_000,
        lifetimeMs: 300_000,
      },
      settings,
      now,
    );
    expect(schedule.nextRefreshAt?.getTime()).toBe(now + 150_000);
  });

  it("doubles the ceiling per failure and caps it", () => {
    expect(backoffMs(1, 1)).toBe(2000);
    expect(backoffMs(3, 1)).toBe(8000);
    expect(backoffMs(30, 1)).toBe(15 * 60 * 1000);
    expect(backoffMs(3, 0)).toBe(1000);
  });
});
