/**
 * Where a growing Markdown text can be cut so that everything before the cut is
 * complete blocks that later text cannot change: just after a blank line (or
 * a closing code fence or `$$`) that is not inside an open fence or math block.
 * Returns `from` when there is no such place yet. Scans only `text[from..]`,
 * so a streaming renderer pays for its unfinished tail, not the whole message.
 */
export function stableBoundary(text: string, from = 0): number {
  let boundary = from;
  let fence: { char: string; length: number } | undefined;
  let inMath = false;
  let lineStart = from;
  while (lineStart < text.length) {
    const newline = text.indexOf("\n", lineStart);
    // The last line has no newline yet: it may still grow.
    if (newline < 0) break;
    const line = text.slice(lineStart, newline);
    const next = newline + 1;
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
      if (close?.[1] && close[1][0] === fence.char && close[1].length >= fence.length) {
        fence = undefined;
        boundary = next;
      }
    } else if (inMath) {
      if (/\$\$\s*$/.test(line) || /^\s*\\\]\s*$/.test(line)) {
        inMath = false;
        boundary = next;
      }
    } else {
      const open = /^ {0,3}(`{3,}|~{3,})/.exec(line);
      if (open?.[1]) fence = { char: open[1][0] ?? "`", length: open[1].length };
      else if (/^\s*(?:\$\$|\\\[)\s*$/.test(line) || (/^\s*\$\$/.test(line) && !/\$\$.*\$\$/.test(line)))
        inMath = true;
      else if (line.trim() === "") boundary = next;
    }
    lineStart = next;
  }
  return boundary;
}
