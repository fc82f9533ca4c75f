"use client";

import type { InputHTMLAttributes, ReactNode } from "react";
import { useFormStatus } from "react-dom";
import type { FormState } from "@/lib/validations/form-state";

// What a labelled control carries so that its label, hint and errors belong to it.
export type ControlProps = {
  id: string;
  name: string;
  "aria-invalid"?: true;
  "aria-describedby"?: string;
};

type LabelledProps = {
  name: string;
  label: string;
  errors?: string[];
  hint?: ReactNode;
  id?: string;
};

// A label, one control, an optional hint and the errors, tied to the control
// with aria-describedby (and aria-invalid while there are errors).
export function Labelled({
  name,
  label,
  errors,
  hint,
  id,
  control,
}: LabelledProps & { control: (props: ControlProps) => ReactNode }) {
  const inputId = id ?? `field-${name}`;
  const errorId = `${inputId}-error`;
  const hintId = `${inputId}-hint`;
  const describedBy = [hint ? hintId : null, errors?.length ? errorId : null].filter(Boolean).join(" ");
  return (
    <div className="space-y-1">
      <label htmlFor={inputId} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {control({
        id: inputId,
        name,
        "aria-invalid": errors?.length ? true : undefined,
        "aria-describedby": describedBy || undefined,
      })}
      {hint ? (
        <p id={hintId} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {errors?.length ? (
        <p id={errorId} className="text-sm text-red-700">
          {errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

type FieldProps = LabelledProps & {
  // The action's last answer: the field's errors, and the value it echoed back.
  state?: FormState;
} & Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "id">;

// A labelled input. Every field of these forms is required unless it says
// `required={false}`.
export function Field({ name, label, errors, hint, id, state, required = true, ...input }: FieldProps) {
  return (
    <Labelled
      name={name}
      label={label}
      errors={errors ?? state?.errors?.[name]}
      hint={hint}
      id={id}
      control={(control) => (
        <input
          {...control}
          className="block w-full rounded-md border-0 px-3 py-2 text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-indigo-600 focus:ring-inset aria-invalid:ring-red-500"
          defaultValue={state?.values?.[name]}
          {...input}
          required={required}
        />
      )}
    />
  );
}

type SecretFieldProps = Omit<FieldProps, "defaultValue" | "value">;

// A secret is never echoed back: only the state's errors reach the field.
function secretProps({ state, ...props }: SecretFieldProps): Omit<FieldProps, "state"> {
  return { ...props, errors: props.errors ?? state?.errors?.[props.name] };
}

export function PasswordField({
  autoComplete,
  ...props
}: Omit<SecretFieldProps, "type" | "autoComplete"> & { autoComplete: "current-password" | "new-password" }) {
  return <Field type="password" autoComplete={autoComplete} {...secretProps(props)} />;
}

// A 6-digit one-time code: numeric keyboard, autofill from SMS/email apps,
// and room for the space authenticator apps show in the middle.
export function CodeField(
  props: Omit<SecretFieldProps, "inputMode" | "autoComplete" | "pattern" | "maxLength">,
) {
  return (
    <Field
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9 ]*"
      maxLength={7}
      {...secretProps(props)}
    />
  );
}

// Announced to screen readers when it changes.
export function FormMessage({ message, tone = "error" }: { message?: string; tone?: "error" | "info" }) {
  return (
    <div aria-live="polite" className="min-h-0">
      {message ? (
        <p
          className={
            tone === "error"
              ? "rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200"
              : "rounded-md bg-indigo-50 px-3 py-2 text-sm text-indigo-900 ring-1 ring-indigo-200"
          }
        >
          {message}
        </p>
      ) : null}
    </div>
  );
}

export function SubmitButton({
  children,
  variant = "primary",
  className = "",
  name,
  value,
}: {
  children: ReactNode;
  variant?: "primary" | "secondary";
  className?: string;
  name?: string;
  value?: string;
}) {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      name={name}
      value={value}
      disabled={pending}
      aria-disabled={pending}
      className={`${variant === "primary" ? "btn-primary" : "btn-secondary"} ${className}`}
    >
      {children}
    </button>
  );
}
