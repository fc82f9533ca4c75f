/** @jest-environment jsdom */
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { forgotPasswordAction } from "@/app/forgot-password/actions";
import { ForgotForm } from "@/app/forgot-password/forgot-form";

// The global `jest`: next/jest's SWC transform hoists only the global's jest.mock above the imports.
jest.mock("@/app/forgot-password/actions", () => ({ forgotPasswordAction: jest.fn() }));

const mockForgot = jest.mocked(forgotPasswordAction);
const SENT = "If that account exists and its email is verified, we sent it a reset link.";

beforeEach(() => mockForgot.mockReset());

async function ask(devMailboxUrl?: string) {
  const user = userEvent.setup();
  render(<ForgotForm sentMessage={SENT} devMailboxUrl={devMailboxUrl} />);
  await user.type(screen.getByLabelText("Username or email"), "ada");
  await user.click(screen.getByRole("button", { name: "Send reset link" }));
}

describe("ForgotForm", () => {
  it("shows the one answer once the request was sent, with the development mailbox when there is one", async () => {
    mockForgot.mockResolvedValue({ sent: true });
    await ask("http://localhost:3000/dev/mail");
    expect(await screen.findByRole("status")).toHaveTextContent(SENT);
    expect(screen.getByRole("link", { name: "open /dev/mail" })).toHaveAttribute(
      "href",
      "http://localhost:3000/dev/mail",
    );
  });

  it("links no mailbox outside development", async () => {
    mockForgot.mockResolvedValueOnce({ sent: true });
    await ask();
    expect(await screen.findByRole("status")).toHaveTextContent(SENT);
    expect(screen.queryByRole("link", { name: "open /dev/mail" })).toBeNull();
  });

  it("says when to try again without claiming anything was sent", async () => {
    mockForgot.mockResolvedValue({ message: "Too many attempts. Try again in 12 minutes." });
    await ask();
    expect(await screen.findByText("Too many attempts. Try again in 12 minutes.")).toBeVisible();
    expect(screen.queryByRole("status")).toBeNull();
  });
});
