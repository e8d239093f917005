import { describe, expect, it } from "vitest";
import { ApiError } from "./api";
import { authErrorText } from "./auth-errors";

const tooMany = new ApiError("too_many_attempts", "server text", 429, undefined, undefined, 30);

describe("authErrorText", () => {
  it("says how long to wait after too many attempts, then that the wait is over", () => {
    expect(authErrorText(tooMany, 30)).toBe("Too many attempts. Wait 30 seconds, then try again.");
    expect(authErrorText(tooMany, 1)).toBe("Too many attempts. Wait 1 second, then try again.");
    expect(authErrorText(tooMany, 0)).toBe("Too many attempts. You can try again now.");
  });

  it("asks to try again in a moment when Taskr is busy", () => {
    expect(authErrorText(new ApiError("busy", "server text", 503), 0)).toBe(
      "Taskr is busy right now. Try again in a moment.",
    );
  });
});
