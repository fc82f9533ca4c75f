/** @jest-environment node */
import { emptyFormState, formValue } from "@/lib/validations/form-state";

describe("formValue", () => {
  it("gives a posted string, and an empty string for a missing field", () => {
    const form = new FormData();
    form.set("identifier", "alice");
    expect(formValue(form, "identifier")).toBe("alice");
    expect(formValue(form, "missing")).toBe("");
  });

  it("never echoes a file", () => {
    const form = new FormData();
    form.set("identifier", new Blob(["secret contents"]), "upload.txt");
    expect(formValue(form, "identifier")).toBe("");
  });

  it("cuts an echoed value to 256 characters", () => {
    const form = new FormData();
    form.set("identifier", "x".repeat(10_000));
    expect(formValue(form, "identifier")).toHaveLength(256);
  });
});

describe("emptyFormState", () => {
  it("carries no message, errors or values", () => {
    expect(emptyFormState).toEqual({});
  });
});
