/** @jest-environment jsdom */
import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { loginAction } from "@/app/login/actions";
import { LoginForm } from "@/app/login/login-form";
import type { FormState } from "@/lib/validations/form-state";

// The global `jest`, not the one from @jest/globals: next/jest's SWC transform hoists only the global's
// jest.mock above the imports.
jest.mock("@/app/login/actions", () => ({ loginAction: jest.fn() }));

const mockLogin = jest.mocked(loginAction);

beforeEach(() => {
  mockLogin.mockReset();
});

async function signIn(identifier: string, password: string, notice?: string) {
  const user = userEvent.setup();
  render(<LoginForm callbackUrl="/token" notice={notice} />);
  await user.type(screen.getByLabelText("Username or email"), identifier);
  await user.type(screen.getByLabelText("Password"), password);
  await user.click(screen.getByRole("button", { name: "Sign in" }));
}

describe("LoginForm", () => {
  it("labels its fields and button", () => {
    render(<LoginForm callbackUrl="/dashboard" />);
    expect(screen.getByLabelText("Username or email")).toHaveAttribute("autocomplete", "username");
    expect(screen.getByLabelText("Password")).toHaveAttribute("type", "password");
    expect(screen.getByRole("button", { name: "Sign in" })).toBeEnabled();
  });

  it("lets a password manager or the clipboard fill the password (paste is not blocked)", async () => {
    mockLogin.mockResolvedValue({});
    const user = userEvent.setup();
    render(<LoginForm callbackUrl="/dashboard" />);
    await user.type(screen.getByLabelText("Username or email"), "ada");
    await user.click(screen.getByLabelText("Password"));
    await user.paste("pasted passphrase from a manager");
    expect(screen.getByLabelText("Password")).toHaveValue("pasted passphrase from a manager");
    expect(screen.getByLabelText("Password")).toHaveAttribute("autocomplete", "current-password");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(mockLogin.mock.calls[0][1].get("password")).toBe("pasted passphrase from a manager");
  });

  it("posts the identifier, password and hidden callbackUrl to loginAction", async () => {
    mockLogin.mockResolvedValue({});
    await signIn("ada@example.test", "correct horse battery");
    expect(mockLogin).toHaveBeenCalledTimes(1);
    const formData = mockLogin.mock.calls[0][1];
    expect(formData.get("identifier")).toBe("ada@example.test");
    expect(formData.get("password")).toBe("correct horse battery");
    expect(formData.get("callbackUrl")).toBe("/token");
  });

  it("announces wrong credentials in a polite live region, keeps the identifier and clears the password", async () => {
    mockLogin.mockResolvedValue({
      message: "Invalid username or password",
      values: { identifier: "ada@example.test" },
    });
    await signIn("ada@example.test", "wrong password");

    const shown = await screen.findByText("Invalid username or password");
    expect(shown.closest("[aria-live]")).toHaveAttribute("aria-live", "polite");
    expect(screen.getByLabelText("Username or email")).toHaveValue("ada@example.test");
    expect(screen.getByLabelText("Password")).toHaveValue("");
  });

  it("shows each field error next to its input", async () => {
    mockLogin.mockResolvedValue({
      errors: { identifier: ["Enter your username or email"], password: ["Enter your password"] },
      values: { identifier: " " },
    });
    await signIn(" ", "x");

    await screen.findByText("Enter your username or email");
    const identifier = screen.getByLabelText("Username or email");
    expect(identifier).toHaveAttribute("aria-invalid", "true");
    expect(identifier).toHaveAccessibleDescription("Enter your username or email");
    expect(identifier).toHaveValue(" ");
    const password = screen.getByLabelText("Password");
    expect(password).toHaveAttribute("aria-invalid", "true");
    expect(password).toHaveAccessibleDescription("Enter your password");
    expect(password).toHaveValue("");
  });

  it("shows a notice until an error message replaces it", async () => {
    const notice = "Your session has expired. Sign in again.";
    mockLogin.mockResolvedValue({ message: "Invalid username or password", values: { identifier: "ada" } });
    const user = userEvent.setup();
    render(<LoginForm callbackUrl="/dashboard" notice={notice} />);
    expect(screen.getByText(notice).closest("[aria-live]")).toHaveAttribute("aria-live", "polite");

    await user.type(screen.getByLabelText("Username or email"), "ada");
    await user.type(screen.getByLabelText("Password"), "wrong password");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    await screen.findByText("Invalid username or password");
    expect(screen.queryByText(notice)).not.toBeInTheDocument();
  });

  it("disables the button while the password is being checked", async () => {
    let finish: (state: FormState) => void = () => {};
    mockLogin.mockImplementation(() => new Promise<FormState>((resolve) => (finish = resolve)));
    await signIn("ada", "correct horse battery");

    const button = screen.getByRole("button", { name: "Sign in" });
    expect(button).toBeDisabled();
    await act(async () => finish({ message: "Invalid username or password", values: { identifier: "ada" } }));
    await screen.findByText("Invalid username or password");
    expect(button).toBeEnabled();
    expect(screen.getByLabelText("Username or email")).toHaveValue("ada");
  });
});
