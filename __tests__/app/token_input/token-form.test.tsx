/** @jest-environment jsdom */
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { validateTokenAction } from "@/app/token_input/actions";
import { TokenForm } from "@/app/token_input/token-form";

// The global `jest`: next/jest's SWC transform hoists only its jest.mock above the imports.
jest.mock("@/app/token_input/actions", () => ({ validateTokenAction: jest.fn() }));

const mockValidate = jest.mocked(validateTokenAction);
const pasted = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

beforeEach(() => {
  mockValidate.mockReset();
  mockValidate.mockImplementation(async (_previous, formData) => ({
    values: { token: String(formData.get("token")) },
    verdict: { valid: false, reason: "bad_signature", text: "The signature does not match." },
  }));
});

describe("TokenForm", () => {
  it("keeps the pasted token in the field after Validate, beside the verdict", async () => {
    const user = userEvent.setup();
    render(<TokenForm />);
    await user.click(screen.getByLabelText("Token"));
    await user.paste(pasted);
    await user.click(screen.getByRole("button", { name: "Validate" }));

    expect(await screen.findByText("The signature does not match.")).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("The signature does not match.");
    expect(screen.getByLabelText("Token")).toHaveValue(pasted);
    expect(mockValidate.mock.calls[0][1].get("token")).toBe(pasted);
  });

  it("keeps a second token after validating again", async () => {
    const user = userEvent.setup();
    render(<TokenForm />);
    const field = screen.getByLabelText("Token");
    await user.click(field);
    await user.paste(pasted);
    await user.click(screen.getByRole("button", { name: "Validate" }));
    await screen.findByText("The signature does not match.");
    await user.clear(field);
    await user.paste("second.token.value");
    await user.click(screen.getByRole("button", { name: "Validate" }));
    await screen.findByText("The signature does not match.");
    expect(mockValidate).toHaveBeenCalledTimes(2);
    expect(screen.getByLabelText("Token")).toHaveValue("second.token.value");
  });

  it("ties an empty-submit error to the field", async () => {
    mockValidate.mockResolvedValue({ values: { token: "" }, errors: { token: ["Paste a token"] } });
    const user = userEvent.setup();
    render(<TokenForm />);
    await user.click(screen.getByRole("button", { name: "Validate" }));
    await screen.findByText("Paste a token");
    expect(screen.getByLabelText("Token")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("Token")).toHaveAccessibleDescription("Paste a token");
  });
});
