/** Every string a person sees in an activity or invoke response (text, summary and card strings). */
export function visible(x: any): string {
  const parts: string[] = typeof x === 'string' ? [x] : x?.text ? [x.text] : [];
  // A card notice's text rides as its summary: Teams shows it in the activity feed and toast.
  if (x && typeof x === 'object' && typeof x.summary === 'string') parts.push(x.summary);
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      for (const [k, v] of Object.entries(n)) {
        if (['text', 'title', 'label', 'value'].includes(k) && typeof v === 'string') parts.push(v);
        else walk(v);
      }
    }
  };
  walk(x?.attachments?.map((a: any) => a.content));
  // An invoke's message response carries its text as a string `value`.
  if (x && typeof x === 'object' && typeof x.value === 'string') parts.push(x.value);
  else if (x && typeof x === 'object' && !x.attachments) walk(x.value ?? x);
  return parts.join('\n');
}
