/** @jest-environment jsdom */
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderToString } from "react-dom/server";
import { PasskeyCeremony } from "@/app/_components/passkey-ceremony";
import type { PasskeyState } from "@/lib/validations/passkeys";

// jsdom has no WebAuthn: the browser's part (navigator.credentials) is the
// one stand-in here; the component's own flow between the two posts is real.
// jsdom has no TextEncoder; these texts are ASCII.
const bytes = (text: string): ArrayBuffer => Uint8Array.from(text, (char) => char.charCodeAt(0)).buffer;
const credentialsGet = jest.fn();

function installWebAuthn() {
  Object.defineProperty(window, "PublicKeyCredential", {
    value: function PublicKeyCredential() {},
    configurable: true,
  });
  Object.defineProperty(navigator, "credentials", { value: { get: credentialsGet }, configurable: true });
}

function removeWebAuthn() {
  Reflect.deleteProperty(window, "PublicKeyCredential");
}

const requestOptions: PasskeyState = {
  options: { ceremony: "get", json: { challenge: "Y2hhbGxlbmdl", rpId: "localhost" } },
  values: { name: "Laptop" },
};

beforeEach(() => {
  credentialsGet.mockReset();
  installWebAuthn();
});

afterEach(removeWebAuthn);

describe("PasskeyCeremony", () => {
  it("renders no button without JavaScript, only a note that passkeys need it", () => {
    const html = renderToString(
      <PasskeyCeremony begin={jest.fn()} finish={jest.fn()} label="Sign in with a passkey" />,
    );
    expect(html).toContain("<noscript>");
    expect(html).toContain("Passkeys need JavaScript");
    expect(html).not.toContain("<button");
  });

  it("says so when the browser has no WebAuthn", () => {
    removeWebAuthn();
    render(<PasskeyCeremony begin={jest.fn()} finish={jest.fn()} label="Sign in with a passkey" />);
    expect(screen.getByText(/This browser cannot use passkeys/)).toBeInTheDocument();
    expect(screen.queryByRole("button")).not.toBeInTheDocument();
  });

  it("posts the browser's answer to the finish with the hidden and echoed fields", async () => {
    const begin = jest.fn(async () => requestOptions);
    const finish = jest.fn(async (): Promise<PasskeyState> => ({ done: true, message: "Passkey added." }));
    credentialsGet.mockResolvedValue({
      id: "Y3JlZA",
      rawId: bytes("cred"),
      type: "public-key",
      response: {
        clientDataJSON: bytes("{}"),
        authenticatorData: bytes("a"),
        signature: bytes("s"),
        userHandle: null,
      },
      getClientExtensionResults: () => ({}),
      authenticatorAttachment: "platform",
    });
    render(
      <PasskeyCeremony
        begin={begin}
        finish={finish}
        label="Use a passkey"
        hidden={{ callbackUrl: "/token" }}
      />,
    );
    await userEvent.setup().click(screen.getByRole("button", { name: "Use a passkey" }));
    expect(await screen.findByText("Passkey added.")).toBeInTheDocument();
    expect(begin).toHaveBeenCalledTimes(1);
    expect((begin.mock.calls[0] as unknown[])[1]).toBeInstanceOf(FormData);
    const posted = (finish.mock.calls[0] as unknown as [PasskeyState, FormData])[1];
    expect(posted.get("callbackUrl")).toBe("/token");
    expect(posted.get("name")).toBe("Laptop");
    expect(JSON.parse(String(posted.get("response")))).toMatchObject({ id: "Y3JlZA", type: "public-key" });
    const asked = credentialsGet.mock.calls[0][0] as { publicKey: { challenge: ArrayBuffer; rpId: string } };
    expect(String.fromCharCode(...new Uint8Array(asked.publicKey.challenge))).toBe("challenge");
  });

  it("shows the begin's refusal and never opens the prompt", async () => {
    const finish = jest.fn();
    render(
      <PasskeyCeremony
        begin={async () => ({ message: "Try again in 30 seconds." })}
        finish={finish}
        label="Use a passkey"
      />,
    );
    await userEvent.setup().click(screen.getByRole("button", { name: "Use a passkey" }));
    expect(await screen.findByText("Try again in 30 seconds.")).toBeInTheDocument();
    expect(credentialsGet).not.toHaveBeenCalled();
    expect(finish).not.toHaveBeenCalled();
  });

  it("says the prompt was closed when the browser refuses, and posts nothing", async () => {
    const finish = jest.fn();
    credentialsGet.mockRejectedValue(
      Object.assign(new Error("The operation was cancelled."), { name: "NotAllowedError" }),
    );
    render(<PasskeyCeremony begin={async () => requestOptions} finish={finish} label="Use a passkey" />);
    await userEvent.setup().click(screen.getByRole("button", { name: "Use a passkey" }));
    expect(await screen.findByText(/The passkey prompt was closed or timed out/)).toBeInTheDocument();
    expect(finish).not.toHaveBeenCalled();
  });

  it("shows the finish's refusal of the answer as an error", async () => {
    credentialsGet.mockResolvedValue({
      id: "Y3JlZA",
      rawId: bytes("cred"),
      type: "public-key",
      response: {
        clientDataJSON: bytes("{}"),
        authenticatorData: bytes("a"),
        signature: bytes("s"),
        userHandle: null,
      },
      getClientExtensionResults: () => ({}),
    });
    const finish = async (): Promise<PasskeyState> => ({
      errors: { response: ["The passkey's answer could not be read. Try again."] },
    });
    render(<PasskeyCeremony begin={async () => requestOptions} finish={finish} label="Use a passkey" />);
    await userEvent.setup().click(screen.getByRole("button", { name: "Use a passkey" }));
    await waitFor(() =>
      expect(screen.getByText("The passkey's answer could not be read. Try again.")).toBeInTheDocument(),
    );
  });
});
