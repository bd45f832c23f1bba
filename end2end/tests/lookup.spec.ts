import { test, expect, UNDER_REVIEW, SUSPENDED } from "./fixtures";

// Well-formed, and no pratica has it.
const UNKNOWN = "7K3M-Q9XR-2HDP-C";
const codeField = (page) => page.getByLabel("Codice della pratica");
const codeMessage = (page) => page.locator("#codice-message");

test.describe("with JavaScript on", () => {
  test("a demo code typed loosely leads to its page", async ({ page }) => {
    await page.goto("/");
    const field = codeField(page);
    await field.fill(UNDER_REVIEW.toLowerCase().replaceAll("-", " "));
    // Only the island can say this before the form is sent.
    await expect(codeMessage(page)).toHaveText("Il codice è scritto correttamente.");
    await expect(field).toHaveAttribute("aria-invalid", "false");
    // Sent through the search server function, which finds it.
    const searched = page.waitForResponse(
      (response) => response.request().method() === "POST" && new URL(response.url()).pathname === "/cerca",
    );
    await page.getByRole("button", { name: "Cerca la pratica" }).click();
    expect((await searched).status()).toBe(200);

    await expect(page).toHaveURL(`/p/${UNDER_REVIEW}`);
    // With the search's receipt, kept for that page only, out of scripts' reach.
    const receipt = (await page.context().cookies()).find((cookie) => cookie.name === "lookup_paid");
    expect(receipt).toMatchObject({ path: `/p/${UNDER_REVIEW}`, httpOnly: true, sameSite: "Strict" });
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(
      "Nuova costruzione di edificio residenziale unifamiliare",
    );
    await expect(page).toHaveTitle(new RegExp(`Pratica ${UNDER_REVIEW}`));
    await expect(page.locator(".status-card")).toContainText("In lavorazione");
  });

  test("the island runs under the page's Content-Security-Policy, with no violation", async ({ page }) => {
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const response = await page.goto("/");
    const policy = response?.headers()["content-security-policy"] ?? "";
    expect(policy).toMatch(/script-src 'self' 'nonce-[^']+' 'wasm-unsafe-eval'/);
    expect(policy).not.toContain("unsafe-inline");
    // Only the running island can say this.
    await codeField(page).fill(UNDER_REVIEW);
    await expect(codeMessage(page)).toHaveText("Il codice è scritto correttamente.");
    expect(violations).toEqual([]);
  });

  test("a code typed before the island wakes up is checked when it does", async ({ page }) => {
    // Hold the WebAssembly back, as a slow phone would, until the code is typed.
    let release: () => void = () => {};
    const typed = new Promise<void>((resolve) => (release = resolve));
    await page.route("**/*.wasm", async (route) => {
      await typed;
      await route.continue();
    });
    await page.goto("/", { waitUntil: "domcontentloaded" });
    await codeField(page).fill(UNDER_REVIEW.slice(0, -1) + "Z");
    expect(await codeMessage(page).textContent()).toMatch(/^\s*$/);
    release();
    await expect(codeMessage(page)).toHaveText(/controlli il codice/);
    await expect(codeField(page)).toHaveAttribute("aria-invalid", "true");
  });

  test("the island flags a mistyped code as it is typed, and answers it in place when sent", async ({ page }) => {
    await page.goto("/");
    const field = codeField(page);
    const mistyped = UNDER_REVIEW.slice(0, -1) + "Z";
    await field.pressSequentially(mistyped);
    await expect(codeMessage(page)).toHaveText(/controlli il codice/);
    await expect(field).toHaveAttribute("aria-invalid", "true");
    await expect(page).toHaveURL("/");

    // Leaving an incomplete code says so too.
    await field.fill("ABCD-EF");
    await field.blur();
    await expect(codeMessage(page)).toHaveText(/ha 6 simboli su 13/);

    // Sent, it is answered where the citizen is: no page load, no request.
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    await page.evaluate(() => ((window as any).samePage = true));
    await field.fill("ABCD-EFGH");
    await page.getByRole("button", { name: "Cerca la pratica" }).click();
    await expect(codeMessage(page)).toHaveText(/ha 8 simboli su 13/);
    await expect(field).toBeFocused();
    expect(await page.evaluate(() => (window as any).samePage)).toBe(true);
    expect(requests).toEqual([]);

    // Sent empty, it says what the server would.
    await field.fill("");
    await page.getByRole("button", { name: "Cerca la pratica" }).click();
    await expect(codeMessage(page)).toHaveText("Scriva il codice della pratica.");
    await expect(field).toHaveAttribute("aria-invalid", "true");
    expect(requests).toEqual([]);
  });

  test("an unknown code is answered in place, without a page load", async ({ page }) => {
    await page.goto("/");
    await page.evaluate(() => ((window as any).samePage = true));
    const field = codeField(page);
    await field.fill(UNKNOWN.toLowerCase());
    await page.getByRole("button", { name: "Cerca la pratica" }).click();
    await expect(codeMessage(page)).toContainText("Nessuna pratica corrisponde al codice");
    await expect(codeMessage(page)).toContainText(UNKNOWN);
    await expect(field).toHaveAttribute("aria-invalid", "true");
    await expect(field).toBeFocused();
    await expect(page).toHaveURL("/");
    expect(await page.evaluate(() => (window as any).samePage)).toBe(true);

    // Corrected, the same form finds the pratica.
    await field.fill(UNDER_REVIEW);
    await expect(codeMessage(page)).toHaveText("Il codice è scritto correttamente.");
    await page.getByRole("button", { name: "Cerca la pratica" }).click();
    await expect(page).toHaveURL(`/p/${UNDER_REVIEW}`);
  });

  test.describe("when the search does not answer", () => {
    test.use({ allowedConsoleErrors: [/Failed to load resource: net::ERR_FAILED/] });

    test("the form is sent as without JavaScript", async ({ page }) => {
      await page.route("**/cerca", (route) =>
        route.request().method() === "POST" ? route.abort() : route.continue(),
      );
      await page.goto("/");
      await codeField(page).fill(UNKNOWN);
      await page.getByRole("button", { name: "Cerca la pratica" }).click();
      await expect(page).toHaveURL(`/p/${UNKNOWN}`);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Pratica non trovata");
    });
  });

  test("the field is tied to its hint and live message", async ({ page }) => {
    await page.goto("/");
    const field = codeField(page);
    await expect(field).toHaveAttribute("aria-describedby", "codice-hint codice-message");
    await expect(field).toHaveAttribute("autocapitalize", "characters");
    await expect(field).toHaveAttribute("spellcheck", "false");
    await expect(field).toHaveAttribute("autocorrect", "off");
    await expect(field).toHaveAttribute("inputmode", "text");
    await expect(field).not.toHaveAttribute("pattern", /.*/);
    await expect(codeMessage(page)).toHaveAttribute("aria-live", "polite");
  });
});

test.describe("with JavaScript off", () => {
  test.use({ javaScriptEnabled: false });

  test("the plain form finds a demo code", async ({ page }) => {
    await page.goto("/");
    await codeField(page).fill(SUSPENDED.toLowerCase());
    await page.getByRole("button", { name: "Cerca la pratica" }).click();
    await expect(page).toHaveURL(`/p/${SUSPENDED}`);
    await expect(page.locator(".status-card")).toContainText("Integrazione richiesta");
    await expect(page.locator(".next-steps")).toContainText("relazione geologica");
  });

  test("an unknown code sent from the form gets the not-found page", async ({ page }) => {
    await page.goto("/");
    await codeField(page).fill(UNKNOWN);
    await page.getByRole("button", { name: "Cerca la pratica" }).click();
    await expect(page).toHaveURL(`/p/${UNKNOWN}`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Pratica non trovata");
  });

  test("the server answers a mistyped code with the form and what is wrong", async ({ page }) => {
    await page.goto("/");
    await codeField(page).fill("ABCD-EFGH");
    await page.getByRole("button", { name: "Cerca la pratica" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Controlli il codice");
    await expect(codeMessage(page)).toHaveText(/ha 8 simboli su 13/);
    await expect(codeField(page)).toHaveValue("ABCD-EFGH");
  });
});

test("an unknown code gets the not-found page", async ({ page }) => {
  const response = await page.goto(`/p/${UNKNOWN}`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Pratica non trovata");
  await expect(page.locator("main")).toContainText(UNKNOWN);
});

test("the case page downloads no JavaScript or WebAssembly", async ({ page }) => {
  const downloads: string[] = [];
  page.on("request", (request) => downloads.push(request.url()));
  await page.goto(`/p/${UNDER_REVIEW}`);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(downloads.filter((url) => /\.(wasm|js)(\?|$)/.test(url))).toEqual([]);
  await expect(page.locator("script")).toHaveCount(0);
});

test("pages fit a 320 px screen without horizontal scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  for (const path of ["/", `/p/${SUSPENDED}`, `/p/${UNKNOWN}`]) {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
});

test.describe("Le mie pratiche, with JavaScript off", () => {
  test.use({ javaScriptEnabled: false });

  test("a case is remembered on this device, listed, and forgotten", async ({ page, context }) => {
    await page.goto(`/p/${UNDER_REVIEW}`);
    await page.getByRole("button", { name: "Ricorda su questo dispositivo" }).click();
    await expect(page).toHaveURL(`/p/${UNDER_REVIEW}`);
    await expect(page.locator(".remember")).toContainText("ricordata su questo dispositivo");

    const [cookie] = (await context.cookies()).filter((c) => c.name === "mie_pratiche");
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe("Lax");
    expect(cookie.expires * 1000 - Date.now()).toBeGreaterThan(360 * 24 * 3600 * 1000);

    await page.goto(`/p/${SUSPENDED}`);
    await page.getByRole("button", { name: "Ricorda su questo dispositivo" }).click();
    await page.goto("/");
    const list = page.locator(".my-cases");
    await expect(list.locator("li")).toHaveCount(2);
    await expect(list.locator("li").first()).toContainText("Integrazione richiesta");
    await list.getByRole("link", { name: UNDER_REVIEW }).click();
    await expect(page).toHaveURL(`/p/${UNDER_REVIEW}`);

    await page.goto("/");
    await page.getByRole("button", { name: `Rimuovi ${SUSPENDED}` }).click();
    await expect(page).toHaveURL("/");
    await expect(page.locator(".my-cases li")).toHaveCount(1);
    await page.getByRole("button", { name: "Dimentica tutte" }).click();
    await expect(page.getByRole("heading", { name: "Le mie pratiche" })).toHaveCount(0);
  });
});
