import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api } from "../api";
import { follow } from "../app";
import { navigate } from "../router";

export function AuthPage({ mode }: { mode: "login" | "signup" }) {
  const queryClient = useQueryClient();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const submit = useMutation({
    mutationFn: () =>
      mode === "signup" ? api.signup(username, password) : api.login(username, password),
    onSuccess: ({ user }) => {
      queryClient.setQueryData(["taskr", "me"], { user });
      navigate("/");
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit.mutate();
  };
  const title = mode === "signup" ? "Sign up" : "Log in";
  return (
    <section className="taskr-card taskr-auth">
      <h1>{title}</h1>
      <p className="taskr-muted">
        {mode === "signup"
          ? "Create a Taskr account, then connect Attio to see your tasks."
          : "Welcome back."}
      </p>
      <form onSubmit={onSubmit}>
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={mode === "signup" ? "new-password" : "current-password"}
            required
            minLength={8}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        {submit.error ? (
          <p role="alert" className="taskr-error">
            {submit.error.message}
          </p>
        ) : null}
        <button type="submit" className="taskr-primary" disabled={submit.isPending}>
          {title}
        </button>
      </form>
      <p className="taskr-muted">
        {mode === "signup" ? (
          <>
            Already have an account?{" "}
            <a href="/login" onClick={follow("/login")}>
              Log in
            </a>
          </>
        ) : (
          <>
            New here?{" "}
            <a href="/signup" onClick={follow("/signup")}>
              Sign up
            </a>
          </>
        )}
      </p>
    </section>
  );
}
