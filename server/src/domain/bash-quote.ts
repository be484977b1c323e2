/** Single-quotes a word for bash, whatever it holds. */
export function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function quoteAll(words: string[]): string {
  return words.map(quote).join(' ');
}
