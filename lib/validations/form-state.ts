// What a server action returns to its form: a form-level message, per-field
// errors, and the non-secret values to echo back (never a password or code).
export type FormState = {
  message?: string;
  errors?: Record<string, string[] | undefined>;
  values?: Record<string, string>;
};

export const emptyFormState: FormState = {};

// FormData values are strings or Files; only strings are echoed back.
export function formValue(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value.slice(0, 256) : "";
}
