/** The link's token and the code from the answer card, as the reseller copies them. */
export function secretsOf(body: unknown) {
  const json = JSON.stringify(body).replace(/\\\\/g, '');
  const token = /\/invitations\/([A-Za-z0-9_-]{43})/.exec(json)?.[1];
  const code = /C[2-9A-Z]{3}-[2-9A-Z]{4}-[2-9A-Z]{4}/.exec(json)?.[0];
  if (!token || !code) throw new Error(`no link or code on the card: ${json.slice(0, 400)}`);
  return { token, code };
}
