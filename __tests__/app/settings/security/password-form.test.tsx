/** @jest-environment jsdom */
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { changePasswordAction } from "@/app/settings/security/actions";
import { PasswordForm } from "@/app/settings/security/password-form";

// The global `jest`: next/jest's SWC transform hoists only its jest.mock above the imports.
jest.mock("@/app/settings/security/actions", () => ({ changePasswordAction: jest.fn() }));

const mockChange = jest.mocked(changePasswordAction);

beforeEach(() => {
  mockChange.mockReset();
});

async function submit(current: string, next: string, code: string) {
  const user = userEvent.setup();
  render(<PasswordForm />);
  await user.type(screen.getByLabelText("Current password"), current);
  await user.type(screen.getByLabelText("New password"), next);
  await user.type(screen.getByLabelText("Current code"), code);
  await user.click(screen.getByRole("button", { name: "Change password" }));
}

describe("PasswordForm", () => {
  it("labels its fields for password managers and posts them to changePasswordAction", async () => {
    mockChange.mockResolvedValue({});
    await submit("old passphrase", "new passphrase here", "123456");
    expect(screen.getByLabelText("Current password")).toHaveAttribute("autocomplete", "current-password");
    expect(screen.getByLabelText("New password")).toHaveAttribute("autocomplete", "new-password");
    expect(screen.getByLabelText("New password")).toHaveAttribute("type", "password");
    const formData = mockChange.mock.calls[0][1];
    expect(formData.get("password")).toBe("old passphrase");
    expect(formData.get("newPassword")).toBe("new passphrase here");
    expect(formData.get("code")).toBe("123456");
  });

  it("ties each error to its field and keeps no password in the fields", async () => {
    mockChange.mockResolvedValue({
      errors: { newPassword: ["Your password must not contain your username"] },
    });
    await submit("old passphrase", "ada-is-me-2024", "123456");
    await screen.findByText("Your password must not contain your username");
    const next = screen.getByLabelText("New password");
    expect(next).toHaveAttribute("aria-invalid", "true");
    expect(next).toHaveAccessibleDescription(
      expect.stringContaining("Your password must not contain your username"),
    );
    expect(next).toHaveValue("");
    expect(screen.getByLabelText("Current password")).toHaveValue("");
    expect(screen.getByLabelText("Current password")).not.toHaveAttribute("aria-invalid");
  });

  it("announces a wrong code and a form-level message", async () => {
    mockChange.mockResolvedValue({
      message: "Too many attempts. Try again in 5 minutes.",
      errors: { code: ["That code is not right or was already used"] },
    });
    await submit("old passphrase", "new passphrase here", "000000");
    const shown = await screen.findByText("Too many attempts. Try again in 5 minutes.");
    expect(shown.closest("[aria-live]")).toHaveAttribute("aria-live", "polite");
    expect(screen.getByLabelText("Current code")).toHaveAccessibleDescription(
      expect.stringContaining("That code is not right or was already used"),
    );
  });

  it("replaces the form with the confirmation once the password is changed", async () => {
    mockChange.mockResolvedValue({ done: true, message: "Your password was changed." });
    await submit("old passphrase", "new passphrase here", "123456");
    const shown = await screen.findByText("Your password was changed.");
    expect(shown.closest("[aria-live]")).not.toBeNull();
    expect(screen.queryByLabelText("New password")).toBeNull();
  });
});
