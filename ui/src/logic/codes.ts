// Codes the backend stores ↔ labels people read. Labels live in the locale files under
// `codes.<group>.<key>`; keys are the codes with '-' replaced by '_' (i18n paths stay simple).

export const RISK_TAGS = [
  'overseas',
  'close-contact',
  'secondary-contact',
  'medium-risk',
  'high-risk',
  'red-code',
  'yellow-code',
] as const;

/** 七类人 */
export const VULNERABLE = [
  'elderly-alone',
  'pregnant',
  'disabled',
  'limited-mobility',
  'dialysis',
  'mental',
  'chronic',
] as const;

export const RESIDENCY = ['registered', 'resident', 'floating', 'tenant'] as const;

export const RELATIONS = [
  'head',
  'spouse',
  'child',
  'parent',
  'grandchild',
  'grandparent',
  'sibling',
  'child-in-law',
  'other',
] as const;

export const GENDERS = ['male', 'female', 'unknown'] as const;

export type CodeGroup = 'risk' | 'vulnerable' | 'residency' | 'relation' | 'gender';

export const CODE_GROUPS: Record<CodeGroup, readonly string[]> = {
  risk: RISK_TAGS,
  vulnerable: VULNERABLE,
  residency: RESIDENCY,
  relation: RELATIONS,
  gender: GENDERS,
};

export function codeKey(group: CodeGroup, code: string): string {
  return `codes.${group}.${code.replace(/-/g, '_')}`;
}

type Translate = (key: string) => string;
type HasKey = (key: string) => boolean;

/** Label for a code; an unknown code (a newer backend) is shown as it is. */
export function codeLabel(t: Translate, te: HasKey, group: CodeGroup, code: string): string {
  const key = codeKey(group, code);
  return te(key) ? t(key) : code;
}

/** Reverse lookup in one locale's messages: label → code, or null. */
export function codeFromLabel(
  messages: { codes: Record<string, Record<string, string>> },
  group: CodeGroup,
  label: string,
): string | null {
  const table = messages.codes[group] ?? {};
  const want = label.trim();
  for (const code of CODE_GROUPS[group]) {
    if (table[code.replace(/-/g, '_')] === want) return code;
  }
  return null;
}

/** Sorts codes in their canonical order (the order of the lists above); unknown codes last. */
export function sortCodes(group: CodeGroup, codes: Iterable<string>): string[] {
  const order = CODE_GROUPS[group];
  const rank = (c: string) => {
    const i = order.indexOf(c);
    return i < 0 ? order.length : i;
  };
  return [...new Set(codes)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
