import AxeBuilder from "@axe-core/playwright";
import { test as base, expect } from "@playwright/test";
import type { Page } from "@playwright/test";

/**
 * Every test fails on an uncaught page error or a console error, so a broken
 * WebAssembly bundle cannot hide behind the pages' no-JavaScript fallback.
 * The one console error allowed is the browser noting the document's own
 * 4xx status (a not-found, check-the-code or rate-limited page), and those a
 * test expects (`allowedConsoleErrors`: a request it made fail on purpose).
 *
 * Each test is its own client for the lookup rate limit: the server trusts
 * X-Forwarded-For from 127.0.0.1 in this suite, and each test sends its own
 * address.
 */
export const test = base.extend<{
  failOnPageErrors: void;
  clientAddress: string;
  allowedConsoleErrors: RegExp[];
}>({
  allowedConsoleErrors: [[], { option: true }],
  clientAddress: async ({}, use, testInfo) => {
    const n = testInfo.testId.split("").reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) >>> 0, 7);
    await use(`10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`);
  },
  extraHTTPHeaders: async ({ clientAddress }, use) => {
    await use({ "x-forwarded-for": clientAddress });
  },
  failOnPageErrors: [
    async ({ page, allowedConsoleErrors }, use) => {
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
      page.on("console", (message) => {
        if (message.type() !== "error") return;
        const documentStatus =
          message.location().url === page.url() && /status of 4\d\d/.test(message.text());
        const expected = allowedConsoleErrors.some((allowed) => allowed.test(message.text()));
        if (!documentStatus && !expected) errors.push(`console error: ${message.text()} (${message.location().url})`);
      });
      await use();
      expect(errors).toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** Fails with each WCAG 2.2 AA violation axe finds on the page as it is now. */
export async function expectNoAxeViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const violations = results.violations.map(
    (v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  expect(violations, what).toEqual([]);
}

/** Signs in through the form, by its fields' names: the labels change with the language. */
export async function signIn(page: Page, username: string) {
  await page.goto("/area-riservata");
  await page.locator("input[name=username]").fill(username);
  await page.locator("input[name=password]").fill("demo-pratiche-2026");
  await page.locator("form button[type=submit]").click();
  await expect(page).not.toHaveURL("/area-riservata");
}

/**
 * Registers a pratica of Valdoria's "Contributo per i libri di testo" with
 * the registration form the page shows, as its signed-in clerk; returns its
 * code, read from the receipt.
 */
export async function registerPratica(
  page: Page,
  fields: { subject: string; reference: string; submittedOn?: string },
) {
  await page.getByLabel("Procedimento", { exact: true }).selectOption({ label: "Contributo per i libri di testo" });
  await page.getByLabel("Oggetto").fill(fields.subject);
  await page.getByLabel("Protocollo o riferimento interno").fill(fields.reference);
  if (fields.submittedOn) await page.getByLabel("Data di presentazione").fill(fields.submittedOn);
  await page.getByLabel("Ufficio", { exact: true }).fill("Ufficio Servizi Scolastici");
  await page.getByLabel("Responsabile del procedimento").fill("Dott. Marco Bellini");
  await page.getByLabel("Contatti del responsabile").fill("scuola@comune.valdoria.example.it");
  await page.getByRole("button", { name: "Registra e prepara la ricevuta" }).click();
  await expect(page.getByRole("heading", { name: "Ricevuta di presentazione" })).toBeVisible();
  return (await page.locator(".receipt-code").textContent())!.trim();
}

/** Demo codes (fixed, see db/src/demo.rs), one per state worth checking. */
export const UNDER_REVIEW = "JYRH-CM4Q-3DY4-B";
export const SUSPENDED = "HA1H-G56P-8QX6-T";
export const CASES_BY_STATE: Record<string, string> = {
  submitted: "T4Y5-2D1F-HVD1-1",
  "in review": UNDER_REVIEW,
  "documents requested (suspended)": SUSPENDED,
  "rejection notice": "4PNX-H7B7-WKCJ-*",
  approved: "92KW-G8NB-RNGS-M",
  rejected: "7JXQ-V9JC-317T-V",
  closed: "Y5EE-EVSY-8MQJ-N",
  overdue: "XJMV-NN29-WY74-G",
};
