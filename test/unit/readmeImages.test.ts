// README's pictures: every image it links exists, and every picture the
// screenshot script makes is linked (a renamed picture cannot leave a broken link or an orphan behind).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCREENSHOTS } from '../../scripts/images/screenshots';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const linked = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((match) => match[1]);

describe('README pictures', () => {
  it('links only images that exist, PNGs under docs/images/', () => {
    assert.ok(linked.length >= Object.keys(SCREENSHOTS).length, `README links ${linked.length} images`);
    for (const path of linked) {
      assert.match(path, /^docs\/images\/[^/]+\.png$/, `${path}: README's pictures live in docs/images/`);
      assert.ok(existsSync(join(root, path)), `${path} is missing: run npm run screenshots`);
    }
  });

  it('shows every picture npm run screenshots makes, one of them on the first screen', () => {
    for (const file of Object.values(SCREENSHOTS)) assert.ok(linked.includes(`docs/images/${file}`), `README does not show docs/images/${file}`);
    const firstScreen = readme.split('\n').slice(0, 25).join('\n');
    assert.match(firstScreen, /!\[[^\]]+\]\(docs\/images\/[^)]+\.png\)/, 'no picture in the first 25 lines of README');
  });
});
