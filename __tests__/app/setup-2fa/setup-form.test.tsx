/** @jest-environment jsdom */
import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { confirmSetupAction, continueAfterSetupAction, type SetupState } from "@/app/setup-2fa/actions";
import { RecoveryCodesStep } from "@/app/setup-2fa/recovery-codes-step";
import { SetupForm } from "@/app/setup-2fa/setup-form";

// The global `jest`, not the one from @jest/globals: next/jest's SWC transform hoists only the global's
// jest.mock above the imports.
jest.mock("@/app/setup-2fa/actions", () => ({
  confirmSetupAction: jest.fn(),
  continueAfterSetupAction: jest.fn(),
}));

const mockConfirm = jest.mocked(confirmSetupAction);
const mockContinue = jest.mocked(continueAfterSetupAction);

const qrCodeDataUrl = "data:image/png;base64,iVBORw0KGgo=";
const setupKey = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const recoveryCodes = Array.from(
  { length: 10 },
  (_, i) => `ABCD-EFGH-IJKL-MN${String.fromCharCode(65 + i)}${String.fromCharCode(80 - i)}`,
);

beforeEach(() => {
  mockConfirm.mockReset();
  mockContinue.mockReset();
});

async function submitCode(code: string) {
  const user = userEvent.setup();
  render(<SetupForm qrCodeDataUrl={qrCodeDataUrl} setupKey={setupKey} />);
  await user.type(screen.getByLabelText("Authentication code"), code);
  await user.click(screen.getByRole("button", { name: "Verify and enable" }));
  return user;
}

describe("SetupForm", () => {
  it("shows the QR code, the setup key and a labelled code field", () => {
    render(<SetupForm qrCodeDataUrl={qrCodeDataUrl} setupKey={setupKey} />);
    expect(screen.getByRole("img", { name: "QR code for your authenticator app" })).toHaveAttribute(
      "src",
      qrCodeDataUrl,
    );
    expect(screen.getByTestId("setup-key")).toHaveTextContent(setupKey);
    expect(screen.getByLabelText("Authentication code")).toHaveAttribute("autocomplete", "one-time-code");
    expect(screen.getByRole("button", { name: "Verify and enable" })).toBeEnabled();
    expect(screen.queryByTestId("recovery-codes")).not.toBeInTheDocument();
  });

  it("posts the typed code to confirmSetupAction", async () => {
    mockConfirm.mockResolvedValue({});
    await submitCode("123 456");
    expect(mockConfirm).toHaveBeenCalledTimes(1);
    expect(mockConfirm.mock.calls[0][1].get("code")).toBe("123 456");
  });

  it("shows a wrong-code error tied to the field and clears the code", async () => {
    const error = "That code is not right. Check that your phone's clock is correct and try again.";
    mockConfirm.mockResolvedValue({ errors: { code: [error] } });
    await submitCode("000000");

    expect(await screen.findByText(error)).toBeInTheDocument();
    const field = screen.getByLabelText("Authentication code");
    expect(field).toHaveAttribute("aria-invalid", "true");
    expect(field).toHaveAccessibleDescription(error);
    expect(field).toHaveValue("");
    expect(screen.queryByTestId("recovery-codes")).not.toBeInTheDocument();
  });

  it("announces an expired setup session in a polite live region", async () => {
    const message =
      "Your setup session has expired. Sign in again to finish setting up two-factor authentication.";
    mockConfirm.mockResolvedValue({ message });
    await submitCode("123456");

    const shown = await screen.findByText(message);
    expect(shown.closest("[aria-live]")).toHaveAttribute("aria-live", "polite");
    expect(screen.getByLabelText("Authentication code")).not.toHaveAttribute("aria-invalid");
  });

  it("disables the button while the code is being checked", async () => {
    let finish: (state: SetupState) => void = () => {};
    mockConfirm.mockImplementation(() => new Promise<SetupState>((resolve) => (finish = resolve)));
    await submitCode("123456");

    const button = screen.getByRole("button", { name: "Verify and enable" });
    expect(button).toBeDisabled();
    await act(async () =>
      finish({ errors: { code: ["Enter the 6-digit code from your authenticator app"] } }),
    );
    await screen.findByText("Enter the 6-digit code from your authenticator app");
    expect(button).toBeEnabled();
  });
});

describe("RecoveryCodesStep", () => {
  const showCodes = () => {
    const user = userEvent.setup();
    render(<RecoveryCodesStep codes={recoveryCodes} />);
    return user;
  };

  it("lists all ten recovery codes, focuses its heading and offers Continue", () => {
    showCodes();
    const list = screen.getByTestId("recovery-codes");
    const items = within(list).getAllByRole("listitem");
    expect(items.map((item) => item.textContent)).toEqual(recoveryCodes);
    const heading = screen.getByRole("heading", { name: /Two-factor authentication is on/ });
    // Focus starts at the new content instead of the page's header.
    expect(heading).toHaveFocus();
    expect(screen.getByRole("button", { name: "Continue" })).toBeEnabled();
  });

  it("leads nowhere but Continue, copy and download", () => {
    showCodes();
    expect(screen.getAllByRole("link").map((link) => link.textContent)).toEqual(["Download as text"]);
    expect(screen.getAllByRole("button").map((button) => button.textContent)).toEqual([
      "Copy codes",
      "Continue",
    ]);
  });

  it("offers the codes as a text download", () => {
    showCodes();
    const link = screen.getByRole("link", { name: "Download as text" });
    expect(link).toHaveAttribute("download");
    const href = link.getAttribute("href") ?? "";
    expect(href).toMatch(/^data:text\/plain/);
    expect(decodeURIComponent(href)).toContain(recoveryCodes.join("\n"));
  });

  it("copies the codes to the clipboard and says so", async () => {
    const user = showCodes();
    // jsdom has no clipboard; user-event installs a stub in setup(), replaced here with a spy.
    const writeText = jest.fn((_text: string) => Promise.resolve());
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });

    await user.click(screen.getByRole("button", { name: "Copy codes" }));
    expect(writeText).toHaveBeenCalledWith(recoveryCodes.join("\n"));
    expect(await screen.findByRole("status")).toHaveTextContent("Copied");
  });

  it("posts continueAfterSetupAction when the user continues", async () => {
    mockContinue.mockResolvedValue(undefined);
    const user = showCodes();
    await user.click(screen.getByRole("button", { name: "Continue" }));
    expect(mockContinue).toHaveBeenCalledTimes(1);
  });
});
