import chromium from '@sparticuz/chromium';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type CDPSession, type Page } from 'puppeteer-core';
import type { Logger } from '@wevion/shared';
import type { PdfPrinter, PrintRequest } from '../ports.ts';

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

/** A page kept for reports, with the DevTools session that sets its document. */
interface ReportPage {
  page: Page;
  session: CDPSession;
  frameId: string;
}

/** One browser process, its idle report pages and the pages printing; retired browsers close when their last page does. */
interface Generation {
  browser: Promise<Browser>;
  idle: ReportPage[];
  renders: number;
  active: number;
  retired: boolean;
}

/**
 * HTML → PDF in headless Chromium. One warm browser per process, at most `concurrency` pages
 * printing at once. Report pages run without JavaScript and offline (fonts and images arrive
 * inline as data: URLs), so a report can neither phone home nor hang on a request. A page that
 * printed is kept for the next report: measured here, a new page per report with per-request
 * interception cost about 40 % more per PDF (docs/benchmarks.md). Without JavaScript nothing of
 * one report survives its replacement by the next. A page that failed or timed out is closed.
 * A crashed browser is replaced, and every `relaunchAfter` renders a fresh one takes over while
 * the old one finishes its pages. Each browser has its own temp profile, removed when it exits.
 */
export class ChromiumPdfPrinter implements PdfPrinter {
  private current: Generation | null = null;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** How to remove each browser's temporary profile directory. */
  private readonly profiles = new Map<Browser, () => void>();

  constructor(private readonly options: PrinterOptions) {}

  /** Launches the browser ahead of the first job (cold start off the critical path). */
  async warmUp(): Promise<void> {
    await this.generation().browser;
  }

  async print(request: PrintRequest): Promise<Buffer> {
    await this.acquire();
    let generation = this.generation();
    if (generation.renders >= this.options.relaunchAfter) {
      this.retire(generation);
      generation = this.generation();
    }
    generation.renders++;
    generation.active++;
    try {
      const reportPage = generation.idle.pop() ?? (await this.reportPage(await generation.browser));
      let timer: NodeJS.Timeout | undefined;
      let printed = false;
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`PDF rendering took longer than ${this.options.timeoutMs} ms`)),
            this.options.timeoutMs,
          );
        });
        const pdf = Buffer.from(await Promise.race([this.printOn(reportPage, request), timeout]));
        printed = true;
        return pdf;
      } finally {
        clearTimeout(timer);
        if (printed && !generation.retired) generation.idle.push(reportPage);
        else await reportPage.page.close().catch(() => undefined);
      }
    } finally {
      generation.active--;
      if (generation.retired && generation.active === 0) void this.closeGeneration(generation);
      this.release();
    }
  }

  async close(): Promise<void> {
    const generation = this.current;
    this.current = null;
    if (generation) await this.closeGeneration(generation);
  }

  /** A page for reports: no JavaScript, no network. */
  private async reportPage(browser: Browser): Promise<ReportPage> {
    const page = await browser.newPage();
    await page.setJavaScriptEnabled(false);
    await page.setOfflineMode(true);
    const session = await page.createCDPSession();
    await session.send('Page.enable');
    const { frameTree } = await session.send('Page.getFrameTree');
    return { page, session, frameId: frameTree.frame.id };
  }

  /**
   * The report's markup becomes the page's document as it is (`Page.setDocumentContent`), and
   * the page prints once it has loaded (its fonts and logo are inline). puppeteer's `setContent`
   * writes the markup from a script run in the page instead: 30 to 75 ms more per 90-day report
   * (docs/benchmarks.md).
   */
  private async printOn(
    { page, session, frameId }: ReportPage,
    request: PrintRequest,
  ): Promise<Uint8Array> {
    const loaded = new Promise<void>((resolve) => {
      session.once('Page.loadEventFired', () => resolve());
    });
    await session.send('Page.setDocumentContent', { frameId, html: request.html });
    await loaded;
    return page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  }

  private generation(): Generation {
    if (!this.current) {
      const generation: Generation = {
        browser: this.launch(),
        idle: [],
        renders: 0,
        active: 0,
        retired: false,
      };
      // One handler for both outcomes: a launch failure is the caller's error (print, warmUp),
      // never an unhandled rejection that would take the process down.
      generation.browser.then(
        (browser) =>
          browser.on('disconnected', () => {
            if (this.current === generation) {
              this.options.logger.warn('Chromium disconnected; the next render launches a new one');
              this.current = null;
            }
          }),
        () => {
          if (this.current === generation) this.current = null;
        },
      );
      this.current = generation;
    }
    return this.current;
  }

  /** New renders go to a fresh browser; this one closes once its pages finish. */
  private retire(generation: Generation): void {
    generation.retired = true;
    if (this.current === generation) this.current = null;
    if (generation.active === 0) void this.closeGeneration(generation);
  }

  private async launch(): Promise<Browser> {
    const profileDir = mkdtempSync(join(tmpdir(), 'wevion-chromium-'));
    const executablePath = this.options.executablePath ?? (await chromium.executablePath());
    const browser = await puppeteer.launch({
      executablePath,
      headless: true,
      userDataDir: profileDir,
      // Over a pipe, Chromium sees EOF and exits when this process dies, even by SIGKILL;
      // over a WebSocket it would outlive a crashed renderer.
      pipe: true,
      // puppeteer's own handlers would kill Chromium on a signal (and exit the process on
      // SIGINT) before the renderer's graceful stop finishes its PDFs and removes the profile.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      // @sparticuz/chromium's own flags, --single-process included: measured here it prints a
      // 90-day report in about 360 ms instead of 560 ms warm (docs/benchmarks.md). A crash still
      // takes only this browser: the next render launches a new one.
      args: [...chromium.args, '--disable-background-networking'],
    });
    const removeProfile = () => rmSync(profileDir, { recursive: true, force: true });
    browser.on('disconnected', removeProfile);
    this.profiles.set(browser, removeProfile);
    return browser;
  }

  /** Closes the browser, then removes its profile (a crash removes it on disconnect). */
  private async closeGeneration(generation: Generation): Promise<void> {
    const browser = await generation.browser.catch(() => null);
    if (!browser) return;
    await browser.close().catch(() => undefined);
    this.profiles.get(browser)?.();
    this.profiles.delete(browser);
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
