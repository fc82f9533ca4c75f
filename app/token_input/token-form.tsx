"use client";

import { useActionState } from "react";
import { FormMessage, Labelled, SubmitButton } from "@/app/_components/form";
import { validateTokenAction, type TokenCheckState } from "./actions";

const initialState: TokenCheckState = {};

export function TokenForm() {
  const [state, action] = useActionState(validateTokenAction, initialState);
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage message={state.message} />
      <Labelled
        id="token"
        name="token"
        label="Token"
        errors={state.errors?.token}
        control={(control) => (
          <textarea
            {...control}
            rows={5}
            spellCheck={false}
            autoComplete="off"
            defaultValue={state.values?.token}
            className="block w-full rounded-md border-0 px-3 py-2 font-mono text-xs text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:ring-inset"
          />
        )}
      />
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
