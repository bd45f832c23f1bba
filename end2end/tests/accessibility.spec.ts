import { test, expect, expectNoAxeViolations, signIn, CASES_BY_STATE, UNDER_REVIEW, SUSPENDED } from "./fixtures";

const PAGES: Record<string, string> = {
  home: "/",
  "malformed code": "/cerca?codice=ABCD-EFGH",
  "not found": "/p/7K3M-Q9XR-2HDP-C",
  "accessibility statement": "/accessibilita",
  "privacy notice": "/privacy",
  "staff area": "/area-riservata",
  "bodies and procedures": "/enti",
  "a body's procedures": "/enti/valdoria",
  // The demo's first procedure type, with its sheet filled in.
  "a procedure's sheet and times": "/enti/valdoria/procedimenti/1",
  ...Object.fromEntries(Object.entries(CASES_BY_STATE).map(([state, code]) => [`case ${state}`, `/p/${code}`])),
};

for (const width of [320, 1280]) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: 900 } });

    test("every citizen page and state has no axe violations", async ({ page }) => {
      // Seventeen pages, each analysed in full: more than the default 30 s on a busy machine.
      test.setTimeout(120_000);
      for (const [what, path] of Object.entries(PAGES)) {
        await page.goto(path);
        await expectNoAxeViolations(page, what);
      }
    });

    test("the home page listing remembered cases has no axe violations", async ({ page }) => {
      for (const code of [UNDER_REVIEW, SUSPENDED]) {
        await page.goto(`/p/${code}`);
        await page.getByRole("button", { name: "Ricorda su questo dispositivo" }).click();
      }
      await page.goto("/");
      await expect(page.locator(".my-cases li")).toHaveCount(2);
      await expectNoAxeViolations(page, "home with my cases");
    });

    test("the deadline explanation, opened, has no axe violations", async ({ page }) => {
      await page.goto(`/p/${CASES_BY_STATE.approved}`);
      await page.getByText("Come è calcolata questa data").click();
      await expect(page.locator("details.clock-explanation")).toHaveAttribute("open", "");
      await expectNoAxeViolations(page, "explanation open");
    });

    test("the rate-limited page has no axe violations", async ({ page }) => {
      let status = 0;
      for (let i = 0; i < 60 && status !== 429; i++) {
        status = (await page.goto(`/p/${UNDER_REVIEW}`))?.status() ?? 0;
      }
      expect(status).toBe(429);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Troppe ricerche");
      await expectNoAxeViolations(page, "rate limited");
    });

    test("nothing scrolls sideways and every entry shows in full", async ({ page }) => {
      for (const path of Object.values(PAGES)) {
        await page.goto(path);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, path).toBeLessThanOrEqual(0);
        const clipped = await page.$$eval(".history-entry, .history-entry *", (nodes) =>
          nodes.filter((node) => node.scrollWidth > node.clientWidth + 1).length,
        );
        expect(clipped, path).toBe(0);
      }
    });
  });
}

const BODY_ADMIN_PAGES = [
  "/area-riservata/pratiche",
  `/area-riservata/pratiche/${SUSPENDED}`,
  `/area-riservata/pratiche/${SUSPENDED}/ricevuta`,
  "/area-riservata/registra",
  "/area-riservata/utenti",
  "/area-riservata/ente",
  "/area-riservata/procedimenti",
  "/area-riservata/registro",
  "/area-riservata/api",
  "/area-riservata/account",
];

for (const width of [320, 1280]) {
  test.describe(`the staff area at ${width} px`, () => {
    test.use({ viewport: { width, height: 900 } });

    test("every page of a body admin has no axe violations", async ({ page }) => {
      test.setTimeout(120_000);
      await signIn(page, "demo-admin-valdoria");
      for (const path of BODY_ADMIN_PAGES) {
        await page.goto(path);
        await expectNoAxeViolations(page, path);
      }
      await page.goto("/area-riservata/procedimenti");
      await page.getByRole("link", { name: "Permesso di costruire" }).click();
      // axe must read the new page, not the one being left.
      await expect(page).toHaveURL(/\/area-riservata\/procedimenti\/\d+$/);
      await expectNoAxeViolations(page, "a procedure type");
      await page.goto("/area-riservata/api");
      await page.getByLabel("Nome del client").fill(`Protocollo informatico ${width}`);
      await page.getByRole("button", { name: "Crea", exact: true }).click();
      await expect(page.getByText("Client API creato")).toBeVisible();
      await expectNoAxeViolations(page, "a new API client and its secret");
    });

    test("the province admin's pages have no axe violations", async ({ page }) => {
      await signIn(page, "demo-provincia");
      await page.goto("/area-riservata/enti");
      await expectNoAxeViolations(page, "bodies");
      await page.getByRole("link", { name: "Comune di Valdoria" }).click();
      await expect(page).toHaveURL(/\/area-riservata\/enti\/\d+$/);
      await expectNoAxeViolations(page, "a body's statistics");
    });

    test("refused forms and their errors have no axe violations", async ({ page }) => {
      // A wrong password.
      await page.goto("/area-riservata");
      await page.locator("input[name=username]").fill("demo-operatore-valdoria");
      await page.locator("input[name=password]").fill("not the password");
      await page.locator("form button[type=submit]").click();
      await expect(page.getByRole("alert")).toBeVisible();
      await expectNoAxeViolations(page, "sign-in refused");

      // The server's own checks, past the browser's: an empty registration
      // and a status change in the future.
      await signIn(page, "demo-operatore-valdoria");
      await page.goto("/area-riservata/registra");
      await page.evaluate(() => document.querySelectorAll("form").forEach((form) => (form.noValidate = true)));
      await page.getByRole("button", { name: "Registra e prepara la ricevuta" }).click();
      await expect(page.locator(".form-error")).toBeVisible();
      await expectNoAxeViolations(page, "registration refused");

      await page.goto(`/area-riservata/pratiche/${UNDER_REVIEW}`);
      await page.evaluate(() => document.querySelectorAll("form").forEach((form) => (form.noValidate = true)));
      const change = page.locator("form").filter({ has: page.getByRole("button", { name: "Salva il cambio di stato" }) });
      await change.locator("input[name=data]").fill("2999-01-01");
      await change.getByRole("button", { name: "Salva il cambio di stato" }).click();
      await expect(page.getByText("non possono essere nel futuro")).toBeVisible();
      await expectNoAxeViolations(page, "status change refused");
    });
  });
}

test.describe("in English", () => {
  test.use({ locale: "en-GB", viewport: { width: 1280, height: 900 } });

  test("citizen and staff pages have no axe violations", async ({ page }) => {
    test.setTimeout(180_000);
    for (const [what, path] of Object.entries(PAGES)) {
      await page.goto(path);
      await expect(page.locator("html")).toHaveAttribute("lang", "en");
      await expectNoAxeViolations(page, `${what}, in English`);
    }
    await signIn(page, "demo-admin-valdoria");
    for (const path of BODY_ADMIN_PAGES) {
      await page.goto(path);
      await expect(page.locator("html")).toHaveAttribute("lang", "en");
      await expectNoAxeViolations(page, `${path}, in English`);
    }
  });
});

test("a citizen finds a procedure's sheet from the footer and rates it", async ({ page }) => {
  // The sheet loads no script: its form is a plain one (checked by the integration tests).
  await page.setViewportSize({ width: 320, height: 900 });
  await page.goto("/");
  await page.getByRole("contentinfo").getByRole("link", { name: "Enti e procedimenti" }).click();
  await page.getByRole("link", { name: "Comune di Valdoria" }).click();
  await page.getByRole("link", { name: "Permesso di costruire" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Permesso di costruire");
  await expect(page.getByRole("img", { name: /Giorni impiegati per semestre/ })).toBeVisible();
  await expect(page.getByRole("table", { name: "Pratiche e tempi per semestre" })).toBeVisible();
  await page.getByLabel("4 su 5").check();
  await page.getByRole("button", { name: "Invia la valutazione" }).click();
  await expect(page).toHaveURL(/valutazione=grazie/);
  await expect(page.getByRole("status")).toContainText("Grazie: la sua valutazione è registrata");
  await expectNoAxeViolations(page, "the sheet after a rating");
});

test("targets are at least 44×44 px", async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 800 });
  for (const path of ["/", `/p/${SUSPENDED}`]) {
    await page.goto(path);
    const small = await page.$$eval(
      "button, input:not([type=hidden]), summary, .language-switch a, .breadcrumb a, .footer-links a, .contact-details a, .button-link",
      (nodes) =>
        nodes
          .map((node) => ({ node, box: node.getBoundingClientRect() }))
          .filter(({ box }) => box.width < 44 || box.height < 44)
          .map(({ node, box }) => `${node.outerHTML.slice(0, 60)} ${box.width}×${box.height}`),
    );
    expect(small, path).toEqual([]);
  }
});

/** Contrast ratio of two CSS colours (rgb/rgba strings), WCAG formula. */
function contrast(a: string, b: string): number {
  const luminance = (colour: string) => {
    const [r, g, bl] = (colour.match(/[\d.]+/g) ?? ["0", "0", "0"]).slice(0, 3).map(Number).map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

test("the keyboard reaches everything in order, with a visible focus ring", async ({ page }) => {
  await page.goto("/");
  const reached: string[] = [];
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press("Tab");
    const focus = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement;
      const style = getComputedStyle(element);
      // The background the ring is drawn on: the nearest opaque ancestor's.
      let node: HTMLElement | null = element.parentElement;
      let background = "rgb(255, 255, 255)";
      while (node) {
        const colour = getComputedStyle(node).backgroundColor;
        if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") {
          background = colour;
          break;
        }
        node = node.parentElement;
      }
      return {
        label: (element.getAttribute("aria-label") || element.textContent || element.id || element.tagName).trim().slice(0, 40),
        tag: element.tagName,
        outlineWidth: parseFloat(style.outlineWidth),
        outlineStyle: style.outlineStyle,
        outlineColor: style.outlineColor,
        background,
      };
    });
    if (focus.tag === "BODY") break;
    reached.push(focus.label);
    expect(focus.outlineStyle, focus.label).not.toBe("none");
    expect(focus.outlineWidth, focus.label).toBeGreaterThanOrEqual(2);
    expect(contrast(focus.outlineColor, focus.background), focus.label).toBeGreaterThanOrEqual(3);
  }
  // Skip link first, then the language switch, the form, the contacts, the footer.
  expect(reached[0]).toBe("Vai al contenuto principale");
  expect(reached[1]).toBe("English");
  const field = reached.indexOf("codice");
  expect(field).toBeGreaterThan(1);
  expect(reached[field + 1]).toBe("Cerca la pratica");
  expect(reached).toContain("Area riservata");

  // The skip link moves focus to the main content.
  await page.goto("/");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();

  // A lookup from the keyboard alone.
  await page.getByLabel("Codice della pratica").focus();
  await page.keyboard.type(UNDER_REVIEW);
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(`/p/${UNDER_REVIEW}`);
  await expect(page).toHaveTitle(/^Pratica JYRH-CM4Q-3DY4-B: Nuova costruzione/);
});

test.describe("with JavaScript off", () => {
  test.use({ javaScriptEnabled: false });

  test("a plain link switches the language and comes back", async ({ page }) => {
    await page.goto(`/p/${UNDER_REVIEW}`);
    await expect(page.locator("html")).toHaveAttribute("lang", "it");
    await page.getByRole("link", { name: "English" }).click();
    await expect(page).toHaveURL(`/p/${UNDER_REVIEW}`);
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.locator(".status-card")).toContainText("Under review");
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Track your application");
    await page.getByRole("link", { name: "Italiano" }).click();
    await expect(page).toHaveURL("/");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Segui la tua pratica");
  });
});
