/** @jest-environment jsdom */
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { browserSupportsWebAuthn, startRegistration } from "@simplewebauthn/browser";
import { beginPasskeySetupAction, finishPasskeySetupAction } from "@/app/setup-2fa/actions";
import { PasskeySetup } from "@/app/setup-2fa/passkey-setup";

// The global `jest`, not the one from @jest/globals: next/jest's SWC transform hoists only the global's
// jest.mock above the imports.
jest.mock("@/app/setup-2fa/actions", () => ({
  beginPasskeySetupAction: jest.fn(),
  finishPasskeySetupAction: jest.fn(),
}));
// jsdom has no WebAuthn: the browser's prompt is played here.
jest.mock("@simplewebauthn/browser", () => ({
  browserSupportsWebAuthn: jest.fn(),
  startRegistration: jest.fn(),
  startAuthentication: jest.fn(),
  WebAuthnError: class WebAuthnError extends Error {},
}));

const mockBegin = jest.mocked(beginPasskeySetupAction);
const mockFinish = jest.mocked(finishPasskeySetupAction);
const mockSupport = jest.mocked(browserSupportsWebAuthn);
const mockPrompt = jest.mocked(startRegistration);

const options = {
  challenge: "Y2hhbGxlbmdl",
  rp: { name: "Two-Factor App", id: "localhost" },
  user: { id: "dXNlcg", name: "ada", displayName: "ada" },
  pubKeyCredParams: [{ type: "public-key" as const, alg: -7 }],
};
const answer = {
  id: "Y3JlZA",
  rawId: "Y3JlZA",
  type: "public-key" as const,
  response: { clientDataJSON: "e30", attestationObject: "oA" },
  clientExtensionResults: {},
};

beforeEach(() => {
  mockBegin.mockReset();
  mockFinish.mockReset();
  mockPrompt.mockReset();
  mockSupport.mockReturnValue(true);
});

describe("PasskeySetup", () => {
  it("explains the passkey and offers the button 'Use a passkey instead'", () => {
    render(<PasskeySetup />);
    expect(screen.getByRole("region", { name: "Or use a passkey" })).toHaveTextContent(
      "Your phone, laptop or security key signs you in with your fingerprint, face or PIN.",
    );
    expect(screen.getByRole("button", { name: "Use a passkey instead" })).toBeEnabled();
  });

  it("asks the server for options, runs the browser's prompt, and posts its answer to finish", async () => {
    mockBegin.mockResolvedValue({ options: { ceremony: "create", json: options } });
    mockPrompt.mockResolvedValue(answer);
    mockFinish.mockResolvedValue({ message: "This passkey did not check that it is you." });
    render(<PasskeySetup />);
    await userEvent.setup().click(screen.getByRole("button", { name: "Use a passkey instead" }));

    expect(await screen.findByText("This passkey did not check that it is you.")).toBeInTheDocument();
    expect(mockPrompt).toHaveBeenCalledWith({ optionsJSON: options });
    expect(JSON.parse(String(mockFinish.mock.calls[0]?.[1].get("response")))).toEqual(answer);
  });

  it("says so when the setup expired, without a prompt", async () => {
    const expired =
      "Your setup session has expired. Sign in again to finish setting up two-factor authentication.";
    mockBegin.mockResolvedValue({ message: expired });
    render(<PasskeySetup />);
    await userEvent.setup().click(screen.getByRole("button", { name: "Use a passkey instead" }));
    expect(await screen.findByText(expired)).toBeInTheDocument();
    expect(mockPrompt).not.toHaveBeenCalled();
    expect(mockFinish).not.toHaveBeenCalled();
  });

  it("offers no button in a browser without passkeys, and says the other ways still work", () => {
    mockSupport.mockReturnValue(false);
    render(<PasskeySetup />);
    expect(screen.queryByRole("button")).not.toBeInTheDocument();
    expect(screen.getByText(/Every other way still works/)).toBeInTheDocument();
  });
});
