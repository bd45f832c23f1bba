import type { Page } from "@playwright/test";
import { test, expect, expectNoAxeViolations, registerPratica, signIn, UNDER_REVIEW } from "./fixtures";

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

const UNDER_EXAMINATION = "Istruttoria — In lavorazione";
const ASSIGNED = "Assegnata al responsabile — In lavorazione";

/** Signs in and registers a pratica submitted ten days ago; opens its record. */
async function newRecord(page: Page, subject: string) {
  await signIn(page, "demo-operatore-valdoria");
  await page.goto("/area-riservata/registra");
  const code = await registerPratica(page, {
    subject,
    reference: `SCU/E2E/${Date.now()}`,
    submittedOn: inDays(-10),
  });
  await page.goto(`/area-riservata/pratiche/${code}`);
}

/** The state names of the record's history, newest first. */
const history = (page: Page) => page.locator("#storia > li > p:first-of-type > strong");

const offers = (page: Page, state: string) =>
  changeForm(page).getByLabel("Nuovo stato").locator("option", { hasText: state });

test.describe("with JavaScript on", () => {
  test("a late event is offered the states of its day, and saving keeps the clerk on the record", async ({
    page,
  }) => {
    await newRecord(page, "Contributo per i libri di testo, classe 3ª A");
    await page.waitForLoadState("networkidle");
    let loads = 0;
    page.on("load", () => loads++);
    const form = changeForm(page);
    const region = form.locator("#anteprima");

    // Today: under examination, saved in place.
    await form.getByLabel("Nuovo stato").selectOption({ label: UNDER_EXAMINATION });
    await form.getByRole("button", { name: "Salva il cambio di stato" }).click();
    await expect(region).toContainText("Cambio di stato salvato");
    await expect(history(page)).toHaveText(["Istruttoria", "Protocollata"]);
    await expect(page.locator("#sintesi")).toContainText("In lavorazione");

    // Five days ago, between the two: only what may go there.
    await expect(offers(page, "Assegnata al responsabile")).toHaveCount(0);
    await form.getByLabel("Data dell'evento").fill(inDays(-5));
    await expect(offers(page, "Assegnata al responsabile")).toHaveCount(1);
    await expect(offers(page, "Accolta")).toHaveCount(0);
    await form.getByLabel("Nuovo stato").selectOption({ label: ASSIGNED });
    await form.getByLabel("Nota interna").fill("Assegnazione registrata in ritardo.");
    await expect(region).toContainText("Anteprima (non ancora salvata)");
    await form.getByRole("button", { name: "Salva il cambio di stato" }).click();
    await expect(region).toContainText("Cambio di stato salvato");
    await expect(history(page)).toHaveText(["Istruttoria", "Assegnata al responsabile", "Protocollata"]);

    // The form is empty again and offers the moves from now.
    await expect(form.getByLabel("Nota interna")).toHaveValue("");
    await expect(offers(page, "Accolta")).toHaveCount(1);
    await expectNoAxeViolations(page, "the record after a save in place");
    expect(loads, "the page was loaded again").toBe(0);

    // The record, loaded again, is the same.
    await page.reload();
    await expect(history(page)).toHaveText(["Istruttoria", "Assegnata al responsabile", "Protocollata"]);

    // A public note that seems to hold personal data is confirmed on the
    // form's own page, as without JavaScript, and then saved.
    await page.waitForLoadState("networkidle");
    await changeForm(page).getByLabel("Nuovo stato").selectOption({ label: REQUEST });
    await changeForm(page).getByLabel("Nota per il cittadino").fill("Scriva a mario.rossi@example.it.");
    await changeForm(page).getByRole("button", { name: "Salva il cambio di stato" }).click();
    const confirm = changeForm(page).getByLabel("Confermo: la nota può comparire sulla pagina pubblica.");
    await expect(confirm).toBeVisible();
    await expect(history(page)).toHaveCount(3);
    await confirm.check();
    await changeForm(page).getByRole("button", { name: "Salva il cambio di stato" }).click();
    // The page held the form sent back: the saved record is loaded, its
    // form empty.
    await expect(page).toHaveURL(/registrato=1/);
    await expect(page.getByText("Cambio di stato salvato")).toBeVisible();
    await expect(history(page).first()).toHaveText("Richiesta integrazioni");
    await expect(changeForm(page).getByLabel("Nota per il cittadino")).toHaveValue("");
  });


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

  test("a late event: the preview offers the states of its day, and saving shows the record", async ({ page }) => {
    await newRecord(page, "Contributo per i libri di testo, classe 3ª B");
    const form = changeForm(page);
    await form.getByLabel("Nuovo stato").selectOption({ label: UNDER_EXAMINATION });
    await form.getByRole("button", { name: "Salva il cambio di stato" }).click();
    await expect(page.getByText("Cambio di stato salvato")).toBeVisible();

    await expect(offers(page, "Assegnata al responsabile")).toHaveCount(0);
    await changeForm(page).getByLabel("Data dell'evento").fill(inDays(-5));
    await changeForm(page).getByRole("button", { name: "Anteprima dell'effetto sulla scadenza" }).click();
    await expect(page.getByText("Anteprima (non ancora salvata)")).toBeVisible();
    await expect(offers(page, "Accolta")).toHaveCount(0);
    await changeForm(page).getByLabel("Nuovo stato").selectOption({ label: ASSIGNED });
    await changeForm(page).getByRole("button", { name: "Salva il cambio di stato" }).click();
    await expect(page.getByText("Cambio di stato salvato")).toBeVisible();
    await expect(history(page)).toHaveText(["Istruttoria", "Assegnata al responsabile", "Protocollata"]);
  });

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
