/**
 * Text for clients that take neither snippets nor Markdown: snippet syntax reduced to the text it would insert,
 * and the catalogue's Markdown reduced to readable plain text.
 */

/**
 * The text a snippet inserts when every placeholder keeps its default: `${1:5}` → `5`, `${2|s,ms|}` → `s`,
 * `${1}` and `$0` → nothing, `\$` → `$`.
 */
export function snippetToPlainText(snippet: string): string {
  let index = 0;

  const readNumberOrName = (): string => {
    const match = /^(\d+|[A-Za-z_]\w*)/.exec(snippet.slice(index));
    if (!match) return '';
    index += match[0].length;
    return match[0];
  };

  // Reads until the closing `}` of the current placeholder (or the end), expanding nested ones.
  const readText = (insidePlaceholder: boolean): string => {
    let out = '';
    while (index < snippet.length) {
      const char = snippet[index];
      if (char === '\\' && index + 1 < snippet.length && '$}\\'.includes(snippet[index + 1])) {
        out += snippet[index + 1];
        index += 2;
      } else if (char === '}' && insidePlaceholder) {
        index++;
        return out;
      } else if (char === '$' && snippet[index + 1] === '{') {
        index += 2;
        readNumberOrName();
        const next = snippet[index];
        if (next === ':') {
          index++;
          out += readText(true);
        } else if (next === '|') {
          index++;
          out += readChoices();
        } else if (next === '}') {
          index++;
        }
      } else if (char === '$' && /[\w]/.test(snippet[index + 1] ?? '')) {
        index++;
        readNumberOrName();
      } else {
        out += char;
        index++;
      }
    }
    return out;
  };

  // `a,b|}`: the first choice, unescaped.
  const readChoices = (): string => {
    let first: string | undefined;
    let current = '';
    while (index < snippet.length) {
      const char = snippet[index];
      if (char === '\\' && index + 1 < snippet.length) {
        current += snippet[index + 1];
        index += 2;
        continue;
      }
      index++;
      if (char === ',') {
        first ??= current;
        current = '';
      } else if (char === '|' && snippet[index] === '}') {
        index++;
        return first ?? current;
      } else {
        current += char;
      }
    }
    return first ?? current;
  };

  return readText(false);
}

/**
 * Markdown as plain text: emphasis and code marks dropped, links as `text (url)`, table rows as cells separated
 * by two spaces (the separator row removed), backslash escapes undone.
 */
export function markdownToPlainText(markdown: string): string {
  const lines: string[] = [];
  for (const line of markdown.split('\n')) {
    const trimmed = line.trim();
    if (/^\|(\s*:?-+:?\s*\|)+\s*$/.test(trimmed)) continue;
    if (trimmed.startsWith('|') && trimmed.endsWith('|') && trimmed.length > 1) {
      const cells = trimmed
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => inlineToPlainText(cell.trim()));
      lines.push(cells.filter((cell) => cell !== '').join('  '));
      continue;
    }
    lines.push(inlineToPlainText(line.replace(/^#{1,6}\s+/, '')));
  }
  return lines.join('\n');
}

function inlineToPlainText(text: string): string {
  return text
    .replace(/\[([^\]]*)\]\(([^)\s]*)\)/g, (_match, label: string, url: string) => (url && url !== label ? `${label} (${url})` : label))
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/(^|[^\w*])\*([^*\s][^*]*?)\*(?=[^\w*]|$)/g, '$1$2')
    .replace(/(^|[^\w_])_([^_\s][^_]*?)_(?=[^\w_]|$)/g, '$1$2')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, '$1');
}
