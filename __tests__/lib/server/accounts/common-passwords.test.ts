/** @jest-environment node */
import { commonPasswordCount, isCommonPassword } from "@/lib/server/accounts/common-passwords";

describe("the common-password list", () => {
  it("ships at least 10,000 passwords", () => {
    expect(commonPasswordCount()).toBeGreaterThanOrEqual(10_000);
  });

  it("knows common passwords whatever their case", () => {
    expect(isCommonPassword("password")).toBe(true);
    expect(isCommonPassword("PassWord")).toBe(true);
    expect(isCommonPassword("12345678")).toBe(true);
    expect(isCommonPassword("QWERTYUIOP")).toBe(true);
  });

  it("does not flag an uncommon password, nor the empty string", () => {
    expect(isCommonPassword("correct horse battery staple 7f3a")).toBe(false);
    expect(isCommonPassword("")).toBe(false);
  });
});
