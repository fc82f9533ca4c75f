import { expect, registerAndEnrol, shownAccessToken, test } from "./helpers";

test("the token shown after sign-in is valid on /token_input and for GET /api/me", async ({
  page,
  request,
}) => {
  const user = await registerAndEnrol(page, "tok");
  await page.goto("/token");
  const token = await shownAccessToken(page);
  expect(token.split(".")).toHaveLength(3);
  await expect(page.getByTestId("token-countdown")).toHaveText(/1[45] min \d\d s left/);

  await page.goto("/token_input");
  await page.getByLabel("Token").fill(token);
  await page.getByRole("button", { name: "Validate" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Valid" })).toContainText(
    `Valid: an access token for ${user.username}`,
  );

  const changed = `${token.slice(0, -3)}${token.endsWith("AAA") ? "BBB" : "AAA"}`;
  await page.getByLabel("Token").fill(changed);
  await page.getByRole("button", { name: "Validate" }).click();
  await expect(page.getByRole("status").filter({ hasText: "signature" })).toContainText(
    "This token's signature is not valid",
  );

  const me = await request.get("/api/me", { headers: { authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({ username: user.username, email: user.email });
  const bad = await request.get("/api/me", { headers: { authorization: `Bearer ${changed}` } });
  expect(bad.status()).toBe(401);
  expect(bad.headers()["www-authenticate"]).toContain('error="invalid_token"');
});

test("issuing a new token replaces the shown one, and revokes the old one", async ({ page, request }) => {
  await registerAndEnrol(page, "tok2");
  await page.goto("/token");
  const first = await shownAccessToken(page);
  await page.getByRole("button", { name: "Issue a new token" }).click();
  await expect(page.getByText(/A new token was issued/)).toBeVisible();
  const second = await shownAccessToken(page);
  expect(second).not.toBe(first);
  const verdict = await request.post("/api/token/validate", { data: { token: first } });
  expect(await verdict.json()).toMatchObject({ valid: false, reason: "revoked" });
  const current = await request.post("/api/token/validate", { data: { token: second } });
  expect(await current.json()).toMatchObject({ valid: true });
});
