/**
 * A process that does what the renderer does for its first PDF: load its printer, launch Chromium
 * (warm-up), print. Bundled and run by bench:pdf, which times it from spawn to "printed".
 */
import { readFileSync } from 'node:fs';
// The logger's own file, not the package index: that would load the AWS SDK, which the
// renderer needs but a printer alone does not, and skew the comparison.
import { createLogger } from '../../../shared/src/logger.ts';
import { ChromiumPdfPrinter } from '../../../services/renderer/src/adapters/chromium-pdf-printer.ts';

const printer = new ChromiumPdfPrinter({
  concurrency: 1,
  relaunchAfter: 1000,
  timeoutMs: 60_000,
  logger: createLogger('bench', 'warn'),
});
await printer.warmUp();
const pdf = await printer.print({ html: readFileSync(process.argv[2]!, 'utf8') });
console.log(`printed ${pdf.length}`);
await printer.close();
