/** @jest-environment jsdom */
import { jest } from "@jest/globals";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import ErrorPage from "@/app/error";

describe("the error boundary", () => {
  it("the error boundary shows no message or stack, and retries on request", async () => {
    const error = Object.assign(new Error("SQLITE_BUSY at /srv/app/lib/server/platform/db.ts:12"), {
      digest: "123",
    });
    const reset = jest.fn();
    render(<ErrorPage error={error} reset={reset} />);
    expect(screen.getByRole("alert")).toHaveTextContent("Something went wrong");
    expect(document.body).not.toHaveTextContent(/SQLITE_BUSY|db\.ts|at \//);
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(reset).toHaveBeenCalledTimes(1);
  });
});
