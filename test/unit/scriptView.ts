// Plain views of parse results for deep comparisons: a whole-file parse keeps each block's line nodes only for a
// while (core/src/script/parser.ts, LazyBlock) and reads them through accessors, which deepEqual does not call.
import type { Block, Script } from '../../core/src/script/types';

/** Every field of `block`, read through its accessors; `index` replaces the block's own when given. */
export function blockView(block: Block | undefined, index?: number): Record<string, unknown> | undefined {
  if (!block) return undefined;
  return {
    index: index ?? block.index,
    title: block.title,
    name: block.name,
    action: block.action,
    range: block.range,
    lines: block.lines,
    headers: block.headers,
    directives: block.directives,
    expectations: block.expectations,
    actionHeader: block.actionHeader,
  };
}

/** Every field of `script`, its blocks as {@link blockView}s. */
export function scriptView(script: Script): Record<string, unknown> {
  return { ...script, blocks: script.blocks.map((block) => blockView(block)) };
}
