import type { Page } from "@playwright/test";
import { test, expect, expectNoAxeViolations, signIn } from "./fixtures";

// A clerk works on a desktop browser.
test.use({ viewport: { width: 1280, height: 900 } });

/** A protocol number Valdoria's demo pratiche already use. */
const TAKEN_REFERENCE = "PROT. 2026/14503";

const subject = (page: Page) => page.getByLabel("Oggetto");
const reference = (page: Page) => page.getByLabel("Protocollo o riferimento interno");
const email = (page: Page) => page.getByLabel("E-mail del richiedente");

test.describe("with JavaScript on", () => {
  test("registration tells each field's problem as the clerk leaves it, in the server's words", async ({ page }) => {
    await signIn(page, "demo-operatore-valdoria");
    await page.goto("/area-riservata/registra");
    // The island's code is fetched on this page only, after the main bundle.
    await page.waitForLoadState("networkidle");
    const posted: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST") posted.push(new URL(request.url()).pathname);
    });

    // Left empty: required, said beside the field and tied to it.
    await subject(page).focus();
    await subject(page).press("Tab");
    const subjectError = page.locator("#oggetto-error");
    await expect(subjectError).toHaveText("Campo obbligatorio.");
    await expect(subject(page)).toHaveAttribute("aria-invalid", "true");
    await expect(subject(page)).toHaveAttribute("aria-describedby", /oggetto-error/);
    await expect(page.locator("p.visually-hidden[aria-live=polite]")).toHaveText("Campo obbligatorio.");
    // A field not yet visited says nothing.
    await expect(page.locator("#contatto-error")).toHaveCount(0);

    // The body's own data: a protocol number already used.
    await reference(page).fill(TAKEN_REFERENCE);
    await reference(page).press("Tab");
    await expect(page.locator("#protocollo-error")).toContainText("già usato da un'altra pratica");

    // Corrected: the message goes.
    await subject(page).fill("Recinzione del giardino");
    await subject(page).press("Tab");
    await expect(subjectError).toHaveCount(0);
    await expect(subject(page)).toHaveAttribute("aria-invalid", "false");
    await expect(page.locator("#protocollo-error")).toBeVisible();

    await email(page).fill("non-un-indirizzo");
    await email(page).press("Tab");
    await expect(page.locator("#email_richiedente-error")).toBeVisible();
    await expectNoAxeViolations(page, "registration with its fields' problems");

    // Nothing but the checks was sent; the clerk is still on the form.
    await expect(page).toHaveURL("/area-riservata/registra");
    expect(new Set(posted)).toEqual(new Set(["/area-riservata/registra/controlla"]));
  });
});

test.describe("with JavaScript off", () => {
  test.use({ javaScriptEnabled: false });

  test("the same problems are told once the form is sent", async ({ page }) => {
    await signIn(page, "demo-operatore-valdoria");
    await page.goto("/area-riservata/registra");
    await reference(page).fill(TAKEN_REFERENCE);
    await page.getByRole("button", { name: "Registra e prepara la ricevuta" }).click();
    await expect(page.locator("#oggetto-error")).toHaveText("Campo obbligatorio.");
    await expect(subject(page)).toHaveAttribute("aria-invalid", "true");
    await expect(page.locator("#contatto-error")).toHaveText("Campo obbligatorio.");
  });
});
