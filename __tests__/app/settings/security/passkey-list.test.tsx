/** @jest-environment jsdom */
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { renderToStaticMarkup } from "react-dom/server";
import { AddPasskeyForm } from "@/app/settings/security/add-passkey-form";
import {
  beginAddPasskeyAction,
  confirmRemovePasskeyAction,
  removePasskeyAction,
  renamePasskeyAction,
} from "@/app/settings/security/passkey-actions";
import { PasskeyList, type PasskeyView } from "@/app/settings/security/passkey-list";

// The global `jest`: next/jest's SWC transform hoists only its jest.mock above the imports.
jest.mock("@/app/settings/security/passkey-actions", () => ({
  beginAddPasskeyAction: jest.fn(),
  finishAddPasskeyAction: jest.fn(),
  renamePasskeyAction: jest.fn(),
  confirmRemovePasskeyAction: jest.fn(),
  removePasskeyAction: jest.fn(),
}));

const mockBegin = jest.mocked(beginAddPasskeyAction);
const mockRename = jest.mocked(renamePasskeyAction);
const mockAsk = jest.mocked(confirmRemovePasskeyAction);
const mockRemove = jest.mocked(removePasskeyAction);

const PASSKEYS: PasskeyView[] = [
  {
    id: "pk-1",
    name: "iCloud Keychain",
    createdAt: "2026-11-20T10:00:00.000Z",
    lastUsedAt: "2026-11-30T08:15:00.000Z",
    backedUp: true,
  },
  { id: "pk-2", name: "YubiKey", createdAt: "2026-11-25T10:00:00.000Z", lastUsedAt: null, backedUp: false },
];

beforeEach(() => {
  for (const mock of [mockBegin, mockRename, mockAsk, mockRemove]) mock.mockReset();
});

const rows = () => screen.getAllByTestId("passkey");

describe("PasskeyList", () => {
  it("shows each passkey with its name, when it was added and last used, and whether it is synced", () => {
    render(<PasskeyList passkeys={PASSKEYS} />);
    const [synced, key] = rows();
    expect(synced).toHaveTextContent("iCloud Keychain");
    expect(synced).toHaveTextContent(/Added .*2026/);
    expect(synced).toHaveTextContent(/Last used .*2026/);
    expect(synced).toHaveTextContent("Synced");
    expect(within(synced!).getByRole("button", { name: "Remove" })).toBeInTheDocument();
    expect(key).toHaveTextContent("YubiKey");
    expect(key).toHaveTextContent("Never used");
    expect(key).not.toHaveTextContent("Synced");
    expect(within(key!).getByRole("time")).toHaveAttribute("datetime", "2026-11-25T10:00:00.000Z");
  });

  it("says when there are none", () => {
    render(<PasskeyList passkeys={[]} />);
    expect(screen.queryAllByTestId("passkey")).toEqual([]);
    expect(screen.getByText("No passkeys yet.")).toBeInTheDocument();
  });

  it("renames a passkey through its own form, with the passkey's id", async () => {
    mockRename.mockResolvedValue({ done: true, message: "Passkey renamed." });
    const user = userEvent.setup();
    render(<PasskeyList passkeys={PASSKEYS} />);
    const row = within(rows()[1]!);
    await user.type(row.getByLabelText("New name"), "Desk key");
    await user.click(row.getByRole("button", { name: "Rename" }));
    expect(await row.findByText("Passkey renamed.")).toBeInTheDocument();
    const formData = mockRename.mock.calls[0]![1];
    expect(formData.get("passkeyId")).toBe("pk-2");
    expect(formData.get("name")).toBe("Desk key");
  });

  it("asks for the password and a code before removing, and keeps asking after a refusal", async () => {
    mockAsk.mockResolvedValue({ confirming: "pk-2", answeredAt: 1 });
    mockRemove.mockResolvedValue({
      confirming: "pk-2",
      answeredAt: 2,
      errors: { password: ["That password is not right"] },
    });
    const user = userEvent.setup();
    render(<PasskeyList passkeys={PASSKEYS} />);
    expect(screen.queryByLabelText("Current password")).toBeNull();
    await user.click(within(rows()[1]!).getByRole("button", { name: "Remove" }));
    expect(mockAsk.mock.calls[0]![1].get("passkeyId")).toBe("pk-2");

    const row = within(rows()[1]!);
    await user.type(await row.findByLabelText("Current password"), "my password");
    await user.type(row.getByLabelText("Current code"), "123456");
    expect(within(rows()[0]!).queryByLabelText("Current password")).toBeNull();
    await user.click(row.getByRole("button", { name: "Remove passkey" }));
    const sent = mockRemove.mock.calls[0]![1];
    expect([sent.get("passkeyId"), sent.get("password"), sent.get("code")]).toEqual([
      "pk-2",
      "my password",
      "123456",
    ]);
    expect(await row.findByText("That password is not right")).toBeInTheDocument();
    expect(row.getByRole("button", { name: "Remove passkey" })).toBeInTheDocument();
  });

  it("says why a removal cannot happen, without asking for anything", async () => {
    mockAsk.mockResolvedValue({ answeredAt: 1, message: "This is your only way to sign in a second time." });
    const user = userEvent.setup();
    render(<PasskeyList passkeys={PASSKEYS.slice(0, 1)} />);
    await user.click(screen.getByRole("button", { name: "Remove" }));
    const shown = await screen.findByText("This is your only way to sign in a second time.");
    expect(shown.closest("[aria-live]")).not.toBeNull();
    expect(screen.queryByLabelText("Current password")).toBeNull();
  });
});

describe("AddPasskeyForm", () => {
  afterEach(() => {
    delete (window as { PublicKeyCredential?: unknown }).PublicKeyCredential;
  });

  it("renders only a note on the server, which a browser without JavaScript shows", () => {
    const html = renderToStaticMarkup(<AddPasskeyForm />);
    expect(html).toMatch(/^<noscript>.*Passkeys need JavaScript/);
    expect(html).not.toContain("<button");
  });

  it("says so in a browser that cannot use passkeys", () => {
    render(<AddPasskeyForm />);
    expect(screen.getByText(/This browser cannot use passkeys/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Add a passkey" })).toBeNull();
  });

  it("asks for an optional name, the password and a current code, and shows a refusal next to its field", async () => {
    Object.assign(window, { PublicKeyCredential: function PublicKeyCredential() {} });
    mockBegin.mockResolvedValue({
      values: { name: "Laptop" },
      errors: { code: ["That code is not right or was already used"] },
    });
    const user = userEvent.setup();
    render(<AddPasskeyForm />);
    expect(screen.getByLabelText("Passkey name")).not.toBeRequired();
    await user.type(screen.getByLabelText("Passkey name"), "Laptop");
    await user.type(screen.getByLabelText("Current password"), "my password");
    await user.type(screen.getByLabelText("Current code"), "000000");
    await user.click(screen.getByRole("button", { name: "Add a passkey" }));
    const sent = mockBegin.mock.calls[0]![1];
    expect([sent.get("name"), sent.get("password"), sent.get("code")]).toEqual([
      "Laptop",
      "my password",
      "000000",
    ]);
    await screen.findByText("That code is not right or was already used");
    expect(screen.getByLabelText("Current code")).toHaveAccessibleDescription(
      expect.stringContaining("That code is not right or was already used"),
    );
    expect(screen.getByLabelText("Passkey name")).toHaveValue("Laptop");
  });
});
