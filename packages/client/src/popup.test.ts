import { expect, test } from "vitest";
import { ConnectError } from "./errors";
import { isFlowMessage, settleOutcome } from "./popup";

test("settles a success, an error and a pending flow", () => {
  expect(settleOutcome({ status: "success", provider: "attio", connectionId: "c1" })).toEqual({
    status: "success",
    provider: "attio",
    connectionId: "c1",
  });
  const failed = settleOutcome({
    status: "error",
    provider: "attio",
    error: { code: "invalid_state", message: "Expired" },
  });
  expect(failed).toBeInstanceOf(ConnectError);
  expect(failed).toMatchObject({ code: "invalid_state", message: "Expired", provider: "attio" });
  expect(settleOutcome({ status: "pending", provider: "attio" })).toMatchObject({
    code: "cancelled",
  });
});

test("accepts only this flow's result message from the BFF's origin", () => {
  const data = { type: "x-connect:result", nonce: "n1" };
  const event = (origin: string, payload: unknown) =>
    new MessageEvent("message", { origin, data: payload });
  expect(isFlowMessage(event("https://app.test", data), "https://app.test", "n1")).toBe(true);
  expect(isFlowMessage(event("https://evil.test", data), "https://app.test", "n1")).toBe(false);
  expect(
    isFlowMessage(event("https://app.test", { ...data, nonce: "n2" }), "https://app.test", "n1"),
  ).toBe(false);
  expect(isFlowMessage(event("https://app.test", null), "https://app.test", "n1")).toBe(false);
});
