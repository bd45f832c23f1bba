import type { Page } from "@playwright/test";
import { test, expect, expectNoAxeViolations, signIn, SUSPENDED, CASES_BY_STATE } from "./fixtures";

// A clerk works on a desktop browser.
test.use({ viewport: { width: 1280, height: 900 } });

const search = (page: Page) => page.getByLabel("Cerca per codice, protocollo o oggetto");
const listed = (page: Page) => page.locator("table.cases tbody tr td:first-child a");

test.describe("with JavaScript on", () => {
  test("the list follows the search and the filters as the clerk types, the address too", async ({ page }) => {
    await signIn(page, "demo-operatore-valdoria");
    await expect(page).toHaveURL("/area-riservata/pratiche");
    // Other tests register pratiche meanwhile: more than one is listed.
    await expect(listed(page).nth(1)).toBeVisible();
    // The island's code is fetched on this page only, after the main bundle.
    await page.waitForLoadState("networkidle");
    let loads = 0;
    page.on("load", () => loads++);

    await search(page).pressSequentially("fabbricato artigianale", { delay: 20 });
    await expect(listed(page)).toHaveText([SUSPENDED]);
    await expect(page.locator("#totale")).toHaveText("1 pratica trovata");
    await expect(page).toHaveURL(/\?q=fabbricato\+artigianale&pagina=1$/);

    // A choice applies at once, with the search.
    await search(page).fill("");
    await page.getByLabel("Scadenza").selectOption({ label: "Scadute" });
    await expect(listed(page)).toHaveText([CASES_BY_STATE.overdue]);
    await expect(page).toHaveURL(/\?scadenza=scadute&pagina=1$/);
    await expectNoAxeViolations(page, "the dashboard, filtered in place");
    expect(loads, "the page was loaded again").toBe(0);

    // A reload of the address gives the same list, and the form says why.
    await page.reload();
    await expect(listed(page)).toHaveText([CASES_BY_STATE.overdue]);
    await expect(page.getByLabel("Scadenza")).toHaveValue("scadute");

    // Into a record and back: the same list.
    await listed(page).first().click();
    await expect(page).toHaveURL(`/area-riservata/pratiche/${CASES_BY_STATE.overdue}`);
    await page.goBack();
    await expect(listed(page)).toHaveText([CASES_BY_STATE.overdue]);
  });
});

test.describe("with JavaScript off", () => {
  test.use({ javaScriptEnabled: false });

  test("the filter form lists the same once sent", async ({ page }) => {
    await signIn(page, "demo-operatore-valdoria");
    await search(page).fill("fabbricato artigianale");
    await page.getByRole("button", { name: "Filtra" }).click();
    await expect(page).toHaveURL(/\?q=fabbricato\+artigianale/);
    await expect(listed(page)).toHaveText([SUSPENDED]);
    await expect(page.locator("#totale")).toHaveText("1 pratica trovata");
  });
});
