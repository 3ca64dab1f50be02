// Opens EdgeMeta's /ui in Debian's chromium (headless) and prints what a person would read there, as JSON,
// after saving a full-page screenshot. Usage: node status_page.mjs http://127.0.0.1:PORT /path/shot.png
import { chromium } from 'playwright-core';

const [base, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  // CI runs as root, where chromium's sandbox cannot start.
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  const response = await page.goto(`${base}/ui`, { waitUntil: 'load' });
  const text = async (selector) => (await page.locator(selector).innerText()).trim();
  const result = {
    status: response.status(),
    title: await page.title(),
    node: await text('#node'),
    mode: await text('#server tr:has(th:text-is("Mode")) td'),
    cloudlink: await text('#cloudlink'),
    headings: await page.locator('h2').allInnerTexts(),
    objects: Object.fromEntries(await page.locator('#objects tr').evaluateAll((rows) =>
      rows.slice(1).map((r) => [r.cells[0].innerText, Number(r.cells[1].innerText)]))),
    objectsVisible: await page.locator('#objects').isVisible(),
    openWatches: Number(await text('#watches tr:has(th:text-is("Open")) td')),
  };
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
}
