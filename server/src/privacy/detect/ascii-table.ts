/**
 * A lookup table of ASCII codes: `table[c] === 1` for the letters, digits and
 * `extra` characters. Detectors test most characters of a text against one
 * instead of running a Unicode regex per character.
 */
export function asciiTable(extra: string): Uint8Array {
  const table = new Uint8Array(128);
  for (const ch of `ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789${extra}`)
    table[ch.charCodeAt(0)] = 1;
  return table;
}
