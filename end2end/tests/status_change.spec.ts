import type { Page } from "@playwright/test";
import { test, expect, expectNoAxeViolations, signIn, UNDER_REVIEW } from "./fixtures";

// A clerk works on a desktop browser.
test.use({ viewport: { width: 1280, height: 900 } });

const RECORD = `/area-riservata/pratiche/${UNDER_REVIEW}`;
const REQUEST = "Richiesta integrazioni — Integrazione richiesta";

/** The status-change form (not the correction one) of the record. */
const changeForm = (page: Page) => page.locator("section.status-change form").first();

const inDays = (days: number) => {
  const date = new Date();
  date.setDate(date.getDate() + days);
  return date.toISOString().slice(0, 10);
};

test.describe("with JavaScript on", () => {
  test("the preview follows the form as the clerk fills it in, without saving", async ({ page }) => {
    await signIn(page, "demo-operatore-valdoria");
    await page.goto(RECORD);
    // The island's code is fetched on this page only, after the main bundle.
    await page.waitForLoadState("networkidle");
    let loads = 0;
    page.on("load", () => loads++);
    const form = changeForm(page);
    const region = form.locator("#anteprima");

    await form.getByLabel("Nuovo stato").selectOption({ label: REQUEST });
    await form.getByLabel("Rispondere entro").fill(inDays(20));
    await expect(region).toContainText("Anteprima (non ancora salvata)");
    await expect(region).toContainText("in attesa di integrazioni");

    // What is wrong is told in place too.
    await form.getByLabel("Data dell'evento").fill(inDays(3));
    await expect(region).toContainText("nel futuro");
    await form.getByLabel("Data dell'evento").fill(inDays(0));
    await expect(region).toContainText("Anteprima (non ancora salvata)");

    // A note that seems to hold personal data is flagged as it is typed.
    await form.getByLabel("Nota per il cittadino").fill("Scriva a mario.rossi@example.it per i documenti.");
    await expect(region).toContainText("sembra contenere dati personali");
    await expectNoAxeViolations(page, "the record with a preview in place");
    expect(loads, "the page was loaded again").toBe(0);

    // Nothing was saved: the record is as it was.
    await page.reload();
    await expect(page.getByText("Cambio di stato salvato")).toHaveCount(0);
    await expect(page.locator("body")).not.toContainText("mario.rossi@example.it");
  });
});

test.describe("with JavaScript off", () => {
  test.use({ javaScriptEnabled: false });

  test("the preview button shows the same once the form is sent", async ({ page }) => {
    await signIn(page, "demo-operatore-valdoria");
    await page.goto(RECORD);
    const form = changeForm(page);
    await form.getByLabel("Nuovo stato").selectOption({ label: REQUEST });
    await form.getByLabel("Rispondere entro").fill(inDays(20));
    await form.getByRole("button", { name: "Anteprima dell'effetto sulla scadenza" }).click();
    await expect(page.getByText("Anteprima (non ancora salvata)")).toBeVisible();
    await expect(page.locator(".callout[role=status]")).toContainText("in attesa di integrazioni");
  });
});
