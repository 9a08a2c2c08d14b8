/** The token of an `Authorization: Bearer <token>` header, if that is what it holds. */
export function bearer(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
  return m?.[1];
}
