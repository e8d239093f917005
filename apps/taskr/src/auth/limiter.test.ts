import { describe, expect, it } from "vitest";
import { BusyError, createLimiter } from "./limiter";

const later = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
};

describe("createLimiter", () => {
  it("never runs more tasks at once than its concurrency, and runs every waiting one", async () => {
    const limiter = createLimiter({ concurrency: 2, queue: 10 });
    let running = 0;
    let most = 0;
    const task = async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return "done";
    };
    const results = await Promise.all(Array.from({ length: 12 }, () => limiter.run(task)));
    expect(results).toEqual(Array(12).fill("done"));
    expect(most).toBe(2);
  });

  it("refuses at once with BusyError when the waiting line is full", async () => {
    const limiter = createLimiter({ concurrency: 1, queue: 1 });
    const gate = later();
    const first = limiter.run(() => gate.promise);
    const second = limiter.run(async () => "second");
    await expect(limiter.run(async () => "third")).rejects.toBeInstanceOf(BusyError);
    gate.resolve();
    await first;
    expect(await second).toBe("second");
    expect(await limiter.run(async () => "fourth")).toBe("fourth");
  });

  it("frees the slot of a task that throws", async () => {
    const limiter = createLimiter({ concurrency: 1, queue: 0 });
    await expect(limiter.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await limiter.run(async () => "next")).toBe("next");
  });
});
