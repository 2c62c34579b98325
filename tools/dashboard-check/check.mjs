// Logs into the Aspire dashboard at the login URL given (http://localhost:15080/login?t=…), waits for the resources
// page, and reports what a newcomer sees: the page title, every message bar (Fluent UI's banners, where the dashboard
// shows errors such as an untrusted development certificate) and the resources with their state. Exits 1 when a
// message bar has the error intent or mentions a certificate. Usage: node check.mjs <login-url> [screenshot.png]
import { chromium } from 'playwright-core';

const [loginUrl, screenshot] = process.argv.slice(2);
if (!loginUrl) {
  console.error('usage: node check.mjs <dashboard login URL> [screenshot.png]');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  // Without the background-networking flags Chromium keeps trying Google's hosts, which this machine refuses.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(loginUrl, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  // The resources grid is the first screen after login; give Blazor time to connect and render it.
  try {
    await page.waitForFunction(() => document.body.innerText.includes('functions'), null, { timeout: 120_000 });
  } catch (error) {
    console.error(`FAIL: the resources page never showed the functions resource: ${error.message.split('\n')[0]}`);
    console.error(`the page (${page.url().replace(/t=[^&]+/, 't=…')}) says: ${(await page.innerText('body')).replace(/\s+/g, ' ').slice(0, 2000)}`);
    if (screenshot) {
      await page.screenshot({ path: screenshot });
    }
    process.exit(1);
  }
  await page.waitForTimeout(5_000);

  const bars = await page.$$eval('fluent-message-bar, [role="alert"], .fluent-messagebar', nodes => nodes.map(n => ({
    intent: n.getAttribute('intent') ?? n.getAttribute('data-intent') ?? '',
    text: n.innerText.replace(/\s+/g, ' ').trim(),
  })));
  const rows = await page.$$eval('[role="row"]', nodes => nodes.map(n => n.innerText.replace(/\s+/g, ' ').trim()).filter(t => t.length > 0));
  console.log(`title: ${await page.title()}`);
  console.log(`url: ${page.url().replace(/t=[^&]+/, 't=…')}`);
  console.log(`message bars: ${bars.length === 0 ? 'none' : ''}`);
  for (const bar of bars) {
    console.log(`  [${bar.intent || 'no intent'}] ${bar.text}`);
  }
  console.log('resources grid:');
  for (const row of rows.slice(0, 20)) {
    console.log(`  ${row.slice(0, 160)}`);
  }
  if (screenshot) {
    await page.screenshot({ path: screenshot, fullPage: false });
    console.log(`screenshot: ${screenshot}`);
  }

  const errors = bars.filter(b => /error/i.test(b.intent) || /certificate/i.test(b.text));
  if (errors.length > 0) {
    console.error(`FAIL: the first screen shows ${errors.length} error banner(s): ${errors.map(e => e.text).join(' | ')}`);
    process.exitCode = 1;
  } else {
    console.log('PASS: no error banner on the first screen');
  }
} finally {
  await browser.close();
}
