/** @jest-environment jsdom */
import { render, screen } from "@testing-library/react";
import NotFound from "@/app/not-found";

describe("the 404 page", () => {
  it("the 404 page says so and links home", () => {
    render(<NotFound />);
    expect(screen.getByRole("heading", { name: "Page not found" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Back to the home page" })).toHaveAttribute("href", "/");
  });
});
