/**
 * The peer's first PDF in a fresh process: plain puppeteer on @sparticuz/chromium's default
 * flags, a new page, `setContent`, `pdf`. Bundled and run by bench:pdf like ours.ts.
 */
import chromium from '@sparticuz/chromium';
import { readFileSync } from 'node:fs';
import puppeteer from 'puppeteer-core';

const browser = await puppeteer.launch({
  executablePath: await chromium.executablePath(),
  headless: true,
  args: chromium.args,
});
const page = await browser.newPage();
await page.setContent(readFileSync(process.argv[2]!, 'utf8'), { waitUntil: 'load' });
const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
console.log(`printed ${pdf.length}`);
await browser.close();
