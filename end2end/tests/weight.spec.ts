import { brotliCompressSync, constants } from "node:zlib";
import type { Response } from "@playwright/test";
import { test, expect, signIn, CASES_BY_STATE } from "./fixtures";

/**
 * What each citizen page downloads, after brotli (docs/rules.md, Budgets): JavaScript and
 * WebAssembly (0 on pages without an island, at most 85 KB with islands),
 * and HTML, CSS and fonts (at most 60 KB). Sizes are the brotli-compressed
 * bodies, measured here on a cold cache; the table is printed for the notes.
 */
const PAGES: [string, string, boolean][] = [
  ["home", "/", true],
  ["check the code", "/cerca?codice=ABCD", true],
  ["not found", "/p/7K3M-Q9XR-2HDP-C", false],
  ["case (in review)", `/p/${CASES_BY_STATE["in review"]}`, false],
  ["case (overdue)", `/p/${CASES_BY_STATE.overdue}`, false],
  ["accessibility", "/accessibilita", false],
  ["privacy", "/privacy", false],
  ["bodies", "/enti", false],
  ["procedure sheet", "/enti/valdoria/procedimenti/1", false],
];

const KB = 1024;

/** A body's size after brotli at quality 11, as the server precompresses. */
const brotli = (body: Buffer) => brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

test("every citizen page stays within its weight budget", async ({ browser, extraHTTPHeaders }) => {
  const rows: string[] = [];
  for (const [name, path, hasIslands] of PAGES) {
    const context = await browser.newContext({ extraHTTPHeaders });
    const page = await context.newPage();
    const bodies: Promise<[string, number]>[] = [];
    page.on("response", (response) => {
      bodies.push(
        response.body().then(
          (body) => [response.url(), brotli(body)],
          () => [response.url(), 0],
        ),
      );
    });
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    const sizes = await Promise.all(bodies);
    await context.close();

    const code = sizes.filter(([url]) => /\.(js|wasm)$/.test(new URL(url).pathname)).reduce((sum, [, n]) => sum + n, 0);
    const rest = sizes.filter(([url]) => !/\.(js|wasm)$/.test(new URL(url).pathname)).reduce((sum, [, n]) => sum + n, 0);
    rows.push(`${name.padEnd(18)} JS+WASM ${(code / KB).toFixed(1).padStart(6)} KB   HTML+CSS+fonts ${(rest / KB).toFixed(1).padStart(6)} KB`);
    if (hasIslands) {
      expect(code, `${name}: JS+WASM`).toBeGreaterThan(0);
      expect(code, `${name}: JS+WASM`).toBeLessThanOrEqual(85 * KB);
    } else {
      expect(code, `${name}: JS+WASM`).toBe(0);
    }
    expect(rest, `${name}: HTML+CSS+fonts`).toBeLessThanOrEqual(60 * KB);
  }
  console.log(`\nPage weight after brotli (quality 11), cold cache:\n${rows.join("\n")}\n`);
});

/** The back office's pages with an island, signed in as a clerk: JS+WASM at most 200 KB. */
const BACK_OFFICE_PAGES: [string, string][] = [
  ["dashboard", "/area-riservata/pratiche"],
  ["registration", "/area-riservata/registra"],
  ["record", `/area-riservata/pratiche/${CASES_BY_STATE["in review"]}`],
];

test("back-office pages with islands stay within 200 KB of JavaScript and WebAssembly", async ({ page }) => {
  await signIn(page, "demo-operatore-valdoria");
  const rows: string[] = [];
  for (const [name, path] of BACK_OFFICE_PAGES) {
    const bodies: Promise<[string, number]>[] = [];
    const measure = (response: Response) => {
      bodies.push(response.body().then((body) => [response.url(), brotli(body)], () => [response.url(), 0]));
    };
    page.on("response", measure);
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    page.off("response", measure);
    const code = (await Promise.all(bodies))
      .filter(([url]) => /\.(js|wasm)$/.test(new URL(url).pathname))
      .reduce((sum, [, n]) => sum + n, 0);
    rows.push(`${name.padEnd(18)} JS+WASM ${(code / KB).toFixed(1).padStart(6)} KB`);
    expect(code, `${name}: JS+WASM`).toBeGreaterThan(0);
    expect(code, `${name}: JS+WASM`).toBeLessThanOrEqual(200 * KB);
  }
  console.log(`\nBack-office page weight after brotli (quality 11):\n${rows.join("\n")}\n`);
});

test("static files are precompressed and cached by their hashed names", async ({ page, request }) => {
  await page.goto("/");
  const stylesheet = await page.locator('link[rel="stylesheet"]').getAttribute("href");
  expect(stylesheet).toMatch(/^\/pkg\/pratiche\.[\w-]+\.css$/);
  for (const [path, encoding] of [[stylesheet!, "br"], [stylesheet!, "gzip"]]) {
    const response = await request.get(path, { headers: { "accept-encoding": encoding } });
    expect(response.status()).toBe(200);
    expect(response.headers()["content-encoding"], path).toBe(encoding);
    expect(response.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  }
  const font = await request.get("/fonts/titillium-web-latin-400-861b80b4.woff2");
  expect(font.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  const favicon = await request.get("/favicon.svg");
  expect(favicon.headers()["cache-control"]).toBe("no-cache");
  expect(favicon.headers()["last-modified"]).toBeTruthy();
});
