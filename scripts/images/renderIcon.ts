/**
 * Renders the extension icon: docs/images/icon.svg → media/icon.png (256×256, transparent corners) in headless
 * Chromium. `node --import tsx scripts/images/renderIcon.ts` after editing the SVG; the PNG is committed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const repoRoot = join(__dirname, '..', '..');
/** The icon's size in pixels (the Marketplace asks for at least 128×128). */
const SIZE = 256;

/** Chromium to drive: $AMI_E2E_CHROMIUM, else Debian's (scripts/e2e/installTools.sh installs it). */
export const chromiumPath = process.env.AMI_E2E_CHROMIUM ?? '/usr/bin/chromium';

async function main(): Promise<void> {
  const svg = readFileSync(join(repoRoot, 'docs', 'images', 'icon.svg'), 'utf8');
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE }, deviceScaleFactor: 1 });
    const sized = svg.replace(/<svg\b[^>]*?\swidth="\d+"\s+height="\d+"/, (tag) => tag.replace(/width="\d+"\s+height="\d+"/, `width="${SIZE}" height="${SIZE}"`));
    await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${sized}</body></html>`);
    const png = await page.locator('svg').screenshot({ omitBackground: true });
    writeFileSync(join(repoRoot, 'media', 'icon.png'), png);
    process.stderr.write(`media/icon.png: ${SIZE}×${SIZE}, ${png.length} bytes\n`);
  } finally {
    await browser.close();
  }
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`renderIcon: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
