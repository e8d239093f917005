import { describe, expect, it } from "vitest";
import { progressLine } from "./progress";

describe("progressLine", () => {
  it("says how far, out of how many, and how long is left at the pace so far", () => {
    expect(progressLine(1_200, 5_000, "re-sealed", 0, 12_000)).toBe(
      "1,200/5,000 re-sealed, about 38 s left",
    );
    expect(progressLine(100, 10_000, "re-wrapped", 0, 60_000)).toBe(
      "100/10,000 re-wrapped, about 2 h left",
    );
  });

  it("gives no estimate before the first step or after the last", () => {
    expect(progressLine(0, 10, "checked", 0, 5_000)).toBe("0/10 checked");
    expect(progressLine(10, 10, "checked", 0, 5_000)).toBe("10/10 checked");
  });
});
