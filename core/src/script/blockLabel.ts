import type { Block } from './types';

/** The name shown for a block: its comment title, its `@name`, its action, or its position. */
export function blockLabel(block: Block): string {
  return block.title || block.name || block.action || `Block ${block.index + 1}`;
}
