/** @jest-environment jsdom */
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beginPasskeySignInAction } from "@/app/login/actions";
import { PasskeySignInForm } from "@/app/login/passkey-sign-in-form";
import { beginPasskeyStepAction } from "@/app/login/verify/actions";
import { PasskeyStepForm } from "@/app/login/verify/passkey-step-form";
import { beginResetPasskeyAction } from "@/app/reset-password/actions";
import { PasskeyFactorForm } from "@/app/reset-password/passkey-factor-form";

// The global `jest`: next/jest's SWC transform hoists only its jest.mock above the imports.
jest.mock("@/app/login/actions", () => ({
  beginPasskeySignInAction: jest.fn(),
  finishPasskeySignInAction: jest.fn(),
}));
jest.mock("@/app/login/verify/actions", () => ({
  beginPasskeyStepAction: jest.fn(),
  finishPasskeyStepAction: jest.fn(),
}));
jest.mock("@/app/reset-password/actions", () => ({
  beginResetPasskeyAction: jest.fn(),
  finishResetPasskeyAction: jest.fn(),
}));

// A browser that can use passkeys (jsdom has no WebAuthn).
beforeAll(() => {
  Object.defineProperty(globalThis, "PublicKeyCredential", {
    value: function PublicKeyCredential() {},
    configurable: true,
  });
});

const cases = [
  [
    "PasskeySignInForm",
    () => <PasskeySignInForm callbackUrl="/token" />,
    "Sign in with a passkey",
    beginPasskeySignInAction,
    { callbackUrl: "/token" },
  ],
  [
    "PasskeyStepForm",
    () => <PasskeyStepForm callbackUrl="/token" lead />,
    "Use a passkey",
    beginPasskeyStepAction,
    { callbackUrl: "/token" },
  ],
  [
    "PasskeyFactorForm",
    () => <PasskeyFactorForm token="link-token" lead={false} />,
    "Use a passkey",
    beginResetPasskeyAction,
    { token: "link-token" },
  ],
] as const;

describe.each(cases)("%s", (_name, element, label, begin, hidden) => {
  it(`is a button "${label}" whose first post carries the hidden fields, and shows the server's refusal`, async () => {
    const mocked = jest.mocked(begin);
    mocked.mockReset();
    mocked.mockResolvedValue({ message: "Too many attempts. Try again in 15 minutes." });
    render(element());
    await userEvent.setup().click(screen.getByRole("button", { name: label }));
    await waitFor(() =>
      expect(screen.getByText("Too many attempts. Try again in 15 minutes.")).toBeInTheDocument(),
    );
    const formData = mocked.mock.calls[0][1];
    expect(Object.fromEntries(formData)).toEqual(hidden);
  });
});
