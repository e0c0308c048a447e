// A form field that holds JSON the server checks: text that does not parse goes as it is, so the
// server's reason names the field instead of the browser failing silently.
export function jsonField(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
