import { fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { ConnectError } from "@x/client";
import { describe, expect, test, vi } from "vitest";
import { ConnectButton } from "./connect-button";
import {
  createFakeServer,
  makeConnection,
  postResult,
  renderWithServer,
  stubPopup,
} from "./test-support";

const button = () => screen.getByRole("button");
const status = () => screen.getByRole("status");

/** Renders a button and waits until the provider catalogue and connections have loaded. */
const renderButton = async (
  props: Partial<Parameters<typeof ConnectButton>[0]> = {},
  server = createFakeServer(),
) => {
  const view = renderWithServer(<ConnectButton provider="attio" {...props} />, server);
  await waitFor(() => expect(button().textContent).not.toBe("Connect attio"));
  await waitFor(() =>
    expect(server.requests.map((request) => request.path)).toContain("/connections"),
  );
  return view;
};

describe("ConnectButton", () => {
  test("idle: names the provider and is enabled", async () => {
    await renderButton();
    expect(button().textContent).toBe("Connect Attio");
    expect(button().dataset.state).toBe("idle");
    expect(button().hasAttribute("disabled")).toBe(false);
    expect(button().hasAttribute("aria-busy")).toBe(false);
  });

  test("opens the popup synchronously inside the click", async () => {
    const { open } = stubPopup();
    await renderButton();
    fireEvent.click(button());
    // No awaiting here: a popup opened after an await is blocked by browsers.
    expect(open).toHaveBeenCalledTimes(1);
  });

  test("connecting: busy and announced, then connected on the popup's success message", async () => {
    const { popup } = stubPopup();
    const onSuccess = vi.fn();
    const { server } = await renderButton({ onSuccess });
    await userEvent.click(button());
    expect(button().dataset.state).toBe("connecting");
    expect(button().getAttribute("aria-busy")).toBe("true");
    expect(button().textContent).toBe("Connecting…");
    expect(status().textContent).toBe("Connecting to Attio…");
    expect(status().getAttribute("aria-live")).toBe("polite");
    await waitFor(() => expect(popup.location.href).toBe("https://idp.test/authorize?flow=1"));

    server.completeFlow("flow-1", makeConnection({ id: "c9" }));
    postResult({
      nonce: "nonce-1",
      flowId: "flow-1",
      status: "success",
      provider: "attio",
      connectionId: "c9",
    });

    await waitFor(() => expect(button().dataset.state).toBe("connected"));
    expect(button().textContent).toBe("Connected");
    expect(button().hasAttribute("aria-busy")).toBe(false);
    expect(onSuccess).toHaveBeenCalledWith(
      { status: "success", provider: "attio", connectionId: "c9" },
      expect.anything(),
      undefined,
      expect.anything(),
    );
  });

  test("connected: an active connection", async () => {
    await renderButton({}, createFakeServer({ connections: [makeConnection()] }));
    await waitFor(() => expect(button().dataset.state).toBe("connected"));
    expect(button().textContent).toBe("Connected");
  });

  test("needs reconnect: an auth_failed connection", async () => {
    const connections = [makeConnection({ status: "auth_failed" })];
    await renderButton({}, createFakeServer({ connections }));
    await waitFor(() => expect(button().dataset.state).toBe("needs_reconnect"));
    expect(button().textContent).toBe("Reconnect Attio");
  });

  test("not configured: disabled, with the hint as its description", async () => {
    const { open } = stubPopup();
    await renderButton({ provider: "github" });
    await waitFor(() => expect(button().dataset.state).toBe("not_configured"));
    expect(button().hasAttribute("disabled")).toBe(true);
    expect(status().textContent).toBe("Needs server admin");
    expect(button().getAttribute("aria-describedby")).toBe(status().id);
    fireEvent.click(button());
    expect(open).not.toHaveBeenCalled();
  });

  test("popup blocked: falls back to a redirect back to this page", async () => {
    stubPopup(true);
    const assign = vi.fn();
    vi.stubGlobal("location", {
      ...window.location,
      href: "http://localhost:3000/settings?tab=2",
      assign,
    });
    const { server } = await renderButton({ visibility: "workspace" });
    await userEvent.click(button());
    await waitFor(() => expect(assign).toHaveBeenCalledWith("https://idp.test/authorize?flow=1"));
    expect(server.requests.find((request) => request.path === "/connect/attio")?.body).toEqual({
      mode: "redirect",
      visibility: "workspace",
      returnTo: "/settings?tab=2",
    });
    // The page is leaving, so the button stays busy rather than flashing a result.
    expect(button().dataset.state).toBe("connecting");
  });

  test('popup blocked with mode "popup": the error is shown and reported', async () => {
    stubPopup(true);
    const onError = vi.fn();
    await renderButton({ mode: "popup", onError });
    await userEvent.click(button());
    await waitFor(() => expect(status().textContent).toBe("The browser blocked the popup"));
    expect(button().dataset.state).toBe("idle");
    expect(onError.mock.calls[0]![0]).toBeInstanceOf(ConnectError);
    expect(onError.mock.calls[0]![0].code).toBe("popup_blocked");
  });

  test("popup closed without a result: confirmed with the server, then cancelled", async () => {
    const { popup } = stubPopup();
    const { server } = await renderButton();
    await userEvent.click(button());
    await waitFor(() => expect(popup.location.href).not.toBe("about:blank"));
    popup.closed = true;
    await waitFor(() => expect(status().textContent).toBe("Connection cancelled"), {
      timeout: 3000,
    });
    expect(server.requests.map((request) => request.path)).toContain("/flows/flow-1");
    expect(button().dataset.state).toBe("idle");
    expect(status().dataset.error).toBe("cancelled");
  });

  test("server error: the popup closes and the server's message is shown", async () => {
    const { popup } = stubPopup();
    const server = createFakeServer();
    server.failWith("POST /connect/attio", {
      status: 403,
      code: "forbidden",
      message: "Only an admin can do that",
    });
    await renderButton({ visibility: "workspace" }, server);
    await userEvent.click(button());
    await waitFor(() => expect(status().textContent).toBe("Only an admin can do that"));
    expect(popup.close).toHaveBeenCalled();
    expect(button().dataset.state).toBe("idle");
  });

  test("a render prop receives the state", async () => {
    await renderButton({ children: (state) => `state: ${state}` });
    expect(button().textContent).toBe("state: idle");
  });

  test("plain children replace the label", async () => {
    renderWithServer(<ConnectButton provider="attio">Link CRM</ConnectButton>);
    await waitFor(() => expect(button().dataset.state).toBe("idle"));
    expect(button().textContent).toBe("Link CRM");
  });
});

describe("ConnectButton with scopes (step-up)", () => {
  test("a connection holding every scope is connected; one lacking some asks for more access", async () => {
    const held = createFakeServer({ connections: [makeConnection({ scopes: ["a", "b"] })] });
    const first = await renderButton({ scopes: ["a"] }, held);
    await waitFor(() => expect(button().dataset.state).toBe("connected"));
    first.unmount();

    const lacking = createFakeServer({ connections: [makeConnection({ scopes: ["a"] })] });
    await renderButton({ scopes: ["a", "b"] }, lacking);
    await waitFor(() => expect(button().dataset.state).toBe("needs_scopes"));
    expect(button().textContent).toBe("Grant Attio more access");
  });
});
