/** @jest-environment jsdom */
import { jest } from "@jest/globals";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import ErrorPage from "@/app/error";
import NotFound from "@/app/not-found";

describe("error pages", () => {
  it("the 404 page says so and links home", () => {
    render(<NotFound />);
    expect(screen.getByRole("heading", { name: "Page not found" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Back to the home page" })).toHaveAttribute("href", "/");
  });

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
