/**
 * Org-unit scopes. Google org-unit paths are matched without regard to case, as the Admin
 * console does not allow two sibling units whose names differ only by case.
 */

/** '/Schools/North/' → '/Schools/North'; '' or '/' → '/'. */
export function normaliseOrgUnitPath(path: string): string {
  const trimmed = path.trim().replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/**
 * True when the scope covers the path: the unit itself or anything below it. '/Schools/North'
 * covers '/Schools/North/Room1' but not '/Schools/North2'.
 */
export function scopeCovers(scope: string, orgUnitPath: string): boolean {
  const s = normaliseOrgUnitPath(scope).toLowerCase();
  const p = normaliseOrgUnitPath(orgUnitPath).toLowerCase();
  if (s === '/') return true;
  return p === s || p.startsWith(`${s}/`);
}
