import { test as base, expect } from "@playwright/test";

/**
 * Every test fails on an uncaught page error or a console error, so a broken
 * WebAssembly bundle cannot hide behind the pages' no-JavaScript fallback.
 * The one console error allowed is the browser noting the document's own
 * 4xx status (a not-found or a check-the-code page).
 */
export const test = base.extend<{ failOnPageErrors: void }>({
  failOnPageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
      page.on("console", (message) => {
        if (message.type() !== "error") return;
        const documentStatus =
          message.location().url === page.url() && /status of 4\d\d/.test(message.text());
        if (!documentStatus) errors.push(`console error: ${message.text()} (${message.location().url})`);
      });
      await use();
      expect(errors).toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Demo codes (fixed, see db/src/demo.rs). */
export const UNDER_REVIEW = "JYRH-CM4Q-3DY4-B";
export const SUSPENDED = "HA1H-G56P-8QX6-T";
