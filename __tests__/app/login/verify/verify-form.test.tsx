/** @jest-environment jsdom */
import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { verifyAction } from "@/app/login/verify/actions";
import { VerifyForm } from "@/app/login/verify/verify-form";
import type { FormState } from "@/lib/validations/form-state";

// The global `jest`, not the one from @jest/globals: next/jest's SWC transform hoists only the global's
// jest.mock above the imports.
jest.mock("@/app/login/verify/actions", () => ({ verifyAction: jest.fn() }));

const mockVerify = jest.mocked(verifyAction);

beforeEach(() => {
  mockVerify.mockReset();
});

async function submitCode(method: "totp" | "recovery", label: string, code: string) {
  const user = userEvent.setup();
  render(<VerifyForm method={method} callbackUrl="/token" />);
  await user.type(screen.getByLabelText(label), code);
  await user.click(screen.getByRole("button", { name: "Verify" }));
}

describe("VerifyForm", () => {
  it("asks for the authenticator code when the method is totp", () => {
    render(<VerifyForm method="totp" callbackUrl="/dashboard" />);
    const field = screen.getByLabelText("Authentication code");
    expect(field).toHaveAttribute("autocomplete", "one-time-code");
    expect(field).toHaveAccessibleDescription("The 6-digit code from your authenticator app.");
    expect(screen.queryByLabelText("Recovery code")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Verify" })).toBeEnabled();
  });

  it("asks for a recovery code, and no authenticator code, when the method is recovery", () => {
    render(<VerifyForm method="recovery" callbackUrl="/dashboard" />);
    expect(screen.getByLabelText("Recovery code")).toHaveAccessibleDescription(/ABCD-EFGH-IJKL-MNOP/);
    expect(screen.queryByLabelText("Authentication code")).not.toBeInTheDocument();
  });

  it("posts the code with the hidden method and callbackUrl", async () => {
    mockVerify.mockResolvedValue({});
    await submitCode("totp", "Authentication code", "123456");
    expect(mockVerify).toHaveBeenCalledTimes(1);
    const formData = mockVerify.mock.calls[0][1];
    expect(formData.get("code")).toBe("123456");
    expect(formData.get("method")).toBe("totp");
    expect(formData.get("callbackUrl")).toBe("/token");
  });

  it("posts a recovery code with method recovery", async () => {
    mockVerify.mockResolvedValue({});
    await submitCode("recovery", "Recovery code", "abcd-efgh-ijkl-mnop");
    const formData = mockVerify.mock.calls[0][1];
    expect(formData.get("code")).toBe("abcd-efgh-ijkl-mnop");
    expect(formData.get("method")).toBe("recovery");
    expect(formData.get("callbackUrl")).toBe("/token");
  });

  it("shows a wrong-code error on the field, the tries left in a live region, and clears the code", async () => {
    const error = "That code is not right. Wait for a new code and try again.";
    const message = "4 tries left before you need to sign in again.";
    mockVerify.mockResolvedValue({ errors: { code: [error] }, message });
    await submitCode("totp", "Authentication code", "000000");

    expect(await screen.findByText(error)).toBeInTheDocument();
    const field = screen.getByLabelText("Authentication code");
    expect(field).toHaveAttribute("aria-invalid", "true");
    expect(field).toHaveAccessibleDescription(expect.stringContaining(error));
    expect(field).toHaveValue("");
    expect(screen.getByText(message).closest("[aria-live]")).toHaveAttribute("aria-live", "polite");
  });

  it("ties a recovery-code error to the recovery code field", async () => {
    const error = "That recovery code is not valid or was already used.";
    mockVerify.mockResolvedValue({ errors: { code: [error] } });
    await submitCode("recovery", "Recovery code", "AAAA-BBBB-CCCC-DDDD");

    await screen.findByText(error);
    const field = screen.getByLabelText("Recovery code");
    expect(field).toHaveAttribute("aria-invalid", "true");
    expect(field).toHaveAccessibleDescription(expect.stringContaining(error));
    expect(field).toHaveValue("");
  });

  it("disables the button while the code is being checked", async () => {
    let finish: (state: FormState) => void = () => {};
    mockVerify.mockImplementation(() => new Promise<FormState>((resolve) => (finish = resolve)));
    await submitCode("totp", "Authentication code", "123456");

    const button = screen.getByRole("button", { name: "Verify" });
    expect(button).toBeDisabled();
    await act(async () => finish({ message: "Too many tries. Try again in 5 minutes." }));
    await screen.findByText("Too many tries. Try again in 5 minutes.");
    expect(button).toBeEnabled();
  });
});
