import { test, expect, registerPratica, signIn } from "./fixtures";
import type { Page } from "@playwright/test";

// A clerk works on a desktop browser.
test.use({ viewport: { width: 1280, height: 900 } });

const isoDate = (date: Date) => date.toISOString().slice(0, 10);

/** The status-change form (not the correction one) of a record page. */
const changeForm = (page: Page) => page.locator("section.status-change form").first();

async function recordChange(
  page: Page,
  state: string,
  fields: { publicNote?: string; internalNote?: string; replyBy?: string },
  preview = false,
) {
  const form = changeForm(page);
  await form.getByLabel("Nuovo stato").selectOption({ label: state });
  if (fields.publicNote) await form.getByLabel("Nota per il cittadino").fill(fields.publicNote);
  if (fields.internalNote) await form.getByLabel("Nota interna").fill(fields.internalNote);
  if (fields.replyBy) await form.getByLabel("Rispondere entro").fill(fields.replyBy);
  if (preview) {
    await form.getByRole("button", { name: "Anteprima dell'effetto sulla scadenza" }).click();
    await expect(page.getByText("Anteprima (non ancora salvata)")).toBeVisible();
  }
  await changeForm(page).getByRole("button", { name: "Salva il cambio di stato" }).click();
  await expect(page.getByText("Cambio di stato salvato")).toBeVisible();
}

test("a clerk registers a pratica, prints its receipt and records changes the citizen sees", async ({
  page,
}) => {
  await signIn(page, "demo-operatore-valdoria");
  await expect(page).toHaveURL("/area-riservata/pratiche");

  await page.getByRole("link", { name: "Nuova pratica" }).click();
  const code = await registerPratica(page, {
    subject: "Contributo per i libri di testo, classe 2ª B",
    // Unique: a retry registers again in the same database.
    reference: `SCU/2026/E2E-${Date.now()}`,
  });

  // The receipt: code, QR code of the public page, what happens next.
  expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z*~$=]$/);
  await expect(page.locator(".receipt-qr svg")).toBeVisible();
  await expect(page.getByText(`/p/${code}`)).toBeVisible();

  // Three changes: under examination, a request for documents (previewed
  // first), the documents received.
  await page.goto(`/area-riservata/pratiche/${code}`);
  await recordChange(page, "Istruttoria — In lavorazione", {
    publicNote: "Domanda presa in carico dall'ufficio.",
    internalNote: "Controllare l'ISEE con l'INPS.",
  });
  const replyBy = new Date();
  replyBy.setDate(replyBy.getDate() + 15);
  await recordChange(
    page,
    "Richiesta integrazioni — Integrazione richiesta",
    { publicNote: "Manca l'attestazione ISEE: la invii all'ufficio scuola.", replyBy: isoDate(replyBy) },
    true,
  );
  await recordChange(page, "Istruttoria — In lavorazione", {
    publicNote: "Attestazione ISEE ricevuta.",
  });

  // The citizen's page: the three notes, newest first, the due date, no internal note.
  await page.goto(`/p/${code}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(
    "Contributo per i libri di testo, classe 2ª B",
  );
  const notes = page.locator(".history .history-note");
  await expect(notes).toHaveText([
    "Attestazione ISEE ricevuta.",
    "Manca l'attestazione ISEE: la invii all'ufficio scuola.",
    "Domanda presa in carico dall'ufficio.",
  ]);
  await expect(page.locator(".status-card")).toContainText("In lavorazione");
  // Submitted today with a 30-day term; the same-day request and reply suspend nothing.
  await expect(page.locator(".due-line")).toContainText(/mancano (3\d) giorni/);
  await expect(page.locator("body")).not.toContainText("INPS");
  await expect(page.locator("body")).not.toContainText("SCU/2026/E2E");
});

test("another body's clerk cannot open the pratica", async ({ page }) => {
  await signIn(page, "demo-operatore-serena");
  const response = await page.goto("/area-riservata/pratiche/JYRH-CM4Q-3DY4-B");
  expect(response!.status()).toBe(404);
  await expect(page.getByText("Nessuna pratica del suo ente ha questo codice.")).toBeVisible();
});
