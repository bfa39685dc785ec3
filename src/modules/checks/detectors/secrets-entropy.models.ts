// Shannon entropy in bits per character: random keys score high (base64 ≈ 4.5–6, hex ≤ 4),
// words, placeholders and repeated characters score low.

const counts = new Int32Array(0x10000);

export function measureEntropy(text: string, start = 0, end = text.length): number {
  const length = end - start;
  if (length <= 0) return 0;
  for (let i = start; i < end; i++) counts[text.charCodeAt(i)] = (counts[text.charCodeAt(i)] ?? 0) + 1;
  let entropy = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    const count = counts[code] ?? 0;
    if (count === 0) continue;
    const p = count / length;
    entropy -= p * Math.log2(p);
    counts[code] = 0;
  }
  return entropy;
}
