import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import c from "highlight.js/lib/languages/c";
import cpp from "highlight.js/lib/languages/cpp";
import csharp from "highlight.js/lib/languages/csharp";
import css from "highlight.js/lib/languages/css";
import diff from "highlight.js/lib/languages/diff";
import go from "highlight.js/lib/languages/go";
import java from "highlight.js/lib/languages/java";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import kotlin from "highlight.js/lib/languages/kotlin";
import markdown from "highlight.js/lib/languages/markdown";
import php from "highlight.js/lib/languages/php";
import python from "highlight.js/lib/languages/python";
import ruby from "highlight.js/lib/languages/ruby";
import rust from "highlight.js/lib/languages/rust";
import sql from "highlight.js/lib/languages/sql";
import swift from "highlight.js/lib/languages/swift";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";

for (const [name, lang] of Object.entries({
  bash,
  c,
  cpp,
  csharp,
  css,
  diff,
  go,
  java,
  javascript,
  json,
  kotlin,
  markdown,
  php,
  python,
  ruby,
  rust,
  sql,
  swift,
  typescript,
  xml,
  yaml,
})) {
  hljs.registerLanguage(name, lang);
}

/** Languages tried when a code block names none; a short list keeps guessing fast. */
const GUESSES = ["python", "javascript", "typescript", "bash", "json", "sql", "xml", "css", "go", "rust"];

/** Highlights one `<code data-lang>` element in place (highlight.js classes, styled in markdown.css). */
export function highlightElement(code: HTMLElement): void {
  code.dataset.highlighted = "yes";
  const text = code.textContent ?? "";
  const lang = code.dataset.lang ?? "";
  if (text.length > 100_000) return;
  const result = hljs.getLanguage(lang)
    ? hljs.highlight(text, { language: lang, ignoreIllegals: true })
    : !lang && text.length < 5_000
      ? hljs.highlightAuto(text, GUESSES)
      : undefined;
  if (!result) return;
  code.innerHTML = result.value;
  code.classList.add("hljs");
}
