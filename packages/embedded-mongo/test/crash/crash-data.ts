/** The payload a document of the crash tests must carry: recomputable, so damage shows. */
export function payloadFor(id: string): string {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `${id}:${h.toString(36)}:`.repeat(1 + (h % 12));
}
