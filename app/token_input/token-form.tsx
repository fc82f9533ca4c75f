"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/app/_components/form";
import { validateTokenAction, type TokenCheckState } from "./actions";

export function TokenForm() {
  const [state, action] = useActionState(validateTokenAction, {} as TokenCheckState);
  const errors = state.errors?.token;
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage message={state.message} />
      <div className="space-y-1">
        <label htmlFor="token" className="block text-sm font-medium text-slate-800">
          Token
        </label>
        <textarea
          id="token"
          name="token"
          rows={5}
          spellCheck={false}
          autoComplete="off"
          defaultValue={state.values?.token}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={errors?.length ? "token-error" : undefined}
          className="block w-full rounded-md border-0 px-3 py-2 font-mono text-xs text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:ring-inset"
        />
        {errors?.length ? (
          <p id="token-error" className="text-sm text-red-700">
            {errors.join(" ")}
          </p>
        ) : null}
      </div>
      <SubmitButton>Validate</SubmitButton>
      <div
        role="status"
        className={
          state.verdict
            ? state.verdict.valid
              ? "rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900 ring-1 ring-emerald-200"
              : "rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200"
            : ""
        }
      >
        {state.verdict?.text ?? ""}
      </div>
    </form>
  );
}
