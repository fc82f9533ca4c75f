/** @jest-environment jsdom */
import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { registerAction } from "@/app/register/actions";
import { RegisterForm } from "@/app/register/register-form";
import type { FormState } from "@/lib/validations/form-state";

// The global `jest`, not the one from @jest/globals: next/jest's SWC transform hoists only the global's
// jest.mock above the imports.
jest.mock("@/app/register/actions", () => ({ registerAction: jest.fn() }));

const mockRegister = jest.mocked(registerAction);

beforeEach(() => {
  mockRegister.mockReset();
});

async function fillAndSubmit(fields: { username: string; email: string; password: string }) {
  const user = userEvent.setup();
  render(<RegisterForm />);
  await user.type(screen.getByLabelText("Username"), fields.username);
  await user.type(screen.getByLabelText("Email"), fields.email);
  await user.type(screen.getByLabelText("Password"), fields.password);
  await user.click(screen.getByRole("button", { name: "Create account" }));
}

const submittedForm = (): FormData => mockRegister.mock.calls[0][1];

describe("RegisterForm", () => {
  it("labels its fields and button", () => {
    render(<RegisterForm />);
    expect(screen.getByLabelText("Username")).toHaveAttribute("autocomplete", "username");
    expect(screen.getByLabelText("Email")).toHaveAttribute("type", "email");
    expect(screen.getByLabelText("Password")).toHaveAttribute("type", "password");
    expect(screen.getByRole("button", { name: "Create account" })).toBeEnabled();
    expect(screen.getByLabelText("Username")).not.toHaveAttribute("aria-invalid");
  });

  it("posts what the user typed to registerAction", async () => {
    mockRegister.mockResolvedValue({});
    await fillAndSubmit({ username: "ada", email: "ada@example.test", password: "correct horse battery" });
    expect(mockRegister).toHaveBeenCalledTimes(1);
    const formData = submittedForm();
    expect(formData.get("username")).toBe("ada");
    expect(formData.get("email")).toBe("ada@example.test");
    expect(formData.get("password")).toBe("correct horse battery");
  });

  it("shows the username error next to the field and keeps the typed email, but not the password", async () => {
    mockRegister.mockResolvedValue({
      errors: { username: ["This username is taken. Choose another one."] },
      values: { username: "ada", email: "ada@example.test" },
    });
    await fillAndSubmit({ username: "ada", email: "ada@example.test", password: "correct horse battery" });

    expect(await screen.findByText("This username is taken. Choose another one.")).toBeInTheDocument();
    const username = screen.getByLabelText("Username");
    expect(username).toHaveAttribute("aria-invalid", "true");
    expect(username).toHaveAccessibleDescription(
      expect.stringContaining("This username is taken. Choose another one."),
    );
    expect(username).toHaveValue("ada");
    expect(screen.getByLabelText("Email")).toHaveValue("ada@example.test");
    expect(screen.getByLabelText("Email")).not.toHaveAttribute("aria-invalid");
    expect(screen.getByLabelText("Password")).toHaveValue("");
  });

  it("ties every field error to its own input", async () => {
    mockRegister.mockResolvedValue({
      errors: {
        username: ["Username must be 3 to 32 characters"],
        email: ["Enter a valid email address"],
        password: ["Password must be at least 8 characters"],
      },
      values: { username: "a", email: "ada@" },
    });
    await fillAndSubmit({ username: "a", email: "ada@", password: "short" });

    await screen.findByText("Enter a valid email address");
    const expected: Array<[string, string]> = [
      ["Username", "Username must be 3 to 32 characters"],
      ["Email", "Enter a valid email address"],
      ["Password", "Password must be at least 8 characters"],
    ];
    for (const [label, error] of expected) {
      const input = screen.getByLabelText(label);
      expect(input).toHaveAttribute("aria-invalid", "true");
      expect(input).toHaveAccessibleDescription(expect.stringContaining(error));
    }
    expect(screen.getByLabelText("Email")).not.toHaveAccessibleDescription(
      expect.stringContaining("Username must be"),
    );
    expect(screen.getByLabelText("Username")).toHaveValue("a");
    expect(screen.getByLabelText("Email")).toHaveValue("ada@");
    expect(screen.getByLabelText("Password")).toHaveValue("");
  });

  it("announces a form-level message in a polite live region", async () => {
    const message = "Too many tries. Try again in 5 minutes.";
    mockRegister.mockResolvedValue({ message, values: { username: "ada", email: "ada@example.test" } });
    await fillAndSubmit({ username: "ada", email: "ada@example.test", password: "correct horse battery" });

    const shown = await screen.findByText(message);
    expect(shown.closest("[aria-live]")).toHaveAttribute("aria-live", "polite");
    expect(screen.getByLabelText("Username")).toHaveValue("ada");
    expect(screen.getByLabelText("Email")).toHaveValue("ada@example.test");
    expect(screen.getByLabelText("Password")).toHaveValue("");
  });

  it("disables the button while the account is being created", async () => {
    let finish: (state: FormState) => void = () => {};
    mockRegister.mockImplementation(() => new Promise<FormState>((resolve) => (finish = resolve)));
    await fillAndSubmit({ username: "ada", email: "ada@example.test", password: "correct horse battery" });

    const button = screen.getByRole("button", { name: "Create account" });
    expect(button).toBeDisabled();
    await act(async () => finish({ errors: { username: ["This username is taken. Choose another one."] } }));
    expect(await screen.findByText("This username is taken. Choose another one.")).toBeInTheDocument();
    expect(button).toBeEnabled();
  });
});
