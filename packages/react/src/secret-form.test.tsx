import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, test, vi } from "vitest";
import { SecretForm } from "./secret-form";
import { renderWithServer } from "./test-support";

const secretInput = () => screen.getByLabelText("OpenAI API key") as HTMLInputElement;

describe("SecretForm", () => {
  test("a masked, labelled input", async () => {
    renderWithServer(<SecretForm provider="openai" />);
    await waitFor(() => expect(secretInput().type).toBe("password"));
    expect(secretInput().autocomplete).toBe("off");
  });

  test("invalid_secret: the server's message in an alert, and the secret gone from the page", async () => {
    const user = userEvent.setup();
    const { container } = renderWithServer(<SecretForm provider="openai" />);
    await user.type(await waitFor(secretInput), "wrong");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect((await screen.findByRole("alert")).textContent).toBe("OpenAI rejected the key");
    expect(secretInput().value).toBe("");
    expect(container.innerHTML).not.toContain("wrong");
  });

  test("success: saved with the options, input cleared, the secret never rendered", async () => {
    const user = userEvent.setup();
    const onSuccess = vi.fn();
    const { server, container } = renderWithServer(
      <SecretForm provider="openai" visibility="workspace" name="Team key" onSuccess={onSuccess} />,
    );
    await user.type(await waitFor(secretInput), "sk-live-123");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect((await screen.findByRole("status")).textContent).toBe("Saved");
    expect(server.requests.find((request) => request.method === "POST")?.body).toEqual({
      provider: "openai",
      secret: "sk-live-123",
      visibility: "workspace",
      name: "Team key",
    });
    expect(onSuccess.mock.calls[0]![0]).toMatchObject({ provider: "openai", name: "Team key" });
    expect(secretInput().value).toBe("");
    expect(container.innerHTML).not.toContain("sk-live-123");
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
