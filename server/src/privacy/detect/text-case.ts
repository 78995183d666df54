/**
 * Whether a text is written (almost) entirely in lower case, as chat messages
 * often are: then capitalisation says nothing about names or street names.
 */
export function isLowerCaseText(text: string): boolean {
  let letters = 0;
  let upper = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 97 && c <= 122) letters++;
    else if (c >= 65 && c <= 90) {
      letters++;
      upper++;
    } else if (c > 127) {
      const ch = text[i] as string;
      const lower = ch.toLowerCase();
      if (lower !== ch) {
        letters++;
        upper++;
      } else if (ch.toUpperCase() !== ch) letters++;
    }
  }
  return letters > 0 && upper / letters < 0.01;
}
