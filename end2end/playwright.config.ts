import { defineConfig } from "@playwright/test";
import { homedir } from "node:os";
import { join } from "node:path";

// The release build that scripts/test.sh has just made.
const targetDir = process.env.CARGO_TARGET_DIR ?? join(homedir(), ".cache/pratiche/target");
const port = Number(process.env.E2E_PORT ?? 3987);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "./tests",
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: "list",
  use: {
    baseURL,
    locale: "it-IT",
    viewport: { width: 360, height: 740 },
    launchOptions: {
      // Debian's Chromium: no browser is ever downloaded.
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    // A fresh demo database each run. Each test sends its own X-Forwarded-For
    // (see tests/fixtures.ts), so the lookup limit counts per test; it is
    // raised a little for the suites' repeated page loads.
    command: `rm -rf .e2e-data && exec "${targetDir}/release/pratiche-server"`,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    env: {
      LEPTOS_SITE_ROOT: join(__dirname, "..", "target", "site"),
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      PRATICHE_DATA_DIR: ".e2e-data",
      PRATICHE_PUBLIC_URL: baseURL,
      PRATICHE_DEMO: "1",
      RUST_LOG: "warn",
      PRATICHE_LOOKUP_PER_MINUTE: "30",
      PRATICHE_LOOKUP_BURST: "40",
      PRATICHE_TRUSTED_PROXIES: "127.0.0.1",
    },
  },
});
