import chromium from '@sparticuz/chromium';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import type { Logger } from '@wevion/shared';

export interface PrinterOptions {
  /** A Chromium to use instead of @sparticuz/chromium's. */
  executablePath?: string;
  /** Pages printing at once in this process. */
  concurrency: number;
  /** A fresh browser after this many renders keeps memory flat over days. */
  relaunchAfter: number;
  timeoutMs: number;
  logger: Logger;
}

export interface PrintRequest {
  html: string;
  /** Plain text for the page footer, left of "Page X of Y". */
  footer: string;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/**
 * HTML → PDF in headless Chromium. One warm browser per process, a page per job, at most
 * `concurrency` pages at once. Report pages run without JavaScript and every network request is
 * refused (fonts and images arrive inline), so a report can neither phone home nor hang on one.
 * A crashed browser is relaunched; each browser has its own temp profile, removed on close.
 */
export class ChromiumPdfPrinter {
  private browser: Promise<Browser> | null = null;
  private profileDir: string | null = null;
  private renders = 0;
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly options: PrinterOptions) {}

  /** Launches the browser ahead of the first job (cold start off the critical path). */
  async warmUp(): Promise<void> {
    await this.currentBrowser();
  }

  async print(request: PrintRequest): Promise<Buffer> {
    await this.acquire();
    try {
      if (this.renders >= this.options.relaunchAfter) await this.closeBrowser();
      const browser = await this.currentBrowser();
      this.renders++;
      const page = await browser.newPage();
      let timer: NodeJS.Timeout | undefined;
      try {
        const work = (async () => {
          await page.setJavaScriptEnabled(false);
          await page.setRequestInterception(true);
          page.on('request', (req) =>
            req.url().startsWith('data:') ? req.continue() : req.abort('blockedbyclient'),
          );
          await page.setContent(request.html, { waitUntil: 'load' });
          return page.pdf({
            format: 'A4',
            printBackground: true,
            preferCSSPageSize: true,
            displayHeaderFooter: true,
            headerTemplate: '<span></span>',
            footerTemplate:
              `<div style="width:100%;font-size:7.5px;color:#64748B;padding:0 14mm;display:flex;justify-content:space-between;font-family:sans-serif">` +
              `<span>${escapeHtml(request.footer)}</span>` +
              `<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
          });
        })();
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`PDF rendering took longer than ${this.options.timeoutMs} ms`)),
            this.options.timeoutMs,
          );
        });
        return Buffer.from(await Promise.race([work, timeout]));
      } finally {
        clearTimeout(timer);
        await page.close().catch(() => undefined);
      }
    } finally {
      this.release();
    }
  }

  async close(): Promise<void> {
    await this.closeBrowser();
  }

  private currentBrowser(): Promise<Browser> {
    if (!this.browser) {
      this.browser = this.launch();
      this.browser.catch(() => (this.browser = null));
    }
    return this.browser;
  }

  private async launch(): Promise<Browser> {
    const profileDir = mkdtempSync(join(tmpdir(), 'wevion-chromium-'));
    this.profileDir = profileDir;
    const executablePath = this.options.executablePath ?? (await chromium.executablePath());
    const browser = await puppeteer.launch({
      executablePath,
      headless: true,
      userDataDir: profileDir,
      // Lambda's --single-process would serialise pages; everything else of its hardening stays.
      args: [
        ...chromium.args.filter((a) => a !== '--single-process'),
        '--disable-background-networking',
      ],
    });
    this.renders = 0;
    browser.on('disconnected', () => {
      if (this.profileDir === profileDir) {
        this.options.logger.warn('Chromium disconnected; the next render relaunches it');
        this.browser = null;
      }
      rmSync(profileDir, { recursive: true, force: true });
    });
    return browser;
  }

  private async closeBrowser(): Promise<void> {
    const current = this.browser;
    this.browser = null;
    this.profileDir = null;
    if (current) await (await current.catch(() => null))?.close().catch(() => undefined);
  }

  private async acquire(): Promise<void> {
    if (this.active < this.options.concurrency) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}
