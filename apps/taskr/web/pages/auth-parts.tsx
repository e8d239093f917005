import { useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import type { User } from "../api";
import { navigate } from "../router";

/** Sets the signed-in user and goes home: what every successful sign-in does. */
export function useSignedIn() {
  const queryClient = useQueryClient();
  return ({ user }: { user: User }) => {
    queryClient.setQueryData(["taskr", "me"], { user });
    navigate("/");
  };
}

export function AuthCard(props: {
  title: string;
  intro: ReactNode;
  footer: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="taskr-card taskr-auth">
      <h1>{props.title}</h1>
      <p className="taskr-muted">{props.intro}</p>
      {props.children}
      <p className="taskr-muted">{props.footer}</p>
    </section>
  );
}

export function PasswordField(props: {
  mode: "login" | "signup";
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <label>
      Password
      <input
        name="password"
        type="password"
        autoComplete={props.mode === "signup" ? "new-password" : "current-password"}
        required
        minLength={8}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </label>
  );
}
